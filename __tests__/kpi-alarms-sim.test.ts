/**
 * KPI and availability alarms reconciled into the simulated CloudWatch and evaluated there from
 * the runtime's own AWS/Personalize metrics: 3 % 5xx → the error-rate warning alarms and the
 * critical one stays OK; 10 % → both alarm; no traffic at all → the availability alarm alarms
 * (missing data breaching) while the error-rate and latency alarms stay OK (not breaching). The
 * traffic anomaly alarm is accepted, round-trips, and stays INSUFFICIENT_DATA (not evaluated).
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { alarmName, alarmSpecs, type AlarmKind } from '../core/alarms';
import type { MonitoredResource } from '../core/types';
import { reconcileAlarms } from '../tasks/collect/alarm-reconciler';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { SimAccount, simClientConfig, startSimServer, traffic, type SimServer } from '../sim';
import { OWNERSHIP, REGION, run } from './support/collect-fixtures';

const MINUTE = 60_000;
const PERIOD = 5 * MINUTE;
const TOPIC = `arn:aws:sns:${REGION}:123456789012:pm-notifications`;
const CRITICAL = `arn:aws:sns:${REGION}:123456789012:pm-critical`;

let account: SimAccount;
let server: SimServer;
let cw: CloudWatchClient;
beforeEach(async () => {
  account = new SimAccount({ personalizeMetricDelayMs: 0 });
  server = await startSimServer(account);
  cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
});
afterEach(async () => {
  cw.destroy();
  await server.close();
});

function monitored(arn: string, name: string): MonitoredResource {
  const created = account.clock.now() - 10 * 24 * 60 * MINUTE;
  return { arn, name, type: 'campaign', region: REGION, partition: 'aws', accountId: '123456789012', status: 'ACTIVE', minCapacity: 1, requestMetric: 'GetRecommendations', createdAt: created, lastUpdatedAt: created };
}

/** Reconciles the resource's KPI, availability and anomaly alarms (canary every 5 minutes) into the sim. */
async function reconcile(r: MonitoredResource): Promise<void> {
  const behaviour = run({ kpiAlarms: true, trafficAnomalyAlarms: true, errorRateWarnPercent: 1, errorRateCriticalPercent: 5, latencyWarnMs: 500, latencyCriticalMs: 1000 });
  const specs = alarmSpecs(r, behaviour, TOPIC, account.clock.now(), OWNERSHIP.prefix, { criticalTopicArn: CRITICAL, canaryIntervalMinutes: 5 });
  const result = await reconcileAlarms(cw, specs, { region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP });
  expect(result).toMatchObject({ created: specs.length, problems: [] });
  // Steady state: everything written round-trips, nothing to rewrite.
  const again = await reconcileAlarms(cw, specs, { region: REGION, discoveryComplete: true, calls: new ApiCallCounter(), ownership: OWNERSHIP });
  expect(again).toMatchObject({ created: 0, updated: 0, unchanged: specs.length });
}

/** `perPeriod` GetRecommendations requests spread over each of the next `periods` five-minute periods. */
async function drive(arn: string, periods: number, perPeriod: number): Promise<{ errors: number; total: number }[]> {
  const out: { errors: number; total: number }[] = [];
  for (let p = 0; p < periods; p++) {
    let errors = 0;
    for (let i = 0; i < perPeriod; i++) {
      await account.invoke('personalize-runtime', 'GetRecommendations', { campaignArn: arn, userId: 'u1' }, { region: REGION }).catch(() => errors++);
      account.clock.advance(PERIOD / perPeriod);
    }
    out.push({ errors, total: perPeriod });
  }
  return out;
}

async function states(r: MonitoredResource, kinds: AlarmKind[]): Promise<Record<string, string>> {
  const names = kinds.map((k) => alarmName(k, r, OWNERSHIP.prefix));
  const alarms = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: names }))).MetricAlarms ?? [];
  return Object.fromEntries(kinds.map((k, i) => [k, alarms.find((a) => a.AlarmName === names[i])?.StateValue ?? 'absent']));
}

const KPI: AlarmKind[] = ['ErrorRateWarning', 'ErrorRateCritical', 'LatencyWarning', 'LatencyCritical'];

/** Starts the clock at a period boundary, so driven periods are whole evaluation periods. */
function alignClock(): void {
  const now = account.clock.now();
  account.clock.advance(Math.ceil(now / PERIOD) * PERIOD - now);
}

describe('KPI alarms evaluated by the simulated CloudWatch', () => {
  it('3 % 5xx: the error-rate warning alarms, the critical stays OK; latency alarms OK', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'three', createdAt: account.clock.now() - 10 * 24 * 60 * MINUTE, traffic: traffic.idle() });
    const r = monitored(arn, 'three');
    await reconcile(r);
    account.personalizeRuntime.setHealth(arn, { errorRate: 0.03 });
    alignClock();
    const driven = await drive(arn, 3, 300);
    // The drawn share (seeded): every period above the warning level (1 %), not every one above
    // the critical level (5 %) – so 3 of 3 breach the warning, fewer than 3 the critical.
    for (const p of driven) expect(p.errors / p.total).toBeGreaterThan(0.01);
    expect(driven.filter((p) => p.errors / p.total > 0.05).length).toBeLessThan(3);
    account.clock.advance(MINUTE);
    expect(await states(r, [...KPI, 'Availability'])).toEqual({ ErrorRateWarning: 'ALARM', ErrorRateCritical: 'OK', LatencyWarning: 'OK', LatencyCritical: 'OK', Availability: 'OK' });
  });

  it('10 % 5xx: warning and critical both alarm', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'ten', createdAt: account.clock.now() - 10 * 24 * 60 * MINUTE, traffic: traffic.idle() });
    const r = monitored(arn, 'ten');
    await reconcile(r);
    account.personalizeRuntime.setHealth(arn, { errorRate: 0.1 });
    alignClock();
    const driven = await drive(arn, 3, 200);
    for (const p of driven) expect(p.errors / p.total).toBeGreaterThan(0.05);
    account.clock.advance(MINUTE);
    expect(await states(r, ['ErrorRateWarning', 'ErrorRateCritical'])).toEqual({ ErrorRateWarning: 'ALARM', ErrorRateCritical: 'ALARM' });
  });

  it('no traffic: availability alarms (missing data breaching), error and latency alarms stay OK, the anomaly alarm INSUFFICIENT_DATA', async () => {
    const arn = account.personalize.createCampaign({ region: REGION, name: 'silent', createdAt: account.clock.now() - 10 * 24 * 60 * MINUTE, traffic: traffic.idle() });
    const r = monitored(arn, 'silent');
    await reconcile(r);
    alignClock();
    account.clock.advance(2 * PERIOD + MINUTE);
    expect(await states(r, [...KPI, 'Availability', 'TrafficAnomaly'])).toEqual({
      ErrorRateWarning: 'OK',
      ErrorRateCritical: 'OK',
      LatencyWarning: 'OK',
      LatencyCritical: 'OK',
      Availability: 'ALARM',
      TrafficAnomaly: 'INSUFFICIENT_DATA',
    });
    const anomaly = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName('TrafficAnomaly', r, OWNERSHIP.prefix)] }))).MetricAlarms![0];
    expect(anomaly).toMatchObject({ ThresholdMetricId: 'ad1', ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' });
    expect(anomaly.StateReason).toMatch(/anomaly detection alarms \(ThresholdMetricId\) are not evaluated/);
    const critical = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName('Availability', r, OWNERSHIP.prefix)] }))).MetricAlarms![0];
    expect(critical.AlarmActions).toEqual([TOPIC, CRITICAL]);
  });
});
