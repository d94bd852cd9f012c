/**
 * The records the dashboard's live tables read, and the tables' queries over them: the records
 * are written by the product's own Logger (as Lambda would ship them) and the queries are run by
 * the local Logs Insights evaluator.
 */
import { actionRecord, approvedRecord, canaryRecord, decidedBy, decisionRecord, leftFleetRecord, runRecords } from '../core/records';
import { actionsQuery, canaryQuery, failedRegionsQuery, openFindingsQuery, openFindingsTotalQuery, runsQuery } from '../core/dashboard/queries';
import type { ActionRequest } from '../core/contracts/action';
import type { MonitorRecord } from '../core/contracts/records';
import { Logger } from '../tasks/shared/logger';
import { runLogsInsightsQuery, type LogEventInput } from '../sim/logs-insights';
import { fleetOf, findingFor } from './dashboard-fixtures';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
const [a, b, c] = fleetOf(3).map((r, i) => ({ ...r, minCapacity: 10 + i }));

function request(over: Partial<ActionRequest> = {}): ActionRequest {
  return {
    action: 'delete',
    resourceArn: a.arn,
    resourceType: 'campaign',
    region: a.region,
    name: a.name,
    reason: 'idle',
    source: 'monitor',
    origin: 'monitor',
    mode: 'approval',
    requestedAt: '2026-03-01T00:00:00Z',
    ...over,
  };
}

/** Log events as CloudWatch Logs would hold them: one line per record, written by our Logger. */
class Logs {
  readonly events: LogEventInput[] = [];
  write(logGroup: string, at: number, record: MonitorRecord): void {
    new Logger('test', {}, 'INFO', (line) => this.events.push({ logGroup, timestamp: at, message: line })).record(record);
  }
  run(query: string) {
    return runLogsInsightsQuery(query, this.events, { startMs: T0 - 7 * 24 * HOUR, endMs: T0 + 24 * HOUR });
  }
}

describe('records', () => {
  it('decision: one finding, both, none; the minimum and the next step say what happens', () => {
    const idle = decisionRecord(a, [findingFor(a, 146.004)], T0);
    expect(idle).toMatchObject({ record: 'decision', resourceArn: a.arn, name: a.name, finding: 'idle', monthlyWasteUsd: 146, nextStep: findingFor(a, 1).action, minimum: String(a.minCapacity), at: '2026-03-01T00:00:00Z' });
    const both = decisionRecord(a, [findingFor(a, 146), { ...findingFor(a, 40, 'overProvisioned'), actionEnabled: false }], T0);
    expect(both).toMatchObject({ finding: 'idle+overProvisioned', monthlyWasteUsd: 146, nextStep: `${findingFor(a, 1).action} + report only`, minimum: `${a.minCapacity} → 1` });
    const dry = decisionRecord(a, [{ ...findingFor(a, 10, 'overProvisioned'), dryRun: true }], T0);
    expect(dry).toMatchObject({ finding: 'overProvisioned', nextStep: 'setMinCapacity (dry run)' });
    expect(decisionRecord(a, [], T0)).toMatchObject({ finding: 'none', monthlyWasteUsd: 0, utilizationPercent: 0, nextStep: 'none', reason: 'in use as provisioned' });
    expect(leftFleetRecord(a, T0)).toMatchObject({ finding: 'none', reason: expect.stringContaining('no longer monitored') });
  });

  it('who decided an outcome', () => {
    expect(decidedBy('done', request(), { approved: true, decidedAt: 'x' })).toBe('a person, by the approval link');
    expect(decidedBy('rejected', request())).toBe('a person, by the approval link');
    expect(decidedBy('expired', request())).toBe('nobody (the approval expired)');
    expect(decidedBy('done', request({ mode: 'auto' }), { approved: false })).toBe('the monitor (auto mode)');
    expect(decidedBy('failed', request({ mode: 'auto', source: 'event', origin: 'requestsBus' }))).toBe('a request event (requests bus)');
    expect(decidedBy('skipped', request({ mode: 'auto', source: 'manual', origin: 'manual' }))).toBe('a manual execution');
    expect(decidedBy('report', request({ mode: 'report' }))).toBe('report mode');
  });

  it('run records: one per run, one per failed region with its cause', () => {
    const [run, failed, ...rest] = runRecords({ at: T0, dryRun: false, resources: 9, findings: 2, problems: 1 }, [{ region: 'us-east-1', ok: true }, { region: 'eu-west-1', ok: false, cause: 'AccessDenied' }]);
    expect(run).toEqual({ record: 'run', outcome: 'regionFailed', regions: 2, failedRegions: 1, resources: 9, findings: 2, problems: 1, dryRun: false, at: '2026-03-01T00:00:00Z' });
    expect(failed).toEqual({ record: 'regionFailed', region: 'eu-west-1', cause: 'AccessDenied', at: '2026-03-01T00:00:00Z' });
    expect(rest).toEqual([]);
    expect(runRecords({ at: T0, dryRun: false, resources: 1, findings: 0, problems: 0 }, [{ region: 'us-east-1', ok: true }])[0].outcome).toBe('ok');
  });

  it('an approval stored without its action gives no record (approvals of older versions)', () => {
    expect(approvedRecord({ title: 't', resourceArn: a.arn, region: a.region, facts: [] }, 'arn:exec', 'T')).toBeUndefined();
    expect(approvedRecord({ title: 't', resourceArn: a.arn, region: a.region, facts: [], action: 'delete', name: a.name }, 'arn:exec', 'T')).toMatchObject({ outcome: 'approved', resource: a.name });
  });
});

describe('the live tables over the records', () => {
  const COLLECT = '/aws/lambda/pm-collect';

  it('open findings: the latest decision per resource; a later "none" (in use again, or gone) closes it; the total adds the open ones', () => {
    const logs = new Logs();
    logs.write(COLLECT, T0, decisionRecord(a, [findingFor(a, 146)], T0));
    logs.write(COLLECT, T0, decisionRecord(b, [findingFor(b, 40, 'overProvisioned')], T0));
    logs.write(COLLECT, T0, decisionRecord(c, [findingFor(c, 73)], T0));
    // An hour later: a is used again, c left the fleet, b is still over-provisioned.
    logs.write(COLLECT, T0 + HOUR, decisionRecord(a, [], T0 + HOUR));
    logs.write(COLLECT, T0 + HOUR, leftFleetRecord(c, T0 + HOUR));
    logs.write(COLLECT, T0 + HOUR, decisionRecord(b, [findingFor(b, 40, 'overProvisioned')], T0 + HOUR));
    // Another task's record in the same group is not a decision.
    logs.write(COLLECT, T0 + HOUR, runRecords({ at: T0, dryRun: false, resources: 3, findings: 1, problems: 0 }, [])[0]);

    const open = logs.run(openFindingsQuery('pm'));
    expect(open.rows).toEqual([
      expect.objectContaining({ resourceArn: b.arn, finding: 'overProvisioned', resource: b.name, minimum: `${b.minCapacity} → 1`, wasteUsdPerMonth: 40, decidedAt: '2026-03-01T01:00:00Z' }),
    ]);
    expect(logs.run(openFindingsTotalQuery('pm')).rows).toEqual([{ openFindings: 1, wasteUsdPerMonth: 40 }]);
  });

  it('actions: every outcome newest first, who decided, a retried notify step counted once', () => {
    const logs = new Logs();
    const exec = 'arn:aws:states:us-east-1:123456789012:execution:pm-action:x';
    logs.write('/aws/lambda/pm-approval', T0 + HOUR, approvedRecord({ title: 'Delete campaign', resourceArn: a.arn, region: a.region, facts: [], action: 'delete', name: a.name }, exec, '2026-03-01T01:00:00Z')!);
    const done = actionRecord('done', request(), exec, T0 + 2 * HOUR, 'deleted', { approved: true, decidedAt: 'x' });
    logs.write('/aws/lambda/pm-action-notify', T0 + 2 * HOUR, done);
    logs.write('/aws/lambda/pm-action-notify', T0 + 2 * HOUR + 5, done);
    logs.write('/aws/lambda/pm-action-notify', T0 + 3 * HOUR, actionRecord('expired', request({ resourceArn: b.arn, name: b.name, action: 'setMinCapacity', newMin: 1 }), `${exec}2`, T0 + 3 * HOUR, 'minimum → 1'));

    const rows = logs.run(actionsQuery('pm')).rows;
    expect(rows.map((r) => [r.resource, r.outcome, r.decidedBy])).toEqual([
      [b.name, 'expired', 'nobody (the approval expired)'],
      [a.name, 'done', 'a person, by the approval link'],
      [a.name, 'approved', 'a person, by the approval link'],
    ]);
    expect(rows[0]).toMatchObject({ action: 'setMinCapacity', detail: 'minimum → 1', at: '2026-03-01T03:00:00Z' });
  });

  it('monitor health: runs by outcome with the last of each, failed regions with the last cause', () => {
    const logs = new Logs();
    const SUMMARY = '/aws/lambda/pm-summarize-run';
    for (const [i, failed] of [[0, false], [1, true], [2, false], [3, true]] as const) {
      const regions = [{ region: 'us-east-1', ok: true }, { region: 'eu-west-1', ok: !failed, cause: `AccessDenied #${i}` }];
      for (const r of runRecords({ at: T0 + i * HOUR, dryRun: false, resources: 2, findings: 0, problems: 0 }, regions)) logs.write(SUMMARY, T0 + i * HOUR, r);
    }
    expect(logs.run(runsQuery('pm')).rows).toEqual([
      { outcome: 'regionFailed', runs: 2, lastRun: '2026-03-01T03:00:00Z' },
      { outcome: 'ok', runs: 2, lastRun: '2026-03-01T02:00:00Z' },
    ]);
    expect(logs.run(failedRegionsQuery('pm')).rows).toEqual([{ region: 'eu-west-1', failedRuns: 2, lastCause: 'AccessDenied #3', lastFailed: '2026-03-01T03:00:00Z' }]);
  });

  it('endpoint health: per resource the checks, the share that succeeded, the average latency and the last outcome, least available first', () => {
    const logs = new Logs();
    const CANARY = '/aws/lambda/pm-canary';
    const outcomes = [
      [a, 'success', 40],
      [a, 'success', 60],
      [b, 'success', 30],
      [b, 'serverError', 1000],
      [c, 'misconfigured', 0],
    ] as const;
    outcomes.forEach(([r, outcome, ms], i) => logs.write(CANARY, T0 + i * 60_000, canaryRecord(r, outcome, ms, outcome === 'misconfigured' ? 'set canaryItemId' : 'GetRecommendations', T0 + i * 60_000)));
    expect(canaryRecord(a, 'timeout', 5000.4, 'x', T0)).toMatchObject({ record: 'canary', outcome: 'timeout', succeeded: 0, latencyMs: 5000 });
    expect(logs.run(canaryQuery('pm')).rows).toEqual([
      expect.objectContaining({ resource: c.name, checks: 1, successShare: 0, lastOutcome: 'misconfigured', lastDetail: 'set canaryItemId' }),
      expect.objectContaining({ resource: b.name, checks: 2, successShare: 0.5, avgLatencyMs: 515, lastOutcome: 'serverError' }),
      expect.objectContaining({ resource: a.name, checks: 2, successShare: 1, avgLatencyMs: 50, lastOutcome: 'success', region: a.region }),
    ]);
  });
});
