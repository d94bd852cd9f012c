/** The demo's command line: options parsed strictly; a bad option prints the usage and exits with 2. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, parseOptions, UsageError } from '../demo/options';
import { actionOutcome, countOutcomes, formatCounts, type EndedExecution } from '../demo/outcome';
import { compactPath, requestOf } from '../demo/run';
import { actionDisagreements, findingDisagreements, type DashboardView } from '../demo/dashboard-view';
import { checkOfSubject, dataFeedReports, type DataFeedReport } from '../demo/data-feed';
import type { PublishedMessage, RecordedEvent } from '../sim';

const ROOT = path.resolve(__dirname, '..');

describe('demo options', () => {
  it('defaults: 2 days, approve, demo-out/', () => {
    expect(parseOptions([])).toEqual(DEFAULT_OPTIONS);
  });

  it('reads every option, in both --x v and --x=v forms', () => {
    const o = parseOptions(['--days', '3', '--resources=20', '--regions', 'eu-west-1,us-west-2', '--seed', '9', '--reject', '--out', '/tmp/x']);
    expect(o).toMatchObject({ days: 3, resources: 20, regions: ['eu-west-1', 'us-west-2'], seed: 9, approval: 'reject', outDir: '/tmp/x' });
  });

  it.each([
    [['--days', '0'], /--days: expected a whole number from 1/],
    [['--days'], /--days needs a value/],
    [['--regions', 'mars-1'], /--regions: expected AWS regions/],
    [['--approve', '--ignore'], /choose one of/],
    [['--interactive', '--reject'], /--interactive lets you decide/],
    [['--bogus'], /unknown option "--bogus"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv as string[])).toThrow(UsageError);
    expect(() => parseOptions(argv as string[])).toThrow(message);
  });

  it('reads what an ACTION was asked from its input, however the request came', () => {
    const event = { 'detail-type': 'DeletePersonalizeCampaign', detail: { ARN: 'arn:aws:personalize:us-east-1:123456789012:campaign/old' } };
    const expected = { request: 'DeletePersonalizeCampaign', resourceArn: event.detail.ARN };
    expect(requestOf(event)).toEqual(expected);
    expect(requestOf({ finding: event })).toEqual(expected);
    expect(requestOf({ event: { ...event, source: 'personalize.monitor' }, via: 'requests-bus' })).toEqual(expected);
    expect(requestOf({ action: 'stop', resourceArn: 'arn:aws:personalize:us-east-1:123456789012:recommender/r', source: 'manual' })).toEqual({ request: 'stop (direct request)', resourceArn: 'arn:aws:personalize:us-east-1:123456789012:recommender/r' });
  });

  it('folds repeated poll rounds in an ACTION path', () => {
    expect(compactPath(['ValidateAction', 'ChooseApprovalMode', 'Act', 'Wait', 'Check', 'Wait', 'Check', 'Wait', 'Check', 'Done'])).toBe('ValidateAction → Act → Wait → Check ×3 → Done');
  });
});

describe('ACTION outcome (from the terminal state, not the execution status)', () => {
  const ended = (status: EndedExecution['status'], ...states: string[]): EndedExecution => ({ status, states: ['ValidateAction', 'ChooseApprovalMode', ...states] });
  const failedAfter = (error: string, cause: string): EndedExecution => ({
    status: 'FAILED',
    states: ['ValidateAction', 'ChooseApprovalMode', 'RecheckResource', 'RecheckOutcome', 'Act', 'NotifyFailed', 'ActionFailed'],
    error: 'ActionFailed',
    cause: 'The action did not complete; the failure email and the execution history say why.',
    tasks: [
      { state: 'Act', input: { Payload: {} } },
      // What the Catch put in $.error, as the NotifyFailed task was given it.
      { state: 'NotifyFailed', input: { FunctionName: 'notify', Payload: { outcome: 'failed', detail: { Error: error, Cause: cause } } } },
    ],
  });

  it.each([
    ['done', ended('SUCCEEDED', 'RequestApproval', 'RecheckResource', 'Act', 'WaitUntilSettled', 'CheckSettled', 'Settled', 'Finish', 'Done')],
    ['skipped', ended('SUCCEEDED', 'RecheckResource', 'RecheckOutcome', 'NotifySkipped', 'Skipped')],
    ['rejected', ended('SUCCEEDED', 'RequestApproval', 'NotifyRejected', 'Rejected')],
    ['expired', ended('SUCCEEDED', 'RequestApproval', 'NotifyExpired', 'ApprovalExpired')],
    ['reported only', ended('SUCCEEDED', 'NotifyReportOnly', 'ReportedOnly')],
  ])('%s', (word, execution) => {
    expect(actionOutcome(execution)).toEqual({ outcome: word, terminalState: execution.states[execution.states.length - 1] });
  });

  it('while it runs: awaiting approval (in RequestApproval) or running; and as it stood before a given instant', () => {
    const asking: EndedExecution = { status: 'RUNNING', states: ['ValidateAction', 'RequestApproval'], tasks: [{ state: 'RequestApproval', simStart: 1000 }] };
    expect(actionOutcome(asking)).toEqual({ outcome: 'awaiting approval' });
    expect(actionOutcome({ status: 'RUNNING', states: ['Act', 'WaitUntilSettled'], tasks: [{ state: 'Act', simStart: 0, simEnd: 0 }] })).toEqual({ outcome: 'running' });
    // Expired at 2000: just before 2000 it was still awaiting approval; from 2001 on it is expired.
    const expired: EndedExecution = { status: 'SUCCEEDED', states: ['ValidateAction', 'RequestApproval', 'NotifyExpired', 'ApprovalExpired'], stopMs: 2000, tasks: [{ state: 'RequestApproval', simStart: 1000, simEnd: 2000 }] };
    expect(actionOutcome(expired, 2000).outcome).toBe('awaiting approval');
    expect(actionOutcome(expired, 2001).outcome).toBe('expired');
    expect(actionOutcome(expired).outcome).toBe('expired');
  });

  it("failed, with the error the machine caught (the Lambda error's message), not the Fail state's fixed cause", () => {
    const o = actionOutcome(failedAfter('ResourceInUseException', JSON.stringify({ errorType: 'ResourceInUseException', errorMessage: 'campaign is updating', trace: [] })));
    expect(o).toEqual({ outcome: 'failed', terminalState: 'ActionFailed', cause: 'ResourceInUseException: campaign is updating' });
    expect(actionOutcome(failedAfter('SettleTimeout', 'The resource did not settle after 90 checks 60 s apart')).cause).toBe('SettleTimeout: The resource did not settle after 90 checks 60 s apart');
  });

  it('any other end is shown by its terminal state, never guessed', () => {
    const invalid: EndedExecution = { status: 'FAILED', states: ['ValidateAction'], error: 'InvalidActionInput', cause: JSON.stringify({ errorType: 'InvalidActionInput', errorMessage: 'unknown action "explode"' }) };
    expect(actionOutcome(invalid)).toEqual({ outcome: 'ended in ValidateAction', terminalState: 'ValidateAction', cause: 'InvalidActionInput: unknown action "explode"' });
    expect(actionOutcome(ended('SUCCEEDED', 'SomethingNew')).outcome).toBe('ended in SomethingNew');
    // A terminal state with the wrong status is not taken at its word.
    expect(actionOutcome({ status: 'FAILED', states: ['Done'] }).outcome).toBe('ended in Done');
    expect(actionOutcome({ status: 'TIMED_OUT', states: ['WaitUntilSettled'], error: 'States.Timeout' })).toEqual({ outcome: 'timed out', terminalState: 'WaitUntilSettled', cause: 'States.Timeout' });
    expect(actionOutcome({ status: 'ABORTED', states: ['RequestApproval'] }).outcome).toBe('aborted');
  });

  it('counts outcomes with the same words', () => {
    const counts = countOutcomes([ended('SUCCEEDED', 'Done'), ended('SUCCEEDED', 'Rejected'), ended('SUCCEEDED', 'Done'), ended('SUCCEEDED', 'ApprovalExpired')]);
    expect(counts).toEqual({ done: 2, rejected: 1, expired: 1 });
    expect(formatCounts(counts)).toBe('2 done, 1 rejected, 1 expired');
  });
});

describe("the demo's check of the dashboard against its own account", () => {
  const table = (rows: Record<string, string | number>[]) => ({ title: 't', fields: [], rows, bytesScanned: 0 });
  const exec = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:pm-action:${name}`;

  it('actions: an ended execution missing from the table, or a row of an execution that never ran, is named', () => {
    const seen = [{ execution: 'a', outcome: 'done' }, { execution: 'b', outcome: 'reported only' }, { execution: 'c', outcome: 'awaiting approval' }];
    expect(actionDisagreements(seen, table([{ executionArn: exec('a'), outcome: 'approved' }, { executionArn: exec('a'), outcome: 'done' }, { executionArn: exec('b'), outcome: 'report' }]))).toEqual([]);
    expect(actionDisagreements(seen, table([{ executionArn: exec('a'), outcome: 'done' }, { executionArn: exec('z'), outcome: 'done' }]))).toEqual([
      'b: reported only is not on the dashboard',
      'z: done on the dashboard, but no such execution ran',
    ]);
  });

  it('findings: an open row the run never found, or one still open after its action took effect, is named', () => {
    const findings = [{ resourceArn: 'arn:r1', name: 'r1' }];
    const open = table([{ resourceArn: 'arn:r1', resource: 'r1', decidedAt: '2026-03-01T10:00:00Z' }, { resourceArn: 'arn:r2', resource: 'r2', decidedAt: '2026-03-01T10:00:00Z' }]);
    expect(findingDisagreements(findings, [{ resourceArn: 'arn:r1', at: '2026-03-01T11:00:00.000Z' }], open)).toEqual([
      'r1: still open on the dashboard after its action took effect',
      'r2: open on the dashboard, but the run never found it',
    ]);
    expect(findingDisagreements(findings, [{ resourceArn: 'arn:r1', at: '2026-03-01T09:00:00.000Z' }], table([open.rows[0]]))).toEqual([]);
  });
});

describe("the demo's data-feed reports (read back from the simulated account)", () => {
  const dg = 'arn:aws:personalize:us-east-1:123456789012:dataset-group/clickstream';
  const dataset = 'arn:aws:personalize:us-east-1:123456789012:dataset/clickstream/INTERACTIONS';
  const mail = (subject: string, arn: string, time = 1000): PublishedMessage => ({
    time,
    region: 'us-east-1',
    topicArn: 'arn:aws:sns:us-east-1:123456789012:personalize-monitor-notifications',
    messageId: `m-${time}`,
    subject,
    message: `Import failed, dataset in us-east-1: ${arn}\nDataset group: clickstream (${dg})\nThe last import failed.`,
    messageAttributes: {},
    caller: 'data-feed',
  });
  const event = (detailType: string, detail: Record<string, unknown>, time = 1000): RecordedEvent => ({
    id: `e-${time}`,
    time,
    region: 'us-east-1',
    eventBusName: 'default',
    source: 'personalize.monitor',
    detailType,
    detail: JSON.stringify(detail),
    resources: [],
    caller: 'data-feed',
  });

  it('knows the data-feed subjects (open and recovered), nothing else', () => {
    expect(checkOfSubject('[Personalize Monitor] Import failed: clickstream-interactions (clickstream) in us-east-1')).toEqual({ check: 'importFailed', status: 'open' });
    expect(checkOfSubject('[Personalize Monitor] Recovered: campaign serves an old model: c (clickstream) in us-...')).toEqual({ check: 'campaignOnOldModel', status: 'recovered' });
    expect(checkOfSubject('Personalize Monitor - Approval needed: Delete campaign idle-campaign-000 (us-east-1)')).toBeUndefined();
    expect(checkOfSubject(undefined)).toBeUndefined();
  });

  it('pairs each event with its email; an email without an event still counts; other events do not', () => {
    const detail = { Check: 'importFailed', Status: 'open', ARN: dataset, ResourceType: 'dataset', DatasetGroupArn: dg, Region: 'us-east-1', Reason: 'The last import failed.' };
    const reports = dataFeedReports(
      [mail('[Personalize Monitor] Import failed: clickstream-interactions (clickstream) in us-east-1', dataset), mail('[Personalize Monitor] Recovered: import failed: x (clickstream) in us-east-1', dataset, 2000), mail('Personalize Monitor - Approval needed: x', dataset)],
      [event('PersonalizeImportFailed', detail), event('DeletePersonalizeCampaign', { ARN: 'x' })],
    );
    expect(reports.map((r: DataFeedReport) => [r.check, r.status, r.resource, r.datasetGroup, r.email, r.event])).toEqual([
      ['importFailed', 'open', 'dataset/clickstream/INTERACTIONS', 'clickstream', true, true],
      ['importFailed', 'recovered', 'dataset/clickstream/INTERACTIONS', 'clickstream', true, false],
    ]);
  });
});

describe('npm run demo (the CLI)', () => {
  it('prints the usage and exits with 2 on a bad option, before doing any work', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'demo', 'cli.ts'), '--days', 'many'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--days: expected a whole number');
    expect(r.stderr).toContain('Usage: npm run demo -- [options]');
  });

  it('--help prints the usage and exits with 0', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'demo', 'cli.ts'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--interactive');
  });
});

describe('npm run demo (a whole run)', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  /** One output folder for every run here, so the stack is synthesized once. */
  const OUT = path.join(ROOT, '.gen', 'demo-cli-test-out');
  const demo = (args: string[]) => {
    const r = spawnSync(tsx, [path.join(ROOT, 'demo', 'cli.ts'), '--out', OUT, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'INFO' } });
    if (r.status !== 0) throw new Error(`demo ${args.join(' ')} exited with ${r.status}:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    const summary = JSON.parse(fs.readFileSync(path.join(OUT, 'summary.json'), 'utf8'));
    return { stdout: r.stdout, summary };
  };

  it('2 simulated days start exactly the 576 due MONITOR runs, one per 5-minute instant', () => {
    const { stdout, summary } = demo([]);
    expect(summary.simulated.monitorRuns).toBe(576);
    expect(stdout).toContain(': 576 MONITOR runs (0 failed)');
    // Every hourly line counts the 12 runs of its hour.
    const hours = stdout.split('\n').filter((l) => /^\[day \d \d\d:00\] \d+ runs/.test(l));
    expect(hours).toHaveLength(48);
    expect(hours.every((l) => / 12 runs /.test(l))).toBe(true);
    expect(stdout).not.toMatch(/ACTION (succeeded|failed):/);

    // The dashboard, read as a person reads it (its live tables' queries over the captured logs,
    // its alarm and run-count widgets), says what the run did.
    const view = summary.dashboard as DashboardView & { disagreements: string[] };
    const endMs = Date.parse(summary.simulated.end);
    expect(view.range).toEqual({ start: new Date(endMs - 7 * 86_400_000).toISOString(), end: summary.simulated.end });
    const table = (prefix: string) => view.tables.find((t) => t.title.startsWith(prefix))!;
    // Every ACTION execution's outcome is in the actions table, approved by the link, and nothing else.
    expect(view.disagreements).toEqual([]);
    const actions = table('Actions').rows;
    expect(summary.actions.length).toBeGreaterThan(0);
    const ended = summary.actions.filter((a: { outcome: string }) => a.outcome === 'done');
    expect(actions.filter((r) => r.outcome === 'done')).toHaveLength(ended.length);
    expect(actions.filter((r) => r.outcome === 'approved')).toHaveLength(summary.approvals.length);
    for (const r of actions) expect(r.decidedBy).toBe('a person, by the approval link');
    // Every finding of the run is on the dashboard: still open, or closed by its action (done).
    const open = table('Open findings (').rows;
    const doneResources = new Set(summary.actions.filter((a: { outcome: string }) => a.outcome === 'done').map((a: { resource: string }) => a.resource));
    for (const f of summary.findings as { name: string }[]) {
      const arn = summary.fleet.find((r: { name: string }) => r.name === f.name).arn;
      expect([f.name, open.some((r) => r.resourceArn === arn) || doneResources.has(arn)]).toEqual([f.name, true]);
    }
    const total = table('Open findings: count').rows;
    expect(total.length === 0 ? 0 : total[0].openFindings).toBe(open.length);
    // Monitor health: every run reached its summary and succeeded, as the runner saw them.
    expect(table('Monitor runs by outcome').rows).toEqual([{ outcome: 'ok', runs: 576, lastRun: new Date(endMs - 300_000).toISOString().replace('.000Z', 'Z') }]);
    expect(table('Failed regions').rows).toEqual([]);
    expect(view.runCounts).toEqual({ Started: 576, Succeeded: 576, Failed: 0, 'Timed out': 0 });
    expect(view.alarms.map((a) => a.state)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK']);
    expect(stdout).toContain('the dashboard agrees with the run above');

    // The broken data feed of the fleet's `clickstream` group: each condition reported once, by
    // email to the notification topic and by event on the default bus, none recovered (nothing fixes it).
    expect(stdout).toContain('3b. Data-feed findings the simulated account received');
    expect(stdout).toContain("reported once per occurrence; a recovered condition sends a 'Recovered: …' note.");
    const reports = summary.dataFeed.reports as DataFeedReport[];
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.map((r) => `${r.check}|${r.resource}`).sort()).toEqual([
      'campaignOnOldModel|campaign/clickstream-recs-campaign',
      'importFailed|dataset/clickstream/INTERACTIONS',
      'ingestionStopped|' + reports.find((r) => r.check === 'ingestionStopped')?.resource,
      'trainingFailed|solution/clickstream-recs',
    ]);
    expect(reports.find((r) => r.check === 'ingestionStopped')?.resource).toMatch(/^event-tracker\//);
    for (const r of reports) expect([r.check, r.status, r.email, r.event, r.datasetGroupArn]).toEqual([r.check, 'open', true, true, summary.dataFeed.datasetGroupArn]);
    expect(reports.find((r) => r.check === 'importFailed')?.reason).toContain('Input CSV is missing the required column TIMESTAMP');
    expect([summary.dataFeed.emails, summary.dataFeed.events]).toEqual([reports.length, reports.length]);
    for (const r of reports) expect(stdout).toContain(`${r.title}: ${r.reason}`);
    // Its campaign is busy and sized to its traffic: no idle or capacity finding, unchanged at the end.
    expect(summary.findings.filter((f: { name: string }) => f.name === 'clickstream-recs-campaign')).toEqual([]);
    expect(summary.fleet.find((r: { name: string }) => r.name === 'clickstream-recs-campaign')).toMatchObject({ profile: 'data-feed', after: 'ACTIVE, min 2' });
  }, 240_000);

  it('--reject: every ACTION is shown as rejected (from its terminal state), never as succeeded', () => {
    const { stdout, summary } = demo(['--days', '1', '--reject']);
    const ended = stdout.split('\n').filter((l) => /\] ACTION (?!started)/.test(l));
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((l) => /\] ACTION rejected: /.test(l))).toBe(true);
    expect(stdout).not.toContain('ACTION succeeded');
    expect(summary.actions.length).toBeGreaterThan(0);
    expect(summary.actions.every((a: { outcome: string }) => a.outcome === 'rejected')).toBe(true);
    // Rejected: the findings stay open on the dashboard, each with its waste, and the table says who rejected.
    const view = summary.dashboard as DashboardView & { disagreements: string[] };
    expect(view.disagreements).toEqual([]);
    const open = view.tables.find((t) => t.title.startsWith('Open findings ('))!.rows;
    expect(open.length).toBe(summary.actions.length);
    for (const r of open) expect(Number(r.wasteUsdPerMonth)).toBeGreaterThan(0);
    const rows = view.tables.find((t) => t.title.startsWith('Actions'))!.rows;
    expect(rows.map((r) => [r.outcome, r.decidedBy])).toEqual(summary.actions.map(() => ['rejected', 'a person, by the approval link']));
  }, 240_000);
});
