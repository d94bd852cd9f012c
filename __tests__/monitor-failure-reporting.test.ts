/**
 * How the synthesized MONITOR reports what failed, EXECUTED: the definition from cdk.tf.json runs
 * in aws-local-stepfunctions with the real validate-input, collect, summarize-run and
 * build-dashboard handlers, whose SDK clients talk to the simulated account over HTTP
 * (AWS_ENDPOINT_URL); the simulator injects the faults.
 *
 * - A PutMetricData failure is a named problem (call, namespace, region), never a failed region
 *   or run, and the rest of the run still happens (alarms, findings, summary, dashboard rebuild).
 * - A run that ends RegionsFailed names each failed region and its error in the execution's cause.
 */
import { decisionSlot, FIVE_MINUTES_MS, HOUR_MS, MINUTE_MS } from '../core/time';
import { DAY_MS, SIM_CREDENTIALS, SimAccount, startSimServer, traffic, type SimServer } from '../sim';
import { synth } from './support/synth';
import { OK_SERVICES, runWorkflow, type LambdaCall, type WorkflowResult } from './support/workflow';

// Parity mode: these runs publish the original's utilization metrics (the failures under test).
const { tf, config } = synth({ PM_PUBLISH_UTILIZATION_METRICS: 'true' });
const MACHINE = `${config.stackName}-monitor`;
const HOME = 'us-east-1';
const OTHER = 'eu-west-1';
/** Simulated start of every test, before moving to the idle campaign's decision slot. */
const T0 = Date.parse('2025-06-02T00:00:00Z');

type Problem = { target: string; error: string };
interface CollectOutput {
  region: string;
  ok: true;
  metricsWritten: number;
  alarms: { created: number; updated: number; deleted: number; unchanged: number };
  findings: unknown[];
  problems: Problem[];
}

let account: SimAccount;
let server: SimServer;
let idleArn: string;
const savedEnv: Record<string, string | undefined> = {};

beforeEach(async () => {
  // Fresh handler modules every test: their SDK clients (cached per container) must point at this test's server.
  jest.resetModules();
  account = new SimAccount({ seed: 7, startTime: T0 });
  const createdAt = T0 - 30 * DAY_MS;
  // An idle campaign at home (a finding in its decision slot) and a busy one in the other region.
  idleArn = account.personalize.createCampaign({ region: HOME, name: 'forgotten', minProvisionedTPS: 1, createdAt, traffic: traffic.idle() });
  account.personalize.createCampaign({ region: OTHER, name: 'busy', minProvisionedTPS: 1, createdAt, traffic: traffic.constant(1) });
  account.clock.set(T0 + HOUR_MS + decisionSlot(idleArn) * FIVE_MINUTES_MS + 2 * MINUTE_MS);
  server = await startSimServer(account);
  // The state table, as the runner creates it from cdk.tf.json.
  account.dynamodb.createTable({ region: HOME, name: `${config.stackName}-state`, partitionKey: 'pk', sortKey: 'sk' });
  const env = { AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: SIM_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: SIM_CREDENTIALS.secretAccessKey };
  for (const [k, v] of Object.entries(env)) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
});
afterEach(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await server.close();
});

function run(input: unknown): Promise<WorkflowResult> {
  return runWorkflow({ tf, stateMachineName: MACHINE, input, services: OK_SERVICES, startTime: new Date(account.clock.now()).toISOString(), executionName: 'scheduled-1' });
}

function collected(result: WorkflowResult, region: string): CollectOutput {
  const call = result.lambdaCalls.find((c: LambdaCall) => c.task === 'collect' && (c.payload as { region: string }).region === region);
  expect(call?.error).toBeUndefined();
  return call!.result as CollectOutput;
}

const tasks = (result: WorkflowResult) => result.lambdaCalls.map((c) => c.task).sort();

describe('MONITOR: a PutMetricData failure is a named problem, never a failed run', () => {
  it('CloudWatch failing PutMetricData in the home region: the run succeeds, that region names the problem, the other region is unaffected, the dashboard is rebuilt', async () => {
    account.injectFault({ kind: 'serverError', service: 'cloudwatch', operation: 'PutMetricData', region: HOME });

    const result = await run({ dryRun: false });

    expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    // The home region: its metrics are lost for this run and named as such...
    const home = collected(result, HOME);
    expect(home.ok).toBe(true);
    expect(home.metricsWritten).toBe(0);
    expect(home.problems).toEqual([
      { target: `metrics:${HOME}`, error: expect.stringMatching(new RegExp(`^PutMetricData of \\d+ metrics failed \\(PersonalizeMonitor, ${HOME}\\): InternalServiceFault: `)) },
    ]);
    // ...and everything else it does still happens: alarms and the idle campaign's finding.
    expect(home.alarms.created).toBeGreaterThan(0);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricAlarm', region: HOME }).every((c) => c.outcome === 'ok')).toBe(true);
    expect(home.findings).toEqual([expect.objectContaining({ kind: 'idle', resourceArn: idleArn })]);
    // A real run (a dry run writes no metric at all) with idle actions off: the finding is only reported.
    expect(result.calls.filter((c) => c.state === 'NotifyFinding' || c.state.startsWith('Start'))).toEqual([]);
    // The other region is not affected.
    const other = collected(result, OTHER);
    expect(other.problems).toEqual([]);
    expect(other.metricsWritten).toBeGreaterThan(0);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricData', region: OTHER }).every((c) => c.outcome === 'ok')).toBe(true);
    // The summary: both regions monitored, SummarizeRun's own metric named as a problem of the run.
    expect(result.output).toMatchObject({
      anyRegionFailed: false,
      regions: { ok: [OTHER, HOME], failed: [] },
      findings: 1,
      runProblems: [{ target: `metrics:${HOME}`, error: expect.stringMatching(/^PutMetricData monitoredResourceCount \(PersonalizeMonitor, us-east-1\): InternalServiceFault: /) }],
      problems: 2,
    });
    // First run of this container: the fleet changed, so the dashboard is rebuilt.
    expect(tasks(result)).toEqual(['build-dashboard', 'collect', 'collect', 'data-feed', 'data-feed', 'summarize-run', 'validate-input']);
    expect(account.calls({ service: 'cloudwatch', operation: 'PutDashboard', region: HOME })).toHaveLength(1);
  });

  it('CloudWatch failing PutMetricData in a region other than home: only that region names it, the run succeeds', async () => {
    account.injectFault({ kind: 'serverError', service: 'cloudwatch', operation: 'PutMetricData', region: OTHER });

    const result = await run({ dryRun: false });

    expect(result.status).toBe('SUCCEEDED');
    const other = collected(result, OTHER);
    expect(other.problems).toEqual([
      { target: `metrics:${OTHER}`, error: expect.stringMatching(new RegExp(`^PutMetricData of \\d+ metrics failed \\(PersonalizeMonitor, ${OTHER}\\): InternalServiceFault: `)) },
    ]);
    expect(other.alarms.created).toBeGreaterThan(0);
    expect(collected(result, HOME).problems).toEqual([]);
    expect(result.output).toMatchObject({ anyRegionFailed: false, runProblems: [], problems: 1 });
    expect(tasks(result)).toContain('build-dashboard');
  });

  it("SummarizeRun's monitoredResourceCount failing: the run succeeds and the summary names the call, namespace and region", async () => {
    // Only the other region is collected: the home region's PutMetricData is SummarizeRun's alone.
    account.injectFault({ kind: 'serverError', service: 'cloudwatch', operation: 'PutMetricData', region: HOME });

    const result = await run({ dryRun: false, regions: [OTHER] });

    expect({ status: result.status, error: result.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(result.output).toMatchObject({
      anyRegionFailed: false,
      regions: { ok: [OTHER], failed: [] },
      runProblems: [
        {
          target: `metrics:${HOME}`,
          error: expect.stringMatching(/^PutMetricData monitoredResourceCount \(PersonalizeMonitor, us-east-1\): InternalServiceFault: We encountered an internal error/),
        },
      ],
      problems: 1,
    });
    expect(result.output.failureCause).toBeUndefined();
    // The SDK's bounded retries were used, then the failure was reported, not thrown.
    const attempts = account.calls({ service: 'cloudwatch', operation: 'PutMetricData', region: HOME });
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.length).toBeLessThanOrEqual(3);
    expect(tasks(result)).toEqual(['build-dashboard', 'collect', 'data-feed', 'summarize-run', 'validate-input']);
  });

  it('throttled monitoredResourceCount is retried (bounded) and then published: no problem', async () => {
    account.injectFault({ kind: 'throttle', service: 'cloudwatch', operation: 'PutMetricData', region: HOME, count: 2 });

    const result = await run({ dryRun: false, regions: [OTHER] });

    expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    expect(result.output).toMatchObject({ runProblems: [], problems: 0 });
    expect(account.calls({ service: 'cloudwatch', operation: 'PutMetricData', region: HOME }).map((c) => c.outcome)).toEqual(['fault', 'fault', 'ok']);
  });
});

describe('MONITOR: a run ending RegionsFailed names each failed region in its cause', () => {
  it('a region that cannot be listed: FAILED with RegionsFailed, the cause names the region and its error, the other region was monitored', async () => {
    account.injectFault({ kind: 'serverError', service: 'personalize', operation: 'ListCampaigns', region: OTHER, errorCode: 'AccessDeniedException', status: 400 });

    const result = await run({ dryRun: false });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RegionsFailed');
    expect(result.cause).toMatch(
      /^1 of 2 regions failed: eu-west-1: RegionCollectError: region eu-west-1: ListCampaigns failed on page 1: AccessDeniedException: /,
    );
    expect(result.cause).not.toContain('\n');
    expect(result.cause!.length).toBeLessThanOrEqual(1000);
    expect(result.cause).not.toContain(HOME);
    // The home region was monitored in full.
    const home = collected(result, HOME);
    expect(home.metricsWritten).toBeGreaterThan(0);
    expect(home.findings).toEqual([expect.objectContaining({ kind: 'idle', resourceArn: idleArn })]);
    // A real run (a dry run writes no metric at all) with idle actions off: the finding is only reported.
    expect(result.calls.filter((c) => c.state === 'NotifyFinding' || c.state.startsWith('Start'))).toEqual([]);
  });
});
