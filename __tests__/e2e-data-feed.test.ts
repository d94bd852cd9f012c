/**
 * End to end: the data-feed checks through the synthesized stack (dataFeedChecks on by default),
 * the local runner (real Lambda bundles, EventBridge Scheduler every 5 minutes) and the simulated
 * account. A dataset group whose event stream stopped, whose last import failed, whose latest
 * training failed and whose campaign serves an older model than the newest ACTIVE one produces
 * each finding once – one email (home-region topic) and one event (default bus) each – and a
 * healthy dataset group none. After the campaign is moved to the newest version, exactly one
 * "recovered" note and event follow; nothing else is reported again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOUR_MS, MINUTE_MS, SimAccount } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack } from '../demo/session';
import type { ExecutionRecord } from '../runner/runner';
import { DATA_FEED_DETAIL_TYPES } from '../core/contracts/data-feed';
import { dataFeedFleet } from './support/data-feed-fleet';

const REGION = 'us-east-1';
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'e2e-data-feed-stack');
/** Every dataset group's hourly slot comes round once, and the MONITOR's last run has ended. */
const PASS_MS = HOUR_MS + 10 * MINUTE_MS;

let stackFile: string;
beforeAll(() => {
  stackFile = synthStack(demoConfig({ regions: [REGION] }), STACK_DIR);
}, 180_000);

it('cdk.tf.json holds the data-feed function, least-privilege reads, and the MONITOR runs it per region', () => {
  const tf = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const fn = Object.values(tf.resource.aws_lambda_function ?? {}).find((f) => /-data-feed$/.test(String(f.function_name)));
  expect(fn).toBeDefined();
  const machines = Object.values(tf.resource.aws_sfn_state_machine ?? {});
  expect(machines.length).toBeGreaterThan(0);
  const monitor = machines.find((m) => /-monitor$/.test(String(m.name)))!;
  expect(monitor).toBeDefined();
  expect(String(monitor.definition)).toContain('CheckDataFeedEachRegion');
});

const DATA_FEED_TYPES = new Set(Object.values(DATA_FEED_DETAIL_TYPES));

it(
  'reports each broken condition once (email + event), nothing for the healthy group, and one recovery after the fix',
  async () => {
    const account = new SimAccount({ seed: 15 });
    const f = dataFeedFleet(account, REGION);
    const t0 = account.clock.now();
    const started = Date.now();
    const s = await Session.start({ account, stackFile });
    const runs: ExecutionRecord[] = [];
    const events = () => account.events.list({ source: 'personalize.monitor' }).filter((e) => DATA_FEED_TYPES.has(e.detailType));
    const mails = () => account.sns.messages().filter((m) => /\[Personalize Monitor\] (Recovered: )?(event ingestion|import|training|automatic training|model|campaign serves)/i.test(m.subject ?? ''));
    let firstPass: { events: number; mails: number };
    try {
      await s.runUntil(t0 + PASS_MS, (r) => void runs.push(...r));
      await s.settle();
      for (const r of runs) await r.done;
      firstPass = { events: events().length, mails: mails().length };

      // The fix: the campaign moves to the newest ACTIVE version.
      account.personalize.updateCampaign(f.broken.campaign, { solutionVersionArn: f.broken.newest }, REGION);
      await s.runUntil(t0 + 2 * PASS_MS, (r) => void runs.push(...r));
      await s.settle();
      for (const r of runs) await r.done;
    } finally {
      await s.close();
    }
    // eslint-disable-next-line no-console
    console.log(`e2e-data-feed: ${runs.length} runs, ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
    const monitorRuns = runs.filter((r) => r.machine.name.endsWith('-monitor'));
    expect(monitorRuns.length).toBeGreaterThanOrEqual(Math.floor((2 * PASS_MS) / (5 * MINUTE_MS)) - 1);
    expect(monitorRuns.map((r) => r.status).filter((x) => x !== 'SUCCEEDED')).toEqual([]);

    // First pass: the four conditions of the broken group, each once, nothing of the healthy one.
    const all = events();
    const detail = (e: (typeof all)[number]) => JSON.parse(typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)) as { Check: string; Status: string; ARN: string; DatasetGroupArn: string };
    const opened = all.filter((e) => detail(e).Status === 'open');
    expect(opened.map((e) => `${e.detailType}|${detail(e).Check}|${detail(e).ARN}`).sort()).toEqual(
      [
        `PersonalizeCampaignOnOldModel|campaignOnOldModel|${f.broken.campaign}`,
        `PersonalizeEventIngestionStopped|ingestionStopped|${f.broken.tracker}`,
        `PersonalizeImportFailed|importFailed|${f.broken.dataset}`,
        `PersonalizeTrainingFailed|trainingFailed|${f.broken.solution}`,
      ].sort(),
    );
    expect(all.filter((e) => detail(e).DatasetGroupArn === f.healthy.group)).toEqual([]);
    expect(firstPass!.events).toBe(4);
    expect(firstPass!.mails).toBe(4);
    const failedImportMail = mails().find((m) => /Import failed/.test(m.subject ?? ''))!;
    expect(failedImportMail.message).toContain('Input CSV is missing the required column TIMESTAMP');
    expect(failedImportMail.structured?.default).toBeDefined(); // the Chatbot (Slack) copy

    // Second pass: only the campaign's recovery, once.
    const recovered = all.filter((e) => detail(e).Status === 'recovered');
    expect(recovered.map((e) => `${e.detailType}|${detail(e).Check}|${detail(e).ARN}`)).toEqual([`PersonalizeCampaignOnOldModel|campaignOnOldModel|${f.broken.campaign}`]);
    expect(all).toHaveLength(5);
    expect(mails().filter((m) => /Recovered: campaign serves an old model/.test(m.subject ?? ''))).toHaveLength(1);
    expect(mails()).toHaveLength(5);

    // The broken group's ingestion alarm exists (its tracker was in use in the look-back); the healthy one's too.
    const alarms = account.cloudwatch.alarmList(REGION).map((a) => a.name);
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.filter((n) => /IngestionStopped-DatasetGroup-(broken|healthy)-dg-/.test(n)).length).toBe(2);
    // Reports only: nothing of the data feed was changed, no ACTION started for it.
    expect(s.runner.executions.filter((e) => e.machine.type === 'STANDARD')).toEqual([]);
  },
  240_000,
);
