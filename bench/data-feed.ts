/**
 * The data-feed checks' own cost (bench section 9): API calls per MONITOR run and per hour,
 * largest result, and the task's run time, measured by running tasks/data-feed's
 * checkRegionDataFeed with real SDK clients against the simulated account, one run every 5
 * simulated minutes for one hour (every dataset group's slot comes once), after one unmeasured
 * hour (the first reports). Fleets: the demo fleet's dataset groups, and a synthetic region of N
 * dataset groups shaped like the design references' (a streaming tracker, three datasets with
 * nightly imports, two solutions with weekly versions, one campaign each).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { defaultAlarmPrefix } from '../core/contracts/ownership';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time';
import { demoFleet, SimAccount, simClientConfig, startSimServer, traffic } from '../sim';
import { checkRegionDataFeed, type DataFeedResult } from '../tasks/data-feed/data-feed';
import { memoryOpenFindings } from '../tasks/data-feed/open-findings';
import { Logger } from '../tasks/shared/logger';
import { ASSUMPTIONS } from './monitor-cost';
import { lambdaGbSeconds, PRICES, runsPerMonth } from './pricing';

/** The MONITOR's default schedule (rate(5 minutes)): one data-feed invocation per region and run. */
const RUN_EVERY_MINUTES = 5;
/** The function's memory (the stack default lambdaMemoryMb). */
const MEMORY_MB = 256;

export interface DataFeedMeasure {
  fleet: string;
  datasetGroups: number;
  /** Measured runs (one simulated hour). */
  runs: number;
  callsPerRunMean: number;
  callsPerRunMax: number;
  callsPerHour: number;
  /** Calls per hour by operation (SDK requests as the simulator received them). */
  byOperation: Record<string, number>;
  /** Longest run of the task in this process (ms, the simulator's latency is ~0: AWS adds its own). */
  maxRunMs: number;
  largestResultBytes: number;
  /** Notifications sent in the measured hour (the first reports are in the warm-up hour). */
  notified: number;
  /** GetMetricData metrics requested in the measured hour (billed per metric). */
  metricsRequestedPerHour: number;
  /** Ingestion alarms in place at the end. */
  ingestionAlarms: number;
  /** Monthly cost of the checks (a model over the measured counts: see `costModel`). */
  monthlyUsd: { lambda: number; getMetricData: number; alarms: number; cloudWatchRequests: number; total: number };
}

/**
 * Monthly cost from the measured hour: Lambda (one invocation per region and run; duration =
 * measured + calls × ASSUMPTIONS.awsCallLatencyMs, all sequential: an upper bound), GetMetricData
 * metrics, the ingestion alarms, other CloudWatch requests (DescribeAlarms). Personalize's
 * control-plane calls (List/Describe) are not billed.
 */
export function costModel(m: { regions: number; runs: number; callsPerHour: number; msPerHour: number; metricsRequestedPerHour: number; ingestionAlarms: number; byOperation: Record<string, number> }): DataFeedMeasure['monthlyUsd'] {
  const hoursPerMonth = runsPerMonth(60);
  const invocationsPerMonth = m.regions * runsPerMonth(RUN_EVERY_MINUTES);
  const projectedMsPerHour = m.msPerHour + m.callsPerHour * ASSUMPTIONS.awsCallLatencyMs;
  const invocationsPerHour = m.regions * (60 / RUN_EVERY_MINUTES);
  const lambda = invocationsPerMonth * PRICES.lambdaRequest.usd + hoursPerMonth * invocationsPerHour * lambdaGbSeconds(projectedMsPerHour / invocationsPerHour, MEMORY_MB) * PRICES.lambdaArmGbSecond.usd;
  const getMetricData = hoursPerMonth * m.metricsRequestedPerHour * PRICES.getMetricDataMetric.usd;
  const alarms = m.ingestionAlarms * PRICES.alarmMetricMonth.usd;
  const cloudWatchRequests = hoursPerMonth * ((m.byOperation.DescribeAlarms ?? 0) + (m.byOperation.PutMetricAlarm ?? 0)) * PRICES.cloudWatchApiRequest.usd;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { lambda: round(lambda), getMetricData: round(getMetricData), alarms: round(alarms), cloudWatchRequests: round(cloudWatchRequests), total: round(lambda + getMetricData + alarms + cloudWatchRequests) };
}

/** One synthetic region of `groups` dataset groups (see the file's comment), created 40 days ago. */
export function syntheticDataFeedFleet(account: SimAccount, region: string, groups: number): void {
  const t0 = account.clock.now();
  const df = account.dataFeed;
  for (let g = 0; g < groups; g++) {
    const name = `dg-${String(g).padStart(3, '0')}`;
    const group = df.createDatasetGroup({ region, name, createdAt: t0 - 40 * DAY_MS });
    for (const datasetType of ['Interactions', 'Items', 'Users'] as const) {
      const dataset = df.createDataset({ datasetGroupArn: group, datasetType, createdAt: t0 - 40 * DAY_MS });
      for (let d = 3; d >= 1; d--) df.addImportJob({ datasetArn: dataset, jobName: `${name}-${datasetType.toLowerCase()}-${d}`, createdAt: t0 - d * DAY_MS });
    }
    df.createEventTracker({ datasetGroupArn: group, name: `${name}-events`, createdAt: t0 - 40 * DAY_MS, eventsPerMinute: () => 10 + (g % 7) });
    for (let s = 0; s < 2; s++) {
      const solution = df.createSolution({ datasetGroupArn: group, name: `${name}-sol-${s}`, createdAt: t0 - 40 * DAY_MS });
      let latest = '';
      for (let w = 3; w >= 0; w--) latest = df.addSolutionVersion({ solutionArn: solution, createdAt: t0 - (w * 7 + 1) * DAY_MS });
      account.personalize.createCampaign({ region, name: `${name}-camp-${s}`, solutionVersionArn: latest, createdAt: t0 - DAY_MS + 2 * HOUR_MS, traffic: traffic.constant(1) });
    }
  }
}

/** Runs the checks of `regions` every 5 simulated minutes: one unmeasured hour, then one measured. */
export async function measureDataFeed(fleet: string, account: SimAccount, regions: readonly string[]): Promise<DataFeedMeasure> {
  const server = await startSimServer(account, { port: 0 });
  const home = regions[0];
  const topic = account.sns.createTopic(home, 'personalize-monitor-notifications');
  const client = <T>(C: new (c: object) => T, region: string) => new C(simClientConfig(server.url, region, { caller: 'bench-data-feed' }));
  const store = memoryOpenFindings();
  const silent = new Logger('data-feed', {}, 'INFO', () => undefined);
  const measured: { calls: number; ms: number; result: DataFeedResult }[] = [];
  let datasetGroups = 0;
  try {
    for (let run = 0; run < 24; run++) {
      const now = account.clock.now();
      for (const region of regions) {
        const t = performance.now();
        const result = await checkRegionDataFeed(
          { region, run: { ...DEFAULT_BEHAVIOUR, regions: [...regions], now: new Date(now).toISOString(), executionName: `bench-feed-${run}` } },
          {
            personalize: client(PersonalizeClient, region),
            cloudwatch: client(CloudWatchClient, region),
            sns: client(SNSClient, home),
            events: client(EventBridgeClient, home),
            logger: silent,
            store,
            notifyTopicArn: topic,
            ownership: { prefix: defaultAlarmPrefix('personalize-monitor'), stackName: 'personalize-monitor' },
          },
        );
        const ms = performance.now() - t;
        if (run >= 12) measured.push({ calls: result.apiCalls, ms, result });
        if (run === 0) datasetGroups += result.datasetGroups;
      }
      account.clock.advance(5 * MINUTE_MS);
    }
  } finally {
    await server.close();
  }
  // Per run = all regions of one MONITOR run.
  const perRun = new Map<number, number>();
  measured.forEach((m, i) => perRun.set(Math.floor(i / regions.length), (perRun.get(Math.floor(i / regions.length)) ?? 0) + m.calls));
  const runs = [...perRun.values()];
  const byOperation: Record<string, number> = {};
  const since = account.clock.now() - 12 * 5 * MINUTE_MS;
  for (const c of account.calls().filter((c) => c.time >= since)) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
  const callsPerHour = runs.reduce((a, b) => a + b, 0);
  const metricsRequestedPerHour = account.cloudwatch.metricDataRequests({ since }).reduce((n, r) => n + r.metricsRequested, 0);
  const ingestionAlarms = regions.reduce((n, r) => n + account.cloudwatch.alarmList(r).filter((a) => a.name.includes('IngestionStopped-')).length, 0);
  const msPerHour = measured.reduce((n, m) => n + m.ms, 0);
  return {
    fleet,
    datasetGroups,
    runs: runs.length,
    callsPerRunMean: Math.round((callsPerHour / runs.length) * 10) / 10,
    callsPerRunMax: Math.max(...runs),
    callsPerHour,
    byOperation: Object.fromEntries(Object.entries(byOperation).sort(([a], [b]) => a.localeCompare(b))),
    maxRunMs: Math.round(Math.max(...measured.map((m) => m.ms))),
    largestResultBytes: Math.max(...measured.map((m) => Buffer.byteLength(JSON.stringify(m.result)))),
    notified: measured.reduce((n, m) => n + m.result.notified, 0),
    metricsRequestedPerHour,
    ingestionAlarms,
    monthlyUsd: costModel({ regions: regions.length, runs: runs.length, callsPerHour, msPerHour, metricsRequestedPerHour, ingestionAlarms, byOperation }),
  };
}

/** The two fleets of section 9. */
export async function measureDataFeedFleets(): Promise<DataFeedMeasure[]> {
  const demo = demoFleet({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], seed: 7, dataFeed: true });
  const synthetic = new SimAccount({ seed: 9 });
  syntheticDataFeedFleet(synthetic, 'us-east-1', 100);
  return [await measureDataFeed('demo fleet', demo.account, ['us-east-1', 'eu-west-1', 'ap-southeast-2']), await measureDataFeed('100 dataset groups, 1 region', synthetic, ['us-east-1'])];
}
