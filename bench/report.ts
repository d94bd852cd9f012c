/**
 * Turns the measured figures into bench/REPORT.md (tables) and the data of bench/report.json.
 * Every number comes from the measurements passed in; the text only explains how they were taken.
 */
import type { BundleMeasure } from './bundles';
import { BUNDLE_BUDGET_BYTES } from './bundles';
import { ASSUMPTIONS, amortizedTagReadsPerRun, originalMeanCalls, projectedRunMs, steadyRuns } from './monitor-cost';
import { LIST_THROTTLE_RETRY_MS, TAG_CACHE_TTL_MS } from '../tasks/collect/discovery';

/** MONITOR runs in one tag cache lifetime (5-minute schedule). */
const TAG_TTL_RUNS = TAG_CACHE_TTL_MS / (5 * 60 * 1000);
import type { FleetMeasure, MetricsMode, RunMeasure } from './monitor-runs';
import { LAMBDA_MAX_TIMEOUT_SECONDS, ORIGINAL, originalRunSecondsUnderLimits } from './original-model';
import { SimLimiter } from '../sim/limits';
import { PRICES, type CostBreakdown } from './pricing';
import type { Policy, SavingsResult } from './savings';
import type { AssessMeasure } from './assess';
import type { DataFeedMeasure } from './data-feed';
import type { ConvergenceMeasure } from './convergence';

/** Target of DESIGN.md: steady-state API calls per monitored resource and run. */
export const CALLS_PER_RESOURCE_TARGET = 0.1;
/** Target of DESIGN.md: no state payload above 64 KiB. */
export const PAYLOAD_TARGET_BYTES = 64 * 1024;

export interface Environment {
  date: string;
  node: string;
  platform: string;
  cpus: string;
  cpuCount: number;
  memoryGb: number;
  commit: string;
  benchSeconds: number;
}

export interface CostComparison {
  size: number;
  /** Lean: the default deploy. */
  ours: CostBreakdown;
  /** Parity: publishUtilizationMetrics true. */
  parity: CostBreakdown;
  original: CostBreakdown;
}

export interface BenchData {
  environment: Environment;
  fleets: FleetMeasure[];
  bundles: BundleMeasure[];
  costs: CostComparison[];
  savings: SavingsResult;
  /** `assess` runs (bench/assess.ts); absent in reports made before it existed. */
  assess?: AssessMeasure[];
  /** Cold-start convergence under realistic limits (bench/convergence.ts). */
  convergence?: ConvergenceMeasure[];
  /** Retries of a throttled List page in the measured code (absent: measured before they existed). */
  listThrottleRetries?: number;
  /** The data-feed checks (bench/data-feed.ts); absent in reports made before they existed. */
  dataFeed?: DataFeedMeasure[];
  /** Set when section 7 was measured on its own (`--only-convergence`), after the rest. */
  convergenceRun?: { date: string; commit: string; benchSeconds: number };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const usd = (n: number) => {
  const a = Math.abs(n);
  return `${n < 0 ? '−' : ''}$${a >= 100 ? a.toFixed(0) : a >= 1 ? a.toFixed(2) : a.toFixed(4)}`;
};
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');


/** Mean calls of the steady runs per operation. */
function meanByOperation(runs: RunMeasure[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) for (const [op, n] of Object.entries(r.byOperation)) out[op] = (out[op] ?? 0) + n / runs.length;
  return out;
}

/** How a metrics mode is named in tables. */
const METRICS_LABEL: Record<MetricsMode, string> = { lean: 'lean (default)', parity: 'parity (publishUtilizationMetrics)' };

/** Headline figures (also printed by run.ts). */
export function headline(data: BenchData): string[] {
  const lines: string[] = [];
  for (const f of data.fleets) {
    const steady = steadyRuns(f);
    const perRes = (mean(steady.map((r) => r.apiCalls)) + amortizedTagReadsPerRun(f, TAG_TTL_RUNS)) / f.size;
    const orig = Object.values(originalMeanCalls(steady.map((r) => r.originalFacts))).reduce((a, b) => a + b, 0) / f.size;
    lines.push(`calls/resource/run, ${f.size} resources, ${f.metrics}: steady ${fmt(perRes, 3)} incl. tag refresh (cold ${fmt(f.runs[0].apiCalls / f.size, 2)}), original ${fmt(orig, 2)}`);
  }
  const big = data.fleets.filter((f) => f.size === Math.max(...data.fleets.map((x) => x.size)));
  const payload = Math.max(...big.flatMap((f) => f.runs.map((r) => Math.max(r.largestCollectResultBytes, r.afterMapStateBytes, r.summaryBytes))));
  lines.push(`largest state payload at ${big[0]?.size} resources: ${kib(payload)} (target ${kib(PAYLOAD_TARGET_BYTES)})`);
  for (const c of data.costs) {
    lines.push(
      `monitor cost/month, ${c.size} resources: lean ${usd(c.ours.totalUsd)} (${pct(c.ours.totalUsd / c.original.totalUsd)} of the original), parity ${usd(c.parity.totalUsd)} (${pct(c.parity.totalUsd / c.original.totalUsd)}), original ${usd(c.original.totalUsd)}`,
    );
  }
  const maxBundle = data.bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  lines.push(`largest bundle: ${maxBundle.task} ${kib(maxBundle.bytes)}, all within ${kib(BUNDLE_BUDGET_BYTES)}: ${data.bundles.every((b) => b.withinBudget)}`);
  for (const c of data.convergence ?? []) {
    lines.push(
      `cold start, ${c.size} resources, realistic latency and rate limits: ${c.convergedAfterRuns === undefined ? `NOT converged in ${c.runs.length} runs` : `every alarm in place after ${c.convergedAfterRuns} runs (${c.convergedAfterMinutes} simulated minutes)`}; longest invocation ${fmt(c.longestInvocationMs / 1000, 1)} s of ${fmt(c.timeoutMs / 1000, 0)} s; ${c.runs.reduce((n, r) => n + r.failedInvocations + r.overTimeout, 0)} failed or over-time invocations`,
    );
  }
  for (const m of data.dataFeed ?? []) lines.push(`data-feed checks, ${m.fleet} (${m.datasetGroups} dataset groups): ${fmt(m.callsPerRunMean, 1)} calls per run (max ${m.callsPerRunMax}), ${m.callsPerHour} per hour, ${usd(m.monthlyUsd.total)} a month`);
  for (const m of data.assess ?? []) lines.push(`assess, ${m.label} (${m.resources} resources, ${m.regions.length} regions): ${fmt(m.wallMs / 1000, 1)} s, ${m.apiCalls} API calls, ${m.writes} writes`);
  const s = data.savings.outcomes;
  lines.push(
    `simulated month: bill none ${usd(s.none.billUsd)}, ours ${usd(s.ours.billUsd)} (${s.ours.wrong.length} wrong), original ${usd(s.original.billUsd)} (${s.original.wrong.length} wrong, ${s.original.actionsOnExempt} on exempt)`,
  );
  return lines;
}

function callsSection(data: BenchData): string {
  const rows = data.fleets.map((f) => {
    const steady = steadyRuns(f);
    const m = mean(steady.map((r) => r.apiCalls));
    const orig = Object.values(originalMeanCalls(steady.map((r) => r.originalFacts))).reduce((a, b) => a + b, 0);
    const longRun = m + amortizedTagReadsPerRun(f, TAG_TTL_RUNS);
    return [
      f.size,
      METRICS_LABEL[f.metrics],
      `${f.runs[0].apiCalls} (${fmt(f.runs[0].apiCalls / f.size)})`,
      `${fmt(m, 1)} (${fmt(m / f.size, 3)})`,
      `${fmt(longRun, 1)} (**${fmt(longRun / f.size, 3)}**)`,
      Math.max(...steady.map((r) => r.apiCalls)),
      longRun / f.size <= CALLS_PER_RESOURCE_TARGET ? 'yes' : 'no',
      `${fmt(orig, 0)} (${fmt(orig / f.size)})`,
    ];
  });
  const opTables = data.fleets
    .filter((f) => f.size === Math.max(...data.fleets.map((x) => x.size)))
    .map((f) => {
      const steady = meanByOperation(steadyRuns(f));
      const cold = f.runs[0].byOperation;
      const ops = [...new Set([...Object.keys(cold), ...Object.keys(steady)])].sort();
      return `**${f.size} resources, ${METRICS_LABEL[f.metrics]}** (calls per run)\n\n${table(
        ['operation', 'first run (cold)', 'steady state (mean)'],
        ops.map((op) => [op, cold[op] ?? 0, fmt(steady[op] ?? 0, 1)]),
      )}`;
    });
  const big = data.fleets.find((f) => f.size === Math.max(...data.fleets.map((x) => x.size)));
  const orig = big ? originalMeanCalls(steadyRuns(big).map((r) => r.originalFacts)) : {};
  const notes: string[] = [];
  const best = data.fleets.find((f) => f.metrics === 'lean' && f.size === big?.size);
  if (best) {
    const ops = Object.entries(meanByOperation(steadyRuns(best))).sort((a, b) => b[1] - a[1]).slice(0, 3);
    notes.push(
      `- Largest steady-state contributors at ${best.size} resources (lean): ${ops
        .map(([op, n]) => `${op} ${fmt(n, 1)} per run (${fmt(n / best.size, 3)} per resource)`)
        .join(', ')}.`,
    );
  }
  return `## 1. API calls per MONITOR run

The real \`collect\` handler (plus \`validate-input\` and \`summarize-run\`) runs in this process against
the simulated account over HTTP (\`AWS_ENDPOINT_URL\`); every call is counted from the sim's call log.
Fleet: \`demoFleet\` (idle, recently idle, over-provisioned, spiky, quiet nights, exempt, updating,
healthy; every third resource a recommender) over ${data.fleets[0]?.regions.length} regions (${data.fleets[0]?.regions.join(', ')}). Run 1 starts with cold caches
(no alarms yet); the next hour (12 runs) is a warm-up that is not measured (every candidate's tags are
read once and kept 6 h); then ${steadyRuns(data.fleets[0]).length} runs 5 simulated minutes apart (one hour: every resource passes its
hourly decision slot once) give the steady state. The "with tag refresh" column adds the warm-up hour's
tag reads spread over the 6-hour tag cache (72 runs): the long-run average. One container collects
every region (the worst case for a warm cache; what collect learnt is kept in the state table, so a
container's own memory no longer matters). Lean: the default deploy (metric-math alarms, metrics read
only for resources whose decision is due); parity: \`publishUtilizationMetrics: true\` (every
resource's traffic read and the original's metrics published every run).

${table(['resources', 'mode', 'first run: calls (per resource)', 'steady: mean calls (per resource)', 'with tag refresh (per resource)', 'steady: max calls', `≤ ${CALLS_PER_RESOURCE_TARGET}/resource`, 'original: calls (per resource)'], rows)}

${notes.length ? `Notes:\n${notes.join('\n')}\n` : ''}
Fixed costs per region and run (list pages, one GetMetricData, one PutMetricData, one DescribeAlarms
page) dominate small fleets: the per-resource figure shrinks as the fleet grows.

${opTables.join('\n\n')}

**The original, counted from its code path** (same fleet, same configuration: defaults, i.e. alarms on,
AutoAdjustMinTPS on, AutoDeleteOrStopIdleResources off), mean per steady run at ${big?.size} resources:
${table(['operation', 'calls per run', 'why'], [
    ['ListCampaigns + ListRecommenders', fmt((orig.ListCampaigns ?? 0) + (orig.ListRecommenders ?? 0), 0), `one page per ${ORIGINAL.listPageSize} per type and region`],
    ['DescribeCampaign + DescribeRecommender', fmt((orig.DescribeCampaign ?? 0) + (orig.DescribeRecommender ?? 0), 0), 'every resource every run (its cache is only a throttling fallback)'],
    ['DescribeSolutionVersion', fmt(orig.DescribeSolutionVersion ?? 0, 0), 'every campaign every run (recipe → metric name)'],
    ['GetMetricData', fmt(orig.GetMetricData ?? 0, 1), 'one per resource (5-minute Sum) + hourly 14-day read for min > 1 (1 run in 12)'],
    ['DescribeAlarmsForMetric', fmt(orig.DescribeAlarmsForMetric ?? 0, 0), 'utilization and idle alarm look-ups, per resource'],
    ['PutMetricData', fmt(orig.PutMetricData ?? 0, 0), `chunks of ${ORIGINAL.metricsPerPut} metrics per region`],
  ])}
`;
}

function payloadSection(data: BenchData): string {
  const size = Math.max(...data.fleets.map((x) => x.size));
  const big = data.fleets.filter((f) => f.size === size);
  const max = (pick: (r: RunMeasure) => number) => Math.max(...big.flatMap((f) => f.runs.map(pick)));
  const row = (what: string, bytes: number) => [what, `${bytes} B (${kib(bytes)})`, bytes <= PAYLOAD_TARGET_BYTES ? 'yes' : 'NO'];
  return `## 2. State payloads (${size} resources, ${big[0]?.regions.length} regions, largest over all ${big.reduce((n, f) => n + f.runs.length, 0)} measured runs)

${table(['payload', 'largest', `≤ ${kib(PAYLOAD_TARGET_BYTES)}`], [
    row('collect result of one region (Map iteration: CollectRegion output)', max((r) => r.largestCollectResultBytes)),
    row('region outcome (SummarizeRegion output: findings counted, not carried)', max((r) => r.largestRegionOutcomeBytes)),
    row('state after the region Map (SummarizeRun input: run + regionResults)', max((r) => r.afterMapStateBytes)),
    row('run summary (execution output)', max((r) => r.summaryBytes)),
  ])}

Findings per region and run (most wasteful first) are capped by \`maxFindingsPerRegion\` and by the
collect task's byte budget; at most ${max((r) => r.findings)} findings were carried in one run.
`;
}

function costSection(data: BenchData): string {
  const summary = table(
    ['resources', 'lean (default) / month', 'parity / month', 'original / month', 'lean ÷ original', 'parity ÷ original'],
    data.costs.map((c) => [c.size, usd(c.ours.totalUsd), usd(c.parity.totalUsd), usd(c.original.totalUsd), `**${pct(c.ours.totalUsd / c.original.totalUsd)}**`, pct(c.parity.totalUsd / c.original.totalUsd)]),
  );
  const lineTable = (b: CostBreakdown) =>
    table(
      ['item', 'quantity / month', 'unit price', 'USD'],
      b.lines.map((l) => [l.item, fmt(l.quantity, l.quantity < 10 ? 3 : 0), `$${l.unitUsd.toPrecision(3)} per ${l.unit}`, usd(l.usd)]),
    );
  const details = data.costs
    .map(
      (c) =>
        `<details><summary>${c.size} resources: line items</summary>\n\n**Ours, lean** (${usd(c.ours.totalUsd)})\n\n${lineTable(c.ours)}\n\n**Ours, parity** (${usd(
          c.parity.totalUsd,
        )})\n\n${lineTable(c.parity)}\n\n**Original** (${usd(c.original.totalUsd)})\n\n${lineTable(c.original)}\n\n</details>`,
    )
    .join('\n\n');
  const measured = table(
    ['resources', 'mode', 'validate ms', 'collect ms (mean, measured)', 'collect ms (projected)', 'summarize ms', 'run ms (projected)', 'GetMetricData metrics / run', 'CloudWatch requests / run', 'state table read / write units per run', 'custom metrics', 'alarms (alarm metrics)', 'dashboards', 'dashboard rebuild ms'],
    data.fleets
      .map((f) => {
        const s = steadyRuns(f);
        const collect = mean(s.flatMap((r) => r.collectMs));
        const projected = mean(s.flatMap((r) => r.collectMs.map((ms, i) => ms + r.collectCalls[i] * ASSUMPTIONS.awsCallLatencyMs)));
        return [
          f.size,
          f.metrics,
          fmt(mean(s.map((r) => r.validateMs)), 1),
          fmt(collect, 1),
          fmt(projected, 0),
          fmt(mean(s.map((r) => r.summarizeMs)), 1),
          fmt(mean(s.map(projectedRunMs)), 0),
          fmt(mean(s.map((r) => r.getMetricDataMetrics)), 1),
          fmt(mean(s.map((r) => r.cloudWatchRequests)), 1),
          `${fmt(mean(s.map((r) => r.dynamoDbReadUnits)), 1)} / ${fmt(mean(s.map((r) => r.dynamoDbWriteUnits)), 1)}`,
          f.customMetrics,
          `${f.alarms} (${f.alarmMetrics})`,
          f.dashboards,
          fmt(f.dashboardMs, 0),
        ];
      }),
  );
  const prices = table(
    ['price', 'USD', 'source'],
    Object.values(PRICES).map((p) => [p.per, `$${p.usd.toPrecision(4)}`, p.source]),
  );
  const assumptions = Object.entries(ASSUMPTIONS).map(([k, v]) => `- \`${k}\`: ${v}`);
  return `## 3. Monthly cost of the monitor itself

${summary}

How: a month is 730 hours; the MONITOR runs every 5 minutes (8,760 runs), one EXPRESS execution per
run (regions in parallel) calling \`validate-input\`, \`collect\` per region and \`summarize-run\`
(arm64, the deployed memory); \`build-dashboard\` runs hourly (and when the fleet changed).
MEASURED per fleet and mode (steady runs, one container for all regions), from the simulator's call
log and inventory: handler durations, GetMetricData metrics requested (MetricStat queries; metric-math
expressions are not billed), CloudWatch requests, state-table request units (DynamoDB on-demand
sizing applied to the items on the wire), log bytes, custom metric series, alarms and the metrics each
alarm reads (a metric-math alarm is billed per metric it reads, its constants are free), dashboards. Durations measured here hit a local endpoint (about 1 ms per call); for AWS each
call is charged \`awsCallLatencyMs\` on top, all calls taken as sequential (an upper bound: collect
describes 4 at a time). The original: one Lambda every 5 minutes (python3.9, 128 MB, x86_64), its
calls per run from its code path (section 1) × the same latency + its own work; hourly dashboard
Lambda; 2 alarms and 2–3 custom metrics per resource; 1 dashboard. Free tiers are ignored.

${measured}

${details}

Prices:

${prices}

Assumptions (not measured):

${assumptions.join('\n')}
- Step Functions execution logs (level ALL, with data): estimated from the measured payload sizes.
- Not modelled: ACTION executions (Standard, only when acting: a few dozen transitions each),
  SNS emails, EventBridge events, data transfer, KMS.
`;
}

function bundleSection(data: BenchData): string {
  return `## 4. Lambda bundles

Each task bundled as synth does (\`bundleTask\` of infra/nodejs-function.ts: esbuild, minified, the
runtime's AWS SDK external); module load = median of 3 \`require\` calls, each in a fresh Node ${data.environment.node} process.

${table(
    ['task', 'minified', `≤ ${kib(BUNDLE_BUDGET_BYTES)}`, 'module load (cold init) ms'],
    data.bundles.map((b) => [b.task, kib(b.bytes), b.withinBudget ? 'yes' : 'NO', fmt(b.loadMs, 1)]),
  )}
`;
}

function savingsSection(data: BenchData): string {
  const s = data.savings;
  const none = s.outcomes.none.billUsd;
  const names: Record<Policy, string> = { none: 'no monitor', ours: 'our rules (auto)', original: "original's algorithm" };
  const exemptBill = (p: Policy) => s.outcomes[p].billByProfile.exempt ?? 0;
  const rows = (['none', 'ours', 'original'] as Policy[]).map((p) => {
    const o = s.outcomes[p];
    const idle = o.actions.filter((a) => a.kind === 'idle').length;
    const cap = o.actions.length - idle;
    return [
      names[p],
      usd(o.billUsd),
      p === 'none' ? '–' : `${usd(none - o.billUsd)} (${fmt((100 * (none - o.billUsd)) / none, 1)} %)`,
      p === 'none' ? '–' : usd(none - exemptBill('none') - (o.billUsd - exemptBill(p))),
      `${idle} / ${cap}`,
      `**${o.wrong.length}**`,
      o.actionsOnExempt,
      o.failedActions,
    ];
  });
  const profiles = [...new Set(Object.values(s.outcomes).flatMap((o) => Object.keys(o.billByProfile)))].sort();
  const profileRows = profiles.map((p) => [p, s.profiles[p] ?? 0, ...(['none', 'ours', 'original'] as Policy[]).map((x) => usd(s.outcomes[x].billByProfile[p] ?? 0))]);
  const wrong = (['ours', 'original'] as Policy[]).flatMap((p) =>
    s.outcomes[p].wrong.map((w) => [names[p], w.arn.split(':').pop() ?? w.arn, w.kind, new Date(w.at).toISOString(), w.why]),
  );
  return `## 5. Savings over a simulated month

${s.resources} resources in the sim (\`demoFleet\` plus three campaigns/recommenders provisioned just above their
quietest hour, and one recommender unused for weeks whose team restarts it on day 10 and sends traffic
two hours later), ${s.days} days from ${s.monthStart}, billed by the sim's billing model (campaigns per
5-minute window, recommenders per hour, on max(traffic, minimum), $0.20 per TPS/RPS-hour). Each policy
runs on its own copy of the same fleet. Decisions read the requests the resources actually served
(the sim's traffic model masked by status: what AWS/Personalize metrics report), hourly in each
resource's slot; actions are applied to the sim's resources at once (\`auto\` mode). Ours: core/
\`evaluateIdle\` → delete / stop (after the ACTION machine's re-check: no request since the idle
window started), else \`evaluateOverProvisioned\` → new minimum; exemption tags honoured;
behaviour ${JSON.stringify(s.behaviour)}. Original: its idle rule (silent now, ≥ 24 h since
creation, no request in 24 h) and its 25 %-per-hour step while floor(lowest hourly rate with data) < minimum.

A WRONG action: an idle action (delete / stop) on a resource that gets requests within the following
day, or a new minimum below what the following day needs (floor of its quietest hour's average rate
above the new minimum: the minimum does not even carry the base load). Judged on the traffic model.

${table(['policy', 'Personalize bill', 'saving', 'saving without exempt-tagged resources', 'actions idle / capacity', 'wrong actions', 'actions on exempt-tagged resources', 'refused by the service'], rows)}

Bill per resource profile:

${table(['profile', 'resources', ...(['none', 'ours', 'original'] as Policy[]).map((p) => names[p])], profileRows)}

${wrong.length ? `Wrong actions:\n\n${table(['policy', 'resource', 'action', 'at', 'why'], wrong)}` : 'No wrong actions.'}
`;
}

/** The whole REPORT.md. */
export function renderReport(data: BenchData): string {
  const e = data.environment;
  return `# Personalize Monitor – benchmark report

Generated by \`npm run bench\` (bench/run.ts) on ${e.date}; every figure below was measured in that run
or computed from measured counts by the pricing model stated in section 3.

Machine: ${e.cpus} × ${e.cpuCount}, ${fmt(e.memoryGb, 1)} GB RAM, ${e.platform}; Node ${e.node}; commit ${e.commit}; bench took ${fmt(e.benchSeconds, 0)} s.

Headline:
${headline(data).map((l) => `- ${l}`).join('\n')}

${callsSection(data)}
${payloadSection(data)}
${costSection(data)}
${bundleSection(data)}
${savingsSection(data)}
${assessSection(data)}
${convergenceSection(data)}
${dataFeedSection(data)}`;
}

const ASSUMPTIONS_NOTE = '30 ms per call, sequential: an upper bound';

/** The data-feed checks: calls per run and hour, by operation, and their monthly cost (bench/data-feed.ts). */
function dataFeedSection(data: BenchData): string {
  const all = data.dataFeed ?? [];
  if (!all.length) return '';
  const rows = all.map((m) => [
    m.fleet,
    m.datasetGroups,
    fmt(m.callsPerRunMean, 1),
    m.callsPerRunMax,
    m.callsPerHour,
    Object.entries(m.byOperation).map(([op, n]) => `${op} ${n}`).join(', '),
    m.metricsRequestedPerHour,
    m.ingestionAlarms,
    m.largestResultBytes,
    m.maxRunMs,
    `${usd(m.monthlyUsd.lambda)} + ${usd(m.monthlyUsd.getMetricData)} + ${usd(m.monthlyUsd.alarms)} + ${usd(m.monthlyUsd.cloudWatchRequests)} = ${usd(m.monthlyUsd.total)}`,
  ]);
  return `## 8. Data-feed checks

The data-feed task (tasks/data-feed) run as the MONITOR runs it, every 5 simulated minutes for one
measured hour after an unmeasured one (every dataset group's hourly slot once in each), in this
process with real SDK clients against the simulator. Calls: requests the simulator received
(Personalize List/Describe calls are not billed; the deployed task adds one DynamoDB Query per
region and run for its open findings, and a BatchWriteItem when one changes). Monthly cost: a model
over these counts – Lambda (one invocation per region and run, duration = measured + calls × ${ASSUMPTIONS_NOTE}),
GetMetricData metrics, the ingestion alarms ($0.10 each), DescribeAlarms.

${table(['fleet', 'dataset groups', 'calls/run (mean)', 'calls/run (max)', 'calls/hour', 'by operation (hour)', 'metrics requested/hour', 'ingestion alarms', 'largest result (bytes)', 'longest run (ms, local)', 'monthly: Lambda + GetMetricData + alarms + requests'], rows)}
`;
}

/** `assess`: one cold run per fleet (fresh caches), wall time and calls as measured (bench/assess.ts). */
function assessSection(data: BenchData): string {
  if (!data.assess?.length) return '';
  const rows = data.assess.map((m) => [
    m.label,
    m.resources,
    m.regions.join(', '),
    fmt(m.wallMs / 1000, 2),
    m.apiCalls,
    m.simCalls,
    Object.entries(m.byOperation).map(([op, n]) => `${op} ${n}`).join(', '),
    m.writes,
    `${m.actions.delete} / ${m.actions.stop} / ${m.actions.setMinimum} / ${m.actions.none}`,
  ]);
  return `## 6. assess (read-only CLI)

One cold \`assess\` run per fleet (discovery caches empty, as on a laptop), in this process against the
simulator over HTTP; regions are assessed concurrently. API calls: commands sent by assess and
requests in the simulator's call log (retries included); writes: non-read operations in that log.

${table(['fleet', 'resources', 'regions', 'wall s', 'API calls', 'sim requests', 'by operation', 'writes', 'delete / stop / new min / none'], rows)}
`;
}

/** Cold-start convergence under realistic latency and rate limits (bench/convergence.ts). */
function convergenceSection(data: BenchData): string {
  const all = data.convergence ?? [];
  if (!all.length) return '';
  const rows = all.map((c) => [
    c.size,
    c.convergedAfterRuns === undefined ? `not in ${c.runs.length}` : c.convergedAfterRuns,
    c.convergedAfterMinutes === undefined ? '–' : `${c.convergedAfterMinutes} min`,
    `${fmt(c.longestInvocationMs / 1000, 1)} s`,
    c.steadyLongestInvocationMs === undefined ? '–' : `${fmt(c.steadyLongestInvocationMs / 1000, 1)} s`,
    `${fmt(c.timeoutMs / 1000, 0)} s`,
    c.runs.reduce((n, r) => n + r.failedInvocations, 0),
    c.runs.reduce((n, r) => n + r.overTimeout, 0),
    c.runs.reduce((n, r) => n + r.throttled, 0),
    fmt(c.wallSeconds, 0),
  ]);
  const curves = all
    .map((c) => {
      const step = Math.max(1, Math.ceil(c.runs.length / 12));
      const shown = c.runs.filter((_r, i) => i % step === 0 || i === c.runs.length - 1);
      return `<details><summary>${c.size} resources: run by run</summary>\n\n${table(
        ['run', 'alarms present / wanted', 'carried over: describes / tag reads / alarm writes', 'longest invocation', 'API calls', 'throttled'],
        shown.map((r) => [r.index + 1, `${r.alarmsPresent} / ${r.alarmsWanted}`, `${r.carriedOver.describes} / ${r.carriedOver.tagReads} / ${r.carriedOver.alarmWrites}`, `${fmt(r.longestInvocationMs / 1000, 1)} s`, r.apiCalls, r.throttled]),
      )}\n\n</details>`;
    })
    .join('\n\n');
  const separately = data.convergenceRun
    ? `\n_Measured on its own (\`npm run bench -- --only-convergence\`) on ${data.convergenceRun.date}, commit ${data.convergenceRun.commit}, in ${fmt(data.convergenceRun.benchSeconds, 0)} s; the other sections are from the run named at the top._\n`
    : '';
  return `## 7. Cold start at scale: realistic latency and rate limits
${separately}
A fresh account (no alarms, no state) of N resources over ${all[0].regions.length} regions; the real \`validate-input\` and
\`collect\` handlers run every 5 simulated minutes, each region's collect in a fresh module instance (a
cold container EVERY run: only the state table carries what earlier runs learnt), regions in
parallel as the MONITOR's Map runs them, until every ACTIVE resource has its idle and
low-utilization alarm and nothing is carried over. The simulator adds 30–80 ms to every call and
throttles above CloudWatch's published rates (PutMetricAlarm 3/s, DescribeAlarms 9/s, GetMetricData
50/s per account and region) and a model of Personalize's unpublished ones (sim/limits.ts). Time is
compressed ×${all[0].timeScale} (latencies ÷ ${all[0].timeScale}, rates × ${all[0].timeScale}, the collect timeout ÷ ${all[0].timeScale}, seen by the handler
through \`getRemainingTimeInMillis()\`); wall times below are multiplied back. Two things are NOT
compressed: the handlers' own CPU time (and the simulator's, in the same process on ${data.environment.cpuCount} cores)
counts ${all[0].timeScale}-fold against the budget (so durations are pessimistic), and the SDK's retry backoff and
adaptive limiter run on the wall clock – so when scaled the functions run with the SDK's own
\`AWS_RETRY_MODE=standard\`, \`AWS_MAX_ATTEMPTS=1\`: a throttled call fails at once and collect carries it
over (what the SDK's retries end in anyway); deployed, the adaptive mode retries it within the run.
Each run carried
over what did not fit; a fleet that hit the run cap is reported as not converged, with its progress
run by run.${failureNote(all, data.listThrottleRetries)}

${originalUnderLimits(data)}

${table(['resources', 'runs until converged', 'simulated time', 'longest invocation', 'longest after convergence', 'collect timeout', 'failed invocations', 'over the timeout', 'throttled calls', 'bench wall s'], rows)}

${curves}
`;
}

/** Mean of the realistic per-call latency (30–80 ms). */
const MEAN_LATENCY_MS = 55;
/** DescribeAlarmsForMetric is not simulated; its rate from the same CloudWatch quotas page [?]. */
const DESCRIBE_ALARMS_FOR_METRIC_PER_SECOND = 9;

/** The original's design under the same limits: a model from its call pattern (section 1). */
function originalUnderLimits(data: BenchData): string {
  const limiter = new SimLimiter({ rateLimits: 'realistic' }, 1);
  const rate = (op: string) => {
    if (op === 'DescribeAlarmsForMetric') return DESCRIBE_ALARMS_FOR_METRIC_PER_SECOND;
    const service = ['GetMetricData', 'PutMetricData'].includes(op) ? 'cloudwatch' : 'personalize';
    return limiter.rateLimitFor(service, op)?.perSecond;
  };
  const rows = data.fleets
    .filter((f) => f.metrics === 'lean')
    .map((f) => {
      const calls = originalMeanCalls(steadyRuns(f).map((r) => r.originalFacts));
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const seconds = originalRunSecondsUnderLimits(calls, MEAN_LATENCY_MS, rate);
      return [f.size, fmt(total, 0), `${fmt(seconds, 0)} s`, seconds <= ORIGINAL.scheduleMinutes * 60 ? 'yes' : '**no**', seconds <= LAMBDA_MAX_TIMEOUT_SECONDS ? 'yes' : '**no**'];
    });
  return `**The original's design under the same limits (a MODEL from its call pattern, not run):** one
thread, one call after the other at ${MEAN_LATENCY_MS} ms, no operation faster than its rate
(DescribeAlarmsForMetric ${DESCRIBE_ALARMS_FOR_METRIC_PER_SECOND}/s [?], the others as above).

${table(['resources', 'calls per run', 'shortest run', `within its ${ORIGINAL.scheduleMinutes}-minute schedule`, `within Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS / 60}-minute maximum`], rows)}`;
}

/** What the failed invocations were, when there were any. */
function failureNote(all: ConvergenceMeasure[], listRetries: number | undefined): string {
  const failed = all.reduce((n, c) => n + c.runs.reduce((m, r) => m + r.failedInvocations, 0), 0);
  const over = all.reduce((n, c) => n + c.runs.reduce((m, r) => m + r.overTimeout, 0), 0);
  if (failed + over === 0) return ' No invocation failed or ran past its timeout.';
  const reasons = [...new Set(all.flatMap((c) => c.runs.flatMap((r) => r.failures ?? [])).map((f) => f.replace(/page \d+/, 'page N').replace(/region [a-z0-9-]+/, 'region R')))];
  return `

**${failed} invocations failed${over ? ` and ${over} ran past the timeout` : ''}.** ${
    reasons.length
      ? `Their errors: ${reasons.map((r) => `\`${r}\``).join('; ')}.`
      : 'Their errors were not recorded in this report; a re-run of the first 8 runs at 5,000 resources showed each to be a region whose ListCampaigns or ListRecommenders page was throttled (`RegionCollectError: … failed on page N: ThrottlingException`).'
  } A listing that cannot be finished fails its region for that run, by design (nothing may be
concluded from a partial one; the next run tries again and what the state table holds is kept).
${
    listRetries === undefined
      ? `These runs were measured BEFORE discovery retried a throttled List page (added since: ${LIST_THROTTLE_RETRY_MS.length} retries after the
SDK's own, \`LIST_THROTTLE_RETRY_MS\` in tasks/collect/discovery.ts); \`npm run bench -- --only-convergence\` measures them with it.`
      : `A throttled List page is retried ${listRetries} times after the SDK's own retries (one attempt in the compressed setting).`
  } List pages are not paced.`;
}
