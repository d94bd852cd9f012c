/**
 * End to end: the health-check canary never keeps an idle resource alive. The stack synthesized
 * with healthCheck 'on' is run by the local runner (real Lambda bundles) against the simulated
 * account: EventBridge Scheduler fires the MONITOR (rate(5 minutes)) and the canary's Lambda
 * (rate(healthCheckIntervalMinutes)). The canary's requests really reach the idle resources and
 * are counted into their AWS/Personalize request metrics by the sim, as CloudWatch would; collect
 * subtracts them (state table, partition canary#<region>) and still finds both idle – the busy
 * campaign, with real traffic, is not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HOUR_MS, MINUTE_MS, DAY_MS, DEFAULT_PERSONALIZE_METRIC_DELAY_MS, PERSONALIZE_NAMESPACE, SimAccount, traffic } from '../sim';
import { demoConfig, REPO_ROOT, Session, synthStack } from '../demo/session';
import type { ExecutionRecord } from '../runner/runner';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { decisionWindow } from '../core/time';

const REGION = 'us-east-1';
const STACK_DIR = path.join(REPO_ROOT, '.gen', 'e2e-health-stack');
const IDLE_THRESHOLD_HOURS = 2;
/** Past the idle window plus the metric delay, and an hour more: every resource's hourly decision slot comes round after the canary's requests are in its window. */
const RUN_MS = (IDLE_THRESHOLD_HOURS + 1) * HOUR_MS + DEFAULT_PERSONALIZE_METRIC_DELAY_MS + 10 * MINUTE_MS;

interface Decision {
  record: 'decision';
  resourceArn: string;
  name: string;
  finding: string;
  at: string;
}

/** Every object with `record: 'decision'` inside a log line (the logger may nest its data). */
function decisionsIn(value: unknown, out: Decision[] = []): Decision[] {
  if (value && typeof value === 'object') {
    if ((value as { record?: unknown }).record === 'decision') out.push(value as Decision);
    else for (const v of Object.values(value as Record<string, unknown>)) decisionsIn(v, out);
  }
  return out;
}

let stackFile: string;
beforeAll(() => {
  // PM_E2E_HEALTH_STACK_FILE: run against a stack synthesized elsewhere (e.g. a mutated bundle, to see this test fail).
  if (process.env.PM_E2E_HEALTH_STACK_FILE) return void (stackFile = process.env.PM_E2E_HEALTH_STACK_FILE);
  stackFile = synthStack(
    demoConfig({ regions: [REGION], healthCheck: 'on', idleThresholdHours: IDLE_THRESHOLD_HOURS, autoDeleteOrStopIdleResources: false } as Parameters<typeof demoConfig>[0]),
    STACK_DIR,
  );
}, 180_000);

it('with healthCheck on, cdk.tf.json holds the canary function and its schedule targeting it', () => {
  const tf = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const functions = Object.entries(tf.resource.aws_lambda_function ?? {});
  const canaryFn = functions.find(([, f]) => /canary/.test(String(f.function_name)));
  expect(canaryFn).toBeDefined();
  const schedules = Object.values(tf.resource.aws_scheduler_schedule ?? {});
  const canarySchedule = schedules.find((s) => /canary/.test(String(s.name)));
  expect(canarySchedule).toBeDefined();
  expect(canarySchedule!.schedule_expression).toBe('rate(5 minutes)');
  expect(canarySchedule!.state).toBe('ENABLED');
  expect(String((canarySchedule!.target as { arn: string }).arn)).toBe(`\${aws_lambda_function.${canaryFn![0]}.arn}`);
});

it(
  'the canary runs against the idle campaign and recommender, yet the MONITOR finds both idle (and the busy campaign not)',
  async () => {
    const account = new SimAccount({ seed: 11 });
    const createdAt = account.clock.now() - 30 * DAY_MS;
    const idleCampaign = account.personalize.createCampaign({ region: REGION, name: 'idle-camp', createdAt, traffic: traffic.idle() });
    const idleRecommender = account.personalize.createRecommender({ region: REGION, name: 'idle-rec', datasetGroupName: 'dg-rec', createdAt, traffic: traffic.idle() });
    const busyCampaign = account.personalize.createCampaign({ region: REGION, name: 'busy-camp', createdAt, traffic: traffic.constant(3) });
    expect(account.personalize.snapshot(idleCampaign)?.status).toBe('ACTIVE');
    expect(account.personalize.snapshot(idleRecommender)?.status).toBe('ACTIVE');

    const lines: { fn: string; line: string }[] = [];
    const started = Date.now();
    const t0 = account.clock.now();
    const s = await Session.start({ account, stackFile, runner: { onLambdaLog: (fn, line) => void lines.push({ fn, line }) } });
    const runs: ExecutionRecord[] = [];
    try {
      await s.runUntil(t0 + RUN_MS, (r) => void runs.push(...r));
      await s.settle();
      for (const r of runs) await r.done;
    } finally {
      await s.close();
    }
    const end = account.clock.now();
    // eslint-disable-next-line no-console
    console.log(`e2e-health: ${runs.length} MONITOR runs, ${s.runner.scheduledInvocations.length} scheduled invocations, ${((Date.now() - started) / 1000).toFixed(1)} s wall`);

    // The MONITOR ran on its schedule and every run succeeded.
    const monitorRuns = runs.filter((r) => r.machine.name.endsWith('-monitor'));
    expect(monitorRuns.length).toBeGreaterThanOrEqual(Math.floor(RUN_MS / (5 * MINUTE_MS)));
    expect(monitorRuns.map((r) => r.status).filter((x) => x !== 'SUCCEEDED')).toEqual([]);

    // (1) The canary really ran, by its schedule, and succeeded.
    const canaryInvocations = s.runner.scheduledInvocations.filter((i) => /canary/.test(i.schedule));
    expect(canaryInvocations.length).toBeGreaterThanOrEqual(Math.floor(RUN_MS / (5 * MINUTE_MS)));
    expect(canaryInvocations.every((i) => i.outcome?.ok === true)).toBe(true);
    const canaryFunction = canaryInvocations[0].functionName;
    for (const arn of [idleCampaign, idleRecommender]) {
      const requests = account.personalizeRuntime.requests({ resourceArn: arn }).filter((r) => r.outcome === 'ok');
      expect(requests.length).toBeGreaterThan(IDLE_THRESHOLD_HOURS * 6);
      // Nobody but the canary asked the idle resources.
      expect(requests.filter((r) => !r.caller.startsWith(canaryFunction))).toEqual([]);
    }

    // … and the sim counted its requests into the idle resources' AWS/Personalize request metrics.
    const requestSum = (arn: string, dimension: 'CampaignArn' | 'RecommenderArn'): number => {
      const out = account.cloudwatch.getMetricData(
        REGION,
        end,
        {
          StartTime: new Date(t0).toISOString(),
          EndTime: new Date(end).toISOString(),
          MetricDataQueries: [
            { Id: 'r', MetricStat: { Metric: { Namespace: PERSONALIZE_NAMESPACE, MetricName: 'GetRecommendations', Dimensions: [{ Name: dimension, Value: arn }] }, Period: 3600, Stat: 'Sum' }, ReturnData: true },
          ],
        },
        'e2e-health-test',
      ) as { MetricDataResults: { Values: number[] }[] };
      return out.MetricDataResults.flatMap((r) => r.Values).reduce((a, b) => a + b, 0);
    };
    expect(requestSum(idleCampaign, 'CampaignArn')).toBeGreaterThan(0);
    expect(requestSum(idleRecommender, 'RecommenderArn')).toBeGreaterThan(0);
    expect(requestSum(busyCampaign, 'CampaignArn')).toBeGreaterThan(1000);

    // (2)/(3) collect's decision records: read from the function logs.
    const decisions: Decision[] = [];
    for (const { line } of lines) {
      if (!line.includes('decision')) continue;
      try {
        decisionsIn(JSON.parse(line), decisions);
      } catch {
        // not JSON: not a record
      }
    }
    const firstCanarySuccess = Math.min(...[idleCampaign, idleRecommender].map((arn) => account.personalizeRuntime.requests({ resourceArn: arn }).find((r) => r.outcome === 'ok')!.time));
    /** Decisions taken once the canary's requests were published in the resource's metrics. */
    const after = (arn: string) => decisions.filter((d) => d.resourceArn === arn && Date.parse(d.at) > firstCanarySuccess + DEFAULT_PERSONALIZE_METRIC_DELAY_MS);
    for (const arn of [idleCampaign, idleRecommender]) {
      expect(after(arn).length).toBeGreaterThan(0);
      // At least one idle decision whose hourly idle window (core/time decisionWindow) holds
      // successful canary requests: without their subtraction it could not have been idle.
      const canaryTimes = account.personalizeRuntime.requests({ resourceArn: arn }).filter((r) => r.outcome === 'ok').map((r) => r.time);
      const inWindow = decisions
        .filter((d) => d.resourceArn === arn && d.finding.startsWith('idle'))
        .map((d) => {
          const w = decisionWindow(Date.parse(d.at), DEFAULT_BEHAVIOUR.metricDelayMinutes, IDLE_THRESHOLD_HOURS);
          return canaryTimes.filter((t) => t >= w.start && t < w.end).length;
        });
      expect(Math.max(0, ...inWindow)).toBeGreaterThanOrEqual(6);
      // Idle every time it was decided, the canary's requests in its window notwithstanding.
      expect(decisions.filter((d) => d.resourceArn === arn).map((d) => d.finding.startsWith('idle'))).toEqual(decisions.filter((d) => d.resourceArn === arn).map(() => true));
    }
    expect(after(busyCampaign).length).toBeGreaterThan(0);
    expect(decisions.filter((d) => d.resourceArn === busyCampaign).map((d) => d.finding).filter((f) => f.startsWith('idle'))).toEqual([]);

    // The MONITOR's run results count those findings (report only: the stack's RouteFinding
    // ends them in ReportOnly – no email, no ACTION – and nothing is deleted or stopped).
    const idleDecisions = decisions.filter((d) => d.finding.startsWith('idle'));
    expect(new Set(idleDecisions.map((d) => d.name))).toEqual(new Set(['idle-camp', 'idle-rec']));
    const reportedFindings = monitorRuns.reduce((n, r) => n + Number((r.output as { findings?: number } | undefined)?.findings ?? 0), 0);
    expect(reportedFindings).toBeGreaterThanOrEqual(idleDecisions.length);
    expect(s.runner.executions.filter((e) => e.machine.type === 'STANDARD')).toEqual([]);
    expect(account.calls({ service: 'personalize', operation: 'DeleteCampaign' })).toHaveLength(0);
    expect(account.calls({ service: 'personalize', operation: 'DeleteRecommender' })).toHaveLength(0);
    expect(account.calls({ service: 'personalize', operation: 'StopRecommender' })).toHaveLength(0);
    expect(account.personalize.snapshot(idleCampaign)?.status).toBe('ACTIVE');
    expect(account.personalize.snapshot(idleRecommender)?.status).toBe('ACTIVE');
  },
  120_000,
);
