/**
 * The offline demo: a simulated fleet in several regions, the MONITOR every 5 simulated minutes
 * for N days, findings, alarms, ACTION executions with an approval email answered like a person
 * would, the outcome on the simulated account, the saving from the simulated bill, artifacts.
 * Everything printed is read from what ran (execution outputs, the sim's records and bill).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, GetDashboardCommand, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import type { Finding, RegionResult } from '../core/types';
import { demoFleet, simClientConfig, type DemoFleet, type FleetResource, type PublishedMessage } from '../sim';
import type { DataFeedCampaign } from '../sim/fleet';
import { dataFeedReports, MONITOR_EVENT_SOURCE, type DataFeedReport } from './data-feed';
import type { ExecutionRecord, RunnerActivity } from '../runner/runner';
import { renderDashboardPage, type DashboardSource } from './dashboard-page';
import { actionDisagreements, findingDisagreements, readDashboardView, type DashboardView } from './dashboard-view';
import { dashboardPageName } from '../core/dashboard/names';
import { runLogsInsightsQuery } from '../sim/logs-insights';
import type { DemoOptions } from './options';
import { actionOutcome, countOutcomes, formatCounts } from './outcome';
import { answerApproval, type ApprovalVisit } from './person';
import { demoConfig, Session, synthStack } from './session';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Hours in a month for the monthly estimates (AWS pricing convention). */
const HOURS_PER_MONTH = 730;
/** Caller label of the demo's own reads of the simulated account. */
const VIEWER = 'demo-viewer';

export interface Printer {
  line(text?: string): void;
}

interface ActionView {
  execution: string;
  /** How it ended, from its terminal state (`done`, `skipped`, `rejected`, `expired`, `reported only`, `failed`, ...; see demo/outcome.ts). */
  outcome: string;
  terminalState?: string;
  /** Why it failed, for failed outcomes. */
  cause?: string;
  /** The execution status (a rejected request is SUCCEEDED: read `outcome`). */
  status: string;
  resource?: string;
  request?: string;
  states: string[];
  error?: string;
  failure?: { state: string; error: string; message: string };
  startedAt: string;
  endedAt?: string;
}

/** The machine-readable run summary (`summary.json`). */
export interface DemoSummary {
  options: DemoOptions;
  wallTimeSeconds: number;
  simulated: { start: string; end: string; monitorRuns: number; failedMonitorRuns: number };
  /** The profiles' resources, then the data-feed group's campaign (profile `data-feed`). */
  fleet: ((FleetResource | DataFeedCampaign) & { after: string })[];
  findings: { firstSeen: string; kind: string; action: string; name: string; region: string; actionEnabled: boolean; reason: string; monthlyWasteUsd: number }[];
  alarmsCreated: number;
  /** What the data-feed checks reported (emails to the notification topic, events on the default bus). */
  dataFeed: {
    datasetGroupArn?: string;
    reports: DataFeedReport[];
    emails: number;
    events: number;
    note: string;
  };
  actions: ActionView[];
  /** ACTION executions per outcome (the same words as `actions[].outcome`). */
  actionOutcomes: Record<string, number>;
  approvals: (ApprovalVisit & { decision: string; subject?: string })[];
  emails: number;
  bill: { withMonitorUsd: number; withoutMonitorUsd: number; savedInWindowUsd: number; estimatedMonthlySavingUsd: number; basis: string };
  dashboards: string[];
  /** What the index dashboard's live widgets show at the end, and where it differs from the run's own account (none expected). */
  dashboard?: DashboardView & { disagreements: string[] };
  apiCalls: Record<string, number>;
  artifacts: Record<string, string>;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const usd = (n: number) => `$${n.toFixed(2)}`;
const clock = (t: number, start: number) => {
  const day = Math.floor((t - start) / DAY_MS) + 1;
  return `day ${day} ${new Date(t).toISOString().slice(11, 16)}`;
};

function table(rows: Record<string, string | number>[]): string[] {
  if (rows.length === 0) return [];
  const cols = Object.keys(rows[0]);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => pad(v, widths[i])).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))];
}

function describeState(account: DemoFleet['account'], arn: string): string {
  const snap = account.personalize.snapshot(arn);
  if (!snap) return 'deleted';
  return `${snap.status}, min ${snap.minCapacity}${snap.latestUpdateStatus && snap.latestUpdateStatus !== 'ACTIVE' ? ` (update ${snap.latestUpdateStatus})` : ''}`;
}

/** States entered, repeated poll rounds folded (`WaitUntilSettled → CheckSettled → Settled ×6`). */
export function compactPath(states: string[]): string {
  const shown = states.filter((s) => !/^(Choose|Route)/.test(s));
  const out: string[] = [];
  for (let i = 0; i < shown.length; ) {
    // Find the shortest cycle starting here that repeats right after itself.
    let folded = false;
    for (let len = 1; len <= 4 && !folded; len++) {
      const unit = shown.slice(i, i + len);
      let reps = 1;
      while (unit.every((s, k) => shown[i + reps * len + k] === s)) reps++;
      if (reps > 1) {
        out.push(`${unit.join(' → ')} ×${reps}`);
        i += reps * len;
        folded = true;
      }
    }
    if (!folded) out.push(shown[i++]);
  }
  return out.join(' → ');
}

/**
 * What an ACTION execution was asked to do, from its input: a request event – bare, or wrapped
 * by the MONITOR (`finding`) or a request rule (`event`) – or a direct request (`action`, `resourceArn`).
 */
export function requestOf(input: unknown): { request: string; resourceArn: string } {
  const o = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const inner = ((o.finding ?? o.event ?? o) || {}) as Record<string, unknown>;
  if (typeof inner['detail-type'] === 'string') {
    const detail = (inner.detail ?? {}) as Record<string, unknown>;
    return { request: inner['detail-type'], resourceArn: String(detail.ARN ?? detail.arn ?? '') };
  }
  return { request: typeof o.action === 'string' ? `${o.action} (direct request)` : 'direct request', resourceArn: typeof o.resourceArn === 'string' ? o.resourceArn : '' };
}

/** The first task error of an execution, with the function's own message when it has one. */
export function firstTaskError(e: ExecutionRecord): { state: string; error: string; message: string } | undefined {
  const t = e.tasks.find((x) => x.error);
  if (!t?.error) return undefined;
  let message = t.error.cause;
  try {
    message = String((JSON.parse(t.error.cause) as { errorMessage?: string }).errorMessage ?? message);
  } catch {
    // Not a Lambda error JSON: keep the cause as it is.
  }
  return { state: t.state, error: t.error.error, message: message.slice(0, 300) };
}

/** Runs the demo; prints the story through `out` and returns the summary (also written to disk). */
export async function runDemo(o: DemoOptions, out: Printer): Promise<DemoSummary> {
  const wallStart = Date.now();
  const outDir = path.resolve(o.outDir);
  fs.mkdirSync(path.join(outDir, 'emails'), { recursive: true });
  const p = (s = '') => out.line(s);

  p(`Personalize Monitor – offline demo (seed ${o.seed}, ${o.days} simulated day(s), ${o.resources} resources, regions ${o.regions.join(', ')})`);
  if (o.limits || o.timeScale !== undefined) {
    const what = [o.limits?.latency ? 'AWS latencies' : '', o.limits?.rateLimits ? 'API rate limits' : ''].filter(Boolean).join(' and ');
    p(`   ${what ? `with ${what}` : 'no simulated latency'}${(o.timeScale ?? o.limits?.timeScale ?? 1) !== 1 ? `, ${o.timeScale ?? o.limits?.timeScale} times faster (time scale)` : ''}`);
  }
  p();
  p('1. Synthesizing the stack for the demo configuration (what `npm run synth` deploys) ...');
  const config = demoConfig({ regions: o.regions, autoDeleteOrStopIdleResources: true });
  const t0 = Date.now();
  const stackFile = synthStack(config, path.join(outDir, '.stack'));
  p(`   ${path.relative(process.cwd(), stackFile)} (${((Date.now() - t0) / 1000).toFixed(1)} s). Idle actions enabled; idle and capacity actions need approval.`);

  const fleet = demoFleet({ regions: o.regions, resources: o.resources, seed: o.seed, dataFeed: true });
  const { account } = fleet;
  /** Every campaign and recommender of the fleet, the data-feed group's campaign last. */
  const fleetResources: (FleetResource | DataFeedCampaign)[] = [...fleet.resources, ...(fleet.dataFeed ? [fleet.dataFeed.campaign] : [])];
  // Time scale and latency/rate limits only when asked for (the default demo answers at once).
  const timeScale = o.timeScale ?? o.limits?.timeScale;
  if (o.limits) account.setLimits({ ...o.limits, ...(timeScale !== undefined ? { timeScale } : {}) });
  const start = account.clock.now();
  const end = start + o.days * DAY_MS;
  p();
  p(`2. The simulated fleet (created 30 days before ${new Date(start).toISOString()}):`);
  for (const l of table(
    fleetResources.map((r) => ({ name: r.name, kind: r.kind, region: r.region, profile: r.profile, min: r.targetMin ? `${r.minCapacity}→${r.targetMin}` : r.minCapacity, traffic: r.traffic.replace(/(\d+\.\d)\d+/g, '$1').slice(0, 60) })),
  ))
    p(l);
  if (fleet.dataFeed) {
    const f = fleet.dataFeed;
    p(`   and the dataset group ${f.name} (${f.region}) whose data feed is broken: its event stream stopped ${((start - f.stoppedAt) / HOUR_MS).toFixed(0)} h before the start,`);
    p(`   its last import failed ("${f.failureReason}"), its latest training failed, and ${f.campaign.name} serves an older model than the newest ACTIVE one.`);
  }

  const logFile = path.join(outDir, 'lambda-logs.jsonl');
  const log = fs.createWriteStream(logFile);
  const activity: RunnerActivity[] = [];
  const session = await Session.start({
    account,
    stackFile,
    runner: {
      extraEnv: { LOG_LEVEL: o.verbose ? 'DEBUG' : 'INFO' },
      functionUrlPort: o.interactive ? o.port : 0,
      ...(timeScale !== undefined ? { timeScale } : {}),
      onLambdaLog: (fn, l) => {
        log.write(`${JSON.stringify({ fn, line: l })}\n`);
        if (o.verbose) p(`   [${fn}] ${l}`);
      },
      onActivity: (a) => activity.push(a),
    },
  });
  const { runner } = session;
  p();
  p(`3. Running: MONITOR every 5 simulated minutes, ${runner.model.functions.length} Lambda functions in their own processes, sim at ${session.server.url}`);

  const summaryFindings: DemoSummary['findings'] = [];
  const seen = new Set<string>();
  const approvals: DemoSummary['approvals'] = [];
  let monitorRuns = 0;
  let failedRuns = 0;
  let alarmsCreated = 0;
  let emailsSeen = 0;
  let printedEmail = false;
  let hour = { runs: 0, findings: 0, alarms: 0, failed: 0 };
  /** MONITOR failures already printed (each distinct one once). */
  const failures = new Set<string>();
  let nextHour = start + HOUR_MS;
  const actionsStarted: ExecutionRecord[] = [];

  /** The progress line of the hour that ends at `nextHour` (its runs: [nextHour - 1 h, nextHour)). */
  const flushHour = (): void => {
    const bill = account.bill(start, nextHour);
    // As things stood at the end of the hour (what happened at nextHour itself belongs to the next one).
    const started = actionsStarted.filter((e) => e.startMs < nextHour);
    const states = started.length ? ` (${formatCounts(countOutcomes(started, nextHour))})` : '';
    if ((nextHour - start) % (o.days > 3 ? 6 * HOUR_MS : HOUR_MS) === 0) {
      p(`[${clock(nextHour, start)}] ${hour.runs} runs${hour.failed ? ` (${hour.failed} failed)` : ''} · ${hour.findings} findings · +${hour.alarms} alarms · actions ${started.length}${states} · bill so far ${usd(bill.total)}`);
    }
    hour = { runs: 0, findings: 0, alarms: 0, failed: 0 };
    nextHour += HOUR_MS;
  };

  /**
   * Reads the emails sent since the last look, in a canonical order (time, subject, text: two
   * sent at the same instant arrive in either order); answering one may send more (read in the
   * same loop).
   */
  const onSimEmails = async (): Promise<void> => {
    for (;;) {
      const messages = account.sns.messages();
      if (emailsSeen >= messages.length) return;
      const batch = messages.slice(emailsSeen).sort((a, b) => a.time - b.time || (a.subject ?? '').localeCompare(b.subject ?? '') || a.message.localeCompare(b.message));
      emailsSeen = messages.length;
      for (const m of batch) {
        const links = session.approvalLinksIn(m.message);
        if (links.length > 0) await handleApprovalEmail(m, links);
      }
    }
  };

  const handleApprovalEmail = async (m: PublishedMessage, links: string[]): Promise<void> => {
    const when = clock(m.time, start);
    if (!printedEmail) {
      printedEmail = true;
      p();
      p(`   ── approval email (${when}, topic ${m.topicArn.split(':').pop()}) ──────────────`);
      p(`   Subject: ${m.subject ?? ''}`);
      for (const l of m.message.split('\n')) p(`   | ${l}`);
      p('   ─────────────────────────────────────────────────────────────');
    } else {
      p(`   [${when}] approval email: ${m.subject ?? ''}`);
    }
    if (o.interactive) {
      p(`   Open ${links[0]} in a browser and decide (waiting; simulated time stands still) ...`);
      const pending = () => runner.openCallbacks().length;
      const before = pending();
      while (pending() >= before && before > 0) await new Promise((r) => setTimeout(r, 300));
      approvals.push({ link: links[0], decision: 'in browser', getStatus: 0, pageTitle: '', pageText: '', subject: m.subject });
      p('   Decision received from the browser.');
      await session.settle();
      return;
    }
    if (o.approval === 'ignore') {
      approvals.push({ link: links[0], decision: 'ignored', getStatus: 0, pageTitle: '', pageText: '', subject: m.subject });
      if (approvals.length === 1) p('   Ignoring approval requests (--ignore): they expire after the approval lifetime.');
      return;
    }
    const link = links.find((l) => new URL(l).searchParams.get('decision') === o.approval) ?? links[0];
    const visit = await answerApproval(link, o.approval);
    approvals.push({ ...visit, decision: o.approval, subject: m.subject });
    if (approvals.length === 1) {
      p(`   A person opens the link: GET ${link}`);
      p(`     → HTTP ${visit.getStatus}, page "${visit.pageTitle}" (opening it decided nothing)`);
      p(`   ... and clicks "${o.approval}": POST → HTTP ${visit.postStatus}, "${visit.resultTitle}"`);
    } else {
      p(`     → ${o.approval}d (GET ${visit.getStatus}, POST ${visit.postStatus}: ${visit.resultTitle})`);
    }
    await session.settle();
  };

  /**
   * Prints the activity since the last call in a canonical order – by simulated time, then
   * started / rebuild requested / ended, then execution name – since what happens at one
   * instant (two ACTIONs started by one MONITOR run, or ending together) arrives in either order.
   */
  const reportActivity = (): void => {
    const entries: { at: number; rank: number; name: string; lines: string[]; started?: ExecutionRecord }[] = [];
    for (const a of activity.splice(0)) {
      if (a.kind === 'execution-started' && a.execution.machine.type === 'STANDARD') {
        const { request, resourceArn } = requestOf(a.execution.input);
        const at = a.execution.startMs;
        entries.push({ at, rank: 0, name: a.execution.name, started: a.execution, lines: [`   [${clock(at, start)}] ACTION started (${a.execution.startedBy}): ${request} ${resourceArn.split('/').pop() ?? ''}`] });
      }
      if (a.kind === 'event-routed' && a.event['detail-type'] === 'BuildPersonalizeMonitorDashboard') {
        const at = Date.parse(a.event.time);
        entries.push({ at, rank: 1, name: a.rule, lines: [`   [${clock(at, start)}] dashboard rebuild requested (${a.rule})`] });
      }
      if (a.kind === 'execution-finished' && a.execution.machine.type === 'STANDARD') {
        const e = a.execution;
        const o = actionOutcome(e);
        const at = e.stopMs ?? e.startMs;
        entries.push({ at, rank: 2, name: e.name, lines: [`   [${clock(at, start)}] ACTION ${o.outcome}: ${e.name} – ${compactPath(e.states)}`, ...(o.cause ? [`     cause: ${o.cause}`] : [])] });
      }
    }
    entries.sort((a, b) => a.at - b.at || a.rank - b.rank || a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.started) actionsStarted.push(entry.started);
      entry.lines.forEach((l) => p(l));
    }
  };

  // Every instant at which something fired ([start, end): 2 days = 576 MONITOR runs), in time order.
  await session.runUntil(end, async (runs, at) => {
    while (at >= nextHour) flushHour();
    for (const run of runs) {
      if (run.machine.type !== 'EXPRESS') continue;
      monitorRuns += 1;
      hour.runs += 1;
      if (run.status !== 'SUCCEEDED') {
        failedRuns += 1;
        hour.failed += 1;
        const why = `${run.error}: ${String(run.cause ?? '').slice(0, 200)}`;
        if (!failures.has(why)) p(`   [${clock(run.startMs, start)}] MONITOR ${run.status} – ${why}${failures.size === 0 ? '' : ''}`);
        failures.add(why);
      }
      for (const t of run.tasks.filter((x) => x.state === 'CollectRegion' && x.output)) {
        const r = (t.output as { Payload: RegionResult }).Payload;
        alarmsCreated += r.alarms.created;
        hour.alarms += r.alarms.created;
        if (r.alarms.created > 0) p(`   [${clock(run.startMs, start)}] ${r.region}: ${r.alarms.created} alarm(s) created, ${r.metricsWritten} metric values written, ${r.apiCalls} API calls`);
        for (const f of r.findings as Finding[]) {
          hour.findings += 1;
          const key = `${f.kind}|${f.resourceArn}`;
          if (seen.has(key)) continue;
          seen.add(key);
          summaryFindings.push({ firstSeen: new Date(run.startMs).toISOString(), kind: f.kind, action: f.action, name: f.name, region: f.region, actionEnabled: f.actionEnabled, reason: f.reason, monthlyWasteUsd: f.evidence.monthlyWasteUsd });
          p(`   [${clock(run.startMs, start)}] found ${f.kind} ${f.resourceType} ${f.name} (${f.region}): ${f.reason} – waste ~${usd(f.evidence.monthlyWasteUsd)}/month → ${f.actionEnabled ? f.action : 'report only'}`);
        }
      }
      // Keep memory flat over long runs: the per-task records of a finished MONITOR run are read.
      run.tasks = [];
      run.states = [];
    }
    reportActivity();
    await onSimEmails();
    reportActivity();
  });
  await session.settle();
  reportActivity();
  while (end >= nextHour) flushHour();

  // ---- what the data-feed checks reported (emails to the notification topic, events on the default bus)
  const dataFeed = dataFeedReports(account.sns.messages(), account.events.list({ source: MONITOR_EVENT_SOURCE }));
  const dataFeedNote = "reported once per occurrence; a recovered condition sends a 'Recovered: …' note.";
  p();
  p(`3b. Data-feed findings the simulated account received (checked hourly per dataset group; reports only, nothing is changed):`);
  if (dataFeed.length === 0) p('   none');
  for (const l of table(
    dataFeed.map((r) => ({
      check: r.status === 'recovered' ? `Recovered: ${r.title.toLowerCase()}` : r.title,
      resource: r.resource,
      'dataset group': `${r.datasetGroup} (${r.region})`,
      when: clock(Date.parse(r.at), start),
      sent: [r.email ? 'email' : '', r.event ? `event ${r.detailType}` : ''].filter(Boolean).join(' + '),
    })),
  ))
    p(l);
  for (const r of dataFeed) p(`   ${r.title}: ${r.reason}`);
  const dataFeedEmails = dataFeed.filter((r) => r.email).length;
  const dataFeedEvents = dataFeed.filter((r) => r.event).length;
  if (dataFeed.length) p(`   ${dataFeedEmails} email(s) to the notification topic, ${dataFeedEvents} event(s) on the default bus (source ${MONITOR_EVENT_SOURCE}): ${dataFeedNote}`);

  // ---- outcome on the simulated account
  p();
  p('4. Outcome on the simulated account:');
  const fleetAfter = fleetResources.map((r) => ({ ...r, after: describeState(account, r.arn) }));
  for (const l of table(
    fleetAfter.map((r) => ({ name: r.name, profile: r.profile, before: `ACTIVE, min ${r.targetMin ?? r.minCapacity}`, after: r.after, changed: r.after.startsWith(`ACTIVE, min ${r.targetMin ?? r.minCapacity}`) ? '' : '←' })),
  ))
    p(l);
  const stillWaiting = runner.openCallbacks();
  if (stillWaiting.length) p(`   ${stillWaiting.length} action(s) still waiting for approval at the end of the window.`);

  // ---- bill with vs without the monitor (the same fleet, same seed, nobody acting)
  const baseline = demoFleet({ regions: o.regions, resources: o.resources, seed: o.seed, dataFeed: true });
  baseline.account.clock.set(end);
  const withBill = account.bill(start, end);
  const withoutBill = baseline.account.bill(start, end);
  const lastFrom = Math.max(start, end - DAY_MS);
  const rateWith = account.bill(lastFrom, end).total;
  const rateWithout = baseline.account.bill(lastFrom, end).total;
  const monthly = ((rateWithout - rateWith) * HOURS_PER_MONTH * HOUR_MS) / (end - lastFrom);
  p();
  p('5. Personalize bill (simulated, max(actual, minimum) per billing window):');
  p(`   over the ${o.days} day(s): ${usd(withBill.total)} with the monitor vs ${usd(withoutBill.total)} without → saved ${usd(withoutBill.total - withBill.total)}`);
  p(`   estimated monthly saving at the end-of-window rate (last ${((end - lastFrom) / HOUR_MS).toFixed(0)} h × ${HOURS_PER_MONTH} h/month): ${usd(monthly)}`);

  // ---- artifacts
  const cw = (region: string) => new CloudWatchClient(simClientConfig(session.server.url, region, { caller: VIEWER, maxAttempts: 1 }));
  const home = o.regions[0];
  const dashboards: DashboardSource[] = [];
  const cwHome = cw(home);
  for (const d of (await cwHome.send(new ListDashboardsCommand({}))).DashboardEntries ?? []) {
    const body = (await cwHome.send(new GetDashboardCommand({ DashboardName: d.DashboardName }))).DashboardBody ?? '{}';
    dashboards.push({ name: d.DashboardName ?? '', body });
    fs.writeFileSync(path.join(outDir, `dashboard-${d.DashboardName}.json`), JSON.stringify(JSON.parse(body), null, 2));
  }
  const clients = new Map<string, CloudWatchClient>();
  const clientOf = (r: string) => clients.get(r) ?? (clients.set(r, cw(r)), clients.get(r) as CloudWatchClient);
  // The live tables run their Logs Insights queries over what the functions logged (CloudWatch
  // Logs in AWS; here the lines the runner captured, at their simulated times).
  const logs = (q: { query: string; startMs: number; endMs: number }) => runLogsInsightsQuery(q.query, runner.logEvents, { startMs: q.startMs, endMs: q.endMs });
  const index = dashboards.find((d) => d.name === dashboardPageName(String(config.stackName), 1));
  const view = index ? await readDashboardView(index.body, runner.logEvents, end, clientOf) : undefined;
  const page = await renderDashboardPage(dashboards, {
    client: clientOf,
    logs,
    startMs: start,
    endMs: end,
    title: 'Personalize Monitor dashboard (offline demo)',
    subtitle: `Rendered from the dashboard bodies the build-dashboard function wrote and the simulated CloudWatch metrics (seed ${o.seed}).`,
  });
  clients.forEach((c) => c.destroy());
  cwHome.destroy();
  const htmlFile = path.join(outDir, 'dashboard.html');
  fs.writeFileSync(htmlFile, page.html);

  const messages = account.sns.messages();
  messages.forEach((m, i) => {
    const file = path.join(outDir, 'emails', `${String(i + 1).padStart(3, '0')}-${(m.subject ?? 'message').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}.txt`);
    fs.writeFileSync(file, `Date: ${new Date(m.time).toISOString()} (simulated)\nTopic: ${m.topicArn}\nFrom: ${m.caller}\nSubject: ${m.subject ?? ''}\n\n${m.message}\n`);
  });

  const apiCalls: Record<string, number> = {};
  for (const c of account.calls()) apiCalls[`${c.service}:${c.operation}`] = (apiCalls[`${c.service}:${c.operation}`] ?? 0) + 1;
  const actionOutcomes = countOutcomes(actionsStarted);
  const actions: ActionView[] = actionsStarted.map((e) => {
    const { request, resourceArn } = requestOf(e.input);
    const outcome = actionOutcome(e);
    return {
      execution: e.name,
      outcome: outcome.outcome,
      terminalState: outcome.terminalState,
      cause: outcome.cause,
      status: e.status,
      request,
      resource: resourceArn,
      states: e.states,
      error: e.error,
      failure: firstTaskError(e),
      startedAt: new Date(e.startMs).toISOString(),
      endedAt: e.stopMs ? new Date(e.stopMs).toISOString() : undefined,
    };
  });
  await session.close();
  await new Promise<void>((r) => log.end(() => r()));
  const arnOf = (name: string) => fleetResources.find((r) => r.name === name)?.arn ?? name;
  const doneAt = actions.filter((a) => a.outcome === 'done' && a.endedAt).map((a) => ({ resourceArn: a.resource ?? '', at: a.endedAt! }));
  const disagreements = view
    ? [
        ...actionDisagreements(actions, view.tables.find((t) => t.title.startsWith('Actions'))),
        ...findingDisagreements(summaryFindings.map((f) => ({ resourceArn: arnOf(f.name), name: f.name })), doneAt, view.tables.find((t) => t.title.startsWith('Open findings ('))),
      ]
    : ['no index dashboard was written'];

  const summaryFile = path.join(outDir, 'summary.json');
  const summary: DemoSummary = {
    options: o,
    wallTimeSeconds: Number(((Date.now() - wallStart) / 1000).toFixed(1)),
    simulated: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), monitorRuns, failedMonitorRuns: failedRuns },
    fleet: fleetAfter,
    findings: summaryFindings,
    alarmsCreated,
    dataFeed: { datasetGroupArn: fleet.dataFeedGroupArn, reports: dataFeed, emails: dataFeedEmails, events: dataFeedEvents, note: dataFeedNote },
    actions,
    actionOutcomes,
    approvals,
    emails: messages.length,
    bill: {
      withMonitorUsd: withBill.total,
      withoutMonitorUsd: withoutBill.total,
      savedInWindowUsd: Number((withoutBill.total - withBill.total).toFixed(2)),
      estimatedMonthlySavingUsd: Number(monthly.toFixed(2)),
      basis: `last ${((end - lastFrom) / HOUR_MS).toFixed(0)} simulated hours, same fleet and seed without the monitor`,
    },
    dashboards: dashboards.map((d) => d.name),
    ...(view ? { dashboard: { ...view, disagreements } } : {}),
    apiCalls,
    artifacts: { emails: path.join(outDir, 'emails'), dashboardHtml: htmlFile, dashboardJson: outDir, lambdaLogs: logFile, summary: summaryFile },
  };
  fs.writeFileSync(summaryFile, JSON.stringify(summary, null, 2));

  p();
  printDashboardView(p, view, disagreements);
  p();
  p('7. Artifacts:');
  p(`   ${path.relative(process.cwd(), path.join(outDir, 'emails'))}/   ${messages.length} emails (every SNS message, as sent)`);
  for (const d of dashboards) p(`   ${path.relative(process.cwd(), path.join(outDir, `dashboard-${d.name}.json`))}   dashboard body`);
  p(`   ${path.relative(process.cwd(), htmlFile)}   ${page.charts} charts, ${page.seriesWithData}/${page.series} series with data (inline SVG)`);
  p(`   ${path.relative(process.cwd(), summaryFile)}   run summary (JSON)`);
  p(`   ${path.relative(process.cwd(), logFile)}   Lambda logs`);
  p();
  p(`Done in ${summary.wallTimeSeconds} s: ${monitorRuns} MONITOR runs (${failedRuns} failed), ${summaryFindings.length} distinct findings, ${dataFeed.length} data-feed report(s), ${actions.length} ACTION executions${actions.length ? ` (${formatCounts(summary.actionOutcomes)})` : ''}, ${approvals.length} approval request(s).`);
  return summary;
}

/** Section 6: the dashboard's live tables as they read at the end, and whether they agree with the run. */
function printDashboardView(p: (line?: string) => void, view: DashboardView | undefined, disagreements: string[]): void {
  if (!view) {
    p('6. The dashboard: no index dashboard was written.');
    return;
  }
  p(`6. The dashboard, as it reads at the end (live Logs Insights tables over the functions' logs, ${view.range.start} – ${view.range.end}):`);
  const table = (prefix: string) => view.tables.find((t) => t.title.startsWith(prefix));
  const total = table('Open findings: count')?.rows[0];
  p(`   open findings: ${total ? `${total.openFindings} (estimated waste ${usd(Number(total.wasteUsdPerMonth ?? 0))}/month)` : 'none'}`);
  for (const r of table('Open findings (')?.rows ?? []) p(`     ${r.resource} (${r.region}): ${r.finding}, minimum ${r.minimum}, ${usd(Number(r.wasteUsdPerMonth))}/month → ${r.nextStep}`);
  const actions = table('Actions')?.rows ?? [];
  const byOutcome: Record<string, number> = {};
  for (const r of actions) byOutcome[String(r.outcome)] = (byOutcome[String(r.outcome)] ?? 0) + 1;
  p(`   action outcomes: ${actions.length}${actions.length ? ` (${Object.entries(byOutcome).map(([k, v]) => `${v} ${k}`).join(', ')})` : ''}`);
  const runs = table('Monitor runs by outcome')?.rows ?? [];
  p(`   monitor runs that reached their summary: ${runs.map((r) => `${r.runs} ${r.outcome} (last ${r.lastRun})`).join(', ') || 'none'}`);
  const failed = table('Failed regions')?.rows ?? [];
  if (failed.length) p(`   failed regions: ${failed.map((r) => `${r.region} ×${r.failedRuns} (${r.lastCause})`).join('; ')}`);
  p(`   runs in the range (AWS/States): ${Object.entries(view.runCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  p(`   the monitor's own alarms: ${view.alarms.map((a) => `${a.name.replace(/^.*Monitor-/, '')} ${a.state}`).join(', ')}`);
  p(disagreements.length === 0 ? '   the dashboard agrees with the run above: every ACTION outcome is on it, nothing else; every open finding was found by the run and none whose action took effect.' : `   the dashboard DISAGREES with the run: ${disagreements.join('; ')}`);
}
