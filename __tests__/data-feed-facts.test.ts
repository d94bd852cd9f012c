/**
 * The data-feed task's reads (tasks/data-feed/facts.ts) against the simulator with real SDK
 * clients: every list followed through all its pages, the facts as the checks need them, and a
 * read that fails after retries making exactly its part incomplete (a named problem).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { DAY_MS, HOUR_MS, SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { readGroupFacts, readGroupsFacts, readPutEventsHours } from '../tasks/data-feed/facts';
import type { Problem } from '../core/contracts/run';

const REGION = 'us-east-1';
let account: SimAccount;
let server: SimServer;
let personalize: PersonalizeClient;
let cloudwatch: CloudWatchClient;

beforeEach(async () => {
  account = new SimAccount({ seed: 3 });
  server = await startSimServer(account);
  const cfg = simClientConfig(server.url, REGION, { maxAttempts: 1, caller: 'data-feed' });
  personalize = new PersonalizeClient(cfg);
  cloudwatch = new CloudWatchClient(cfg);
});
afterEach(async () => {
  personalize.destroy();
  cloudwatch.destroy();
  await server.close();
});

/** A group with more than a page of import jobs, of solution versions and of campaigns. */
function bigGroup(): { group: string; dataset: string; solution: string; tracker: string } {
  const t0 = account.clock.now();
  const df = account.dataFeed;
  const group = df.createDatasetGroup({ region: REGION, name: 'big', createdAt: t0 - 300 * DAY_MS });
  const dataset = df.createDataset({ datasetGroupArn: group, datasetType: 'Interactions', createdAt: t0 - 300 * DAY_MS });
  for (let i = 0; i < 120; i++) df.addImportJob({ datasetArn: dataset, jobName: `job-${String(i).padStart(3, '0')}`, createdAt: t0 - (121 - i) * DAY_MS });
  const tracker = df.createEventTracker({ datasetGroupArn: group, name: 'events', createdAt: t0 - 300 * DAY_MS, eventsPerMinute: () => 5 });
  const solution = df.createSolution({ datasetGroupArn: group, name: 'many-versions', createdAt: t0 - 300 * DAY_MS });
  let latest = '';
  for (let i = 0; i < 110; i++) latest = df.addSolutionVersion({ solutionArn: solution, createdAt: t0 - (111 - i) * DAY_MS });
  for (let c = 0; c < 101; c++) account.personalize.createCampaign({ region: REGION, name: `camp-${c}`, solutionVersionArn: latest, createdAt: t0 - 2 * HOUR_MS, traffic: traffic.constant(1) });
  return { group, dataset, solution, tracker };
}

it('follows every list through all its pages: 120 import jobs, 110 versions, 101 campaigns', async () => {
  const g = bigGroup();
  const calls = new ApiCallCounter();
  const problems: Problem[] = [];
  const facts = await readGroupFacts(personalize, { arn: g.group, name: 'big' }, { region: REGION, calls, problems });
  expect(problems).toEqual([]);
  expect(facts.incomplete).toEqual([]);
  expect(facts.datasets.map((d) => d.imports.length)).toEqual([120]);
  expect(new Set(facts.datasets[0].imports.map((j) => j.name)).size).toBe(120);
  expect(facts.solutions.map((s) => s.versions.length)).toEqual([110]);
  expect(facts.campaigns).toHaveLength(101);
  expect(facts.campaigns.every((c) => c.status === 'ACTIVE' && c.solutionArn === g.solution && c.solutionVersionArn !== '')).toBe(true);
  expect(facts.trackers.map((t) => t.arn)).toEqual([g.tracker]);
  const ops = calls.byOperation();
  // Two pages each of import jobs, versions and campaigns; one DescribeCampaign per ACTIVE campaign.
  expect([ops.ListDatasetImportJobs, ops.ListSolutionVersions, ops.ListCampaigns, ops.DescribeCampaign]).toEqual([2, 2, 2, 101]);
  expect(account.calls({ service: 'personalize', operation: 'ListDatasetImportJobs' })).toHaveLength(2);
});

it('reads the PutEvents metrics of every ACTIVE tracker hourly over the look-back (one GetMetricData)', async () => {
  const g = bigGroup();
  const calls = new ApiCallCounter();
  const problems: Problem[] = [];
  const ctx = { region: REGION, calls, problems };
  const { facts } = await readGroupsFacts(personalize, [{ arn: g.group, name: 'big' }], ctx);
  await readPutEventsHours(cloudwatch, facts, account.clock.now(), ctx);
  expect(problems).toEqual([]);
  const hours = facts[0].trackers[0].hours!;
  // 7 days of hours at 5 calls a minute (the newest hours not yet published are absent).
  expect(hours.length).toBeGreaterThanOrEqual(7 * 24 - 1);
  expect(hours.slice(0, -1).every((h) => h.requests === 300 && h.errors === 0)).toBe(true);
  expect(calls.byOperation().GetMetricData).toBe(1);
});

it('a throttled list makes only its part incomplete, named; the other parts are read', async () => {
  const g = bigGroup();
  account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'ListSolutionVersions', count: 10 });
  const problems: Problem[] = [];
  const facts = await readGroupFacts(personalize, { arn: g.group, name: 'big' }, { region: REGION, calls: new ApiCallCounter(), problems });
  expect(facts.incomplete).toEqual([`versions:${g.solution}`]);
  expect(problems.map((p) => p.target)).toEqual([g.solution]);
  expect(problems[0].error).toMatch(/^ListSolutionVersions failed on page 1: Throttling/);
  expect(facts.datasets[0].imports).toHaveLength(120);
});

it('a group not started within the time budget is returned as not read, with no call for it', async () => {
  const g = bigGroup();
  const calls = new ApiCallCounter();
  const out = await readGroupsFacts(personalize, [{ arn: g.group, name: 'big' }], { region: REGION, calls, problems: [] }, () => false);
  expect(out.facts).toEqual([]);
  expect(out.notRead.map((n) => n.arn)).toEqual([g.group]);
  expect(calls.total).toBe(0);
});
