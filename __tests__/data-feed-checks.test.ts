/**
 * The data-feed checks (core/data-feed.ts) on facts built by hand: what each check finds, where
 * its limit lies, what it leaves unevaluated (incomplete facts, exemptions), how open findings
 * are planned (opened / still open / recovered / kept / silenced / gone), and the notification,
 * event, record and ingestion alarm made from them. Times are typed out as ISO literals.
 */
import type {
  CampaignFacts,
  DatasetFacts,
  DatasetGroupFacts,
  DataFeedCheck,
  DataFeedFinding,
  DataFeedSettings,
  EventTrackerFacts,
  ImportJobFacts,
  OpenFindingItem,
  PutEventsHour,
  RecommenderFacts,
  SolutionFacts,
  SolutionVersionFacts,
} from '../core/contracts/data-feed';
import {
  checkDatasetGroup,
  dataFeedEventDetail,
  dataFeedNotification,
  dataFeedRecord,
  ingestionAlarmSpecs,
  MIN_CALLS_FOR_ERROR_RATE,
  maxModelAgeDaysOf,
  planOpenFindings,
  scheduleDays,
  type DataFeedCheckResult,
} from '../core/data-feed';

const REGION = 'us-east-1';
const P = `arn:aws:personalize:${REGION}:123456789012`;
const GROUP = `${P}:dataset-group/shop`;
const TRACKER = `${P}:event-tracker/0a1b2c3d`;
const DATASET = `${P}:dataset/shop/INTERACTIONS`;
const SOLUTION = `${P}:solution/shop-recs`;
const V_OLD = `${SOLUTION}/aaaa0001`;
const V_NEW = `${SOLUTION}/bbbb0002`;
const V_FAILED = `${SOLUTION}/cccc0003`;
const CAMPAIGN = `${P}:campaign/shop-campaign`;
const RECOMMENDER = `${P}:recommender/shop-top-picks`;
const PREFIX = 'personalize-monitor-alarm-';
const ALARM_TOPIC = `arn:aws:sns:${REGION}:123456789012:personalize-monitor-alarms`;
const EXEMPT = 'PersonalizeMonitorExempt';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (isoText: string): number => Date.parse(isoText);
const NOW = at('2025-06-10T12:00:00Z');
/** NOW minus the 7-day look-back. */
const LOOKBACK_START = '2025-06-03T12:00:00Z';

const SETTINGS: DataFeedSettings = {
  eventIngestionIdleHours: 6,
  putEventsErrorPercent: 5,
  maxModelAgeDays: 30,
  campaignVersionLagHours: 24,
  exemptionTagKey: EXEMPT,
};

const key = (check: DataFeedCheck, arn: string) => `open#${check}#${arn}`;

// ---------- builders ----------

/** One entry per hour in [from, to). */
function hourly(from: string, to: string, requests: number, errors = 0): PutEventsHour[] {
  const out: PutEventsHour[] = [];
  for (let t = at(from); t < at(to); t += HOUR) out.push({ t, requests, errors });
  return out;
}

function tracker(over: Partial<EventTrackerFacts> = {}): EventTrackerFacts {
  return { arn: TRACKER, name: 'shop-events', status: 'ACTIVE', createdAt: at('2025-04-01T00:00:00Z'), hours: hourly(LOOKBACK_START, '2025-06-10T12:00:00Z', 40), ...over };
}

/** An import job that ends 20 minutes after it was created. */
function job(name: string, created: string, status: string, failureReason?: string): ImportJobFacts {
  return { arn: `${P}:dataset-import-job/${name}`, name, status, createdAt: at(created), lastUpdatedAt: at(created) + 20 * MINUTE, failureReason };
}

function dataset(imports: ImportJobFacts[] = [job('nightly-0609', '2025-06-09T00:00:00Z', 'ACTIVE')], over: Partial<DatasetFacts> = {}): DatasetFacts {
  return { arn: DATASET, name: 'shop-interactions', datasetType: 'Interactions', createdAt: at('2025-04-01T00:00:00Z'), imports, ...over };
}

/** A version whose training ends an hour after it was created. */
function version(arn: string, created: string, status = 'ACTIVE', over: Partial<SolutionVersionFacts> = {}): SolutionVersionFacts {
  return { arn, status, trainingMode: 'FULL', trainingType: 'MANUAL', createdAt: at(created), lastUpdatedAt: at(created) + HOUR, ...over };
}

function solution(over: Partial<SolutionFacts> = {}): SolutionFacts {
  return { arn: SOLUTION, name: 'shop-recs', createdAt: at('2025-04-01T00:00:00Z'), tags: {}, versions: [version(V_NEW, '2025-06-08T00:00:00Z')], ...over };
}

function campaign(over: Partial<CampaignFacts> = {}): CampaignFacts {
  return { arn: CAMPAIGN, name: 'shop-campaign', solutionArn: SOLUTION, status: 'ACTIVE', solutionVersionArn: V_NEW, syncWithLatest: false, lastUpdatedAt: at('2025-06-08T02:00:00Z'), ...over };
}

function recommender(over: Partial<RecommenderFacts> = {}): RecommenderFacts {
  return { arn: RECOMMENDER, name: 'shop-top-picks', status: 'ACTIVE', createdAt: at('2025-04-01T00:00:00Z'), lastUpdatedAt: at('2025-06-01T00:00:00Z'), ...over };
}

/** A healthy dataset group: steady events, yesterday's import, a 2.5-day-old model served by its campaign. */
function group(over: Partial<DatasetGroupFacts> = {}): DatasetGroupFacts {
  return {
    arn: GROUP,
    name: 'shop',
    region: REGION,
    tags: {},
    trackers: [tracker()],
    datasets: [dataset()],
    solutions: [solution()],
    campaigns: [campaign()],
    recommenders: [],
    incomplete: [],
    ...over,
  };
}

/** Every condition at once: stopped stream, failed import, failed training, stale model, missed schedule, old model served, stale recommender. */
function broken(over: Partial<DatasetGroupFacts> = {}): DatasetGroupFacts {
  return group({
    trackers: [tracker({ hours: hourly(LOOKBACK_START, '2025-06-10T04:00:00Z', 40) })],
    datasets: [dataset([job('nightly-0605', '2025-06-05T00:00:00Z', 'ACTIVE'), job('nightly-0608', '2025-06-08T00:00:00Z', 'CREATE FAILED', 'bad schema')])],
    solutions: [
      solution({
        autoTrainingDays: 7,
        versions: [version(V_OLD, '2025-04-20T00:00:00Z'), version(V_NEW, '2025-05-01T00:00:00Z'), version(V_FAILED, '2025-06-09T00:00:00Z', 'CREATE FAILED', { failureReason: 'out of memory' })],
      }),
    ],
    campaigns: [campaign({ solutionVersionArn: V_OLD })],
    recommenders: [recommender({ lastUpdatedAt: at('2025-05-01T00:00:00Z') })],
    ...over,
  });
}

const check = (facts: DatasetGroupFacts, now = NOW, open: string[] = [], settings: DataFeedSettings = SETTINGS) => checkDatasetGroup(facts, settings, now, new Set(open));
const found = (r: DataFeedCheckResult, c: DataFeedCheck) => r.findings.filter((f) => f.check === c);
const checksOf = (r: DataFeedCheckResult) => r.findings.map((f) => `${f.check}|${f.resourceArn}`).sort();

describe('a healthy dataset group', () => {
  it('has no finding, and every check of each of its resources was evaluated', () => {
    const r = check(group());

    expect(r.findings).toEqual([]);
    expect([...r.evaluated].sort()).toEqual(
      [
        key('ingestionStopped', TRACKER),
        key('ingestionErrors', TRACKER),
        key('trackerUnused', TRACKER),
        key('importFailed', DATASET),
        key('trainingFailed', SOLUTION),
        key('modelStale', SOLUTION),
        key('campaignOnOldModel', CAMPAIGN),
      ].sort(),
    );
    expect(r.silenced.size).toBe(0);
  });
});

describe('ingestion stopped', () => {
  const stoppedAtSix = () => group({ trackers: [tracker({ hours: hourly(LOOKBACK_START, '2025-06-10T06:00:00Z', 40) })] });

  it('is found when a tracker had events in the look-back and none for eventIngestionIdleHours, with the last event and the normal rate', () => {
    const r = check(stoppedAtSix());

    expect(r.findings).toEqual([
      {
        check: 'ingestionStopped',
        resourceArn: TRACKER,
        resourceName: 'shop-events',
        resourceType: 'eventTracker',
        datasetGroupArn: GROUP,
        datasetGroupName: 'shop',
        region: REGION,
        reason: 'No events through tracker shop-events for 6 h (limit 6 h); it had about 40 calls per hour before.',
        evidence: { lastEventAt: '2025-06-10T06:00:00Z', hoursWithoutEvents: 6, normalCallsPerHour: 40, eventIngestionIdleHours: 6 },
      },
    ]);
  });

  it('averages the normal rate over the hours that had events', () => {
    const hours = [...hourly('2025-06-09T00:00:00Z', '2025-06-09T02:00:00Z', 30), ...hourly('2025-06-09T02:00:00Z', '2025-06-09T04:00:00Z', 50)];

    const [f] = found(check(group({ trackers: [tracker({ hours })] })), 'ingestionStopped');

    expect(f.evidence).toEqual({ lastEventAt: '2025-06-09T04:00:00Z', hoursWithoutEvents: 32, normalCallsPerHour: 40, eventIngestionIdleHours: 6 });
  });

  it('is not found a minute before the limit, though it was evaluated', () => {
    const r = check(stoppedAtSix(), at('2025-06-10T11:59:00Z'));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('ingestionStopped', TRACKER))).toBe(true);
  });

  it.each([
    ['a tracker that is not ACTIVE', { status: 'CREATE PENDING', hours: [] }],
    ['a tracker whose metrics could not be read (hours undefined)', { hours: undefined }],
  ])('does not evaluate %s', (_label, over: Partial<EventTrackerFacts>) => {
    const r = check(group({ trackers: [tracker(over)] }));

    expect(r.findings).toEqual([]);
    for (const c of ['ingestionStopped', 'ingestionErrors', 'trackerUnused'] as const) expect(r.evaluated.has(key(c, TRACKER))).toBe(false);
  });

  it('stays "ingestion stopped" beyond the 7-day look-back while that finding is open', () => {
    const facts = group({ trackers: [tracker({ hours: hourly('2025-05-20T00:00:00Z', '2025-06-02T00:00:00Z', 40) })] });

    const r = check(facts, NOW, [key('ingestionStopped', TRACKER)]);

    expect(checksOf(r)).toEqual([`ingestionStopped|${TRACKER}`]);
    expect(r.findings[0].evidence).toEqual({ lastEventAt: '', hoursWithoutEvents: 168, normalCallsPerHour: 0, eventIngestionIdleHours: 6 });
  });

  it('is "tracker unused" beyond the look-back when no stop was open', () => {
    const facts = group({ trackers: [tracker({ hours: hourly('2025-05-20T00:00:00Z', '2025-06-02T00:00:00Z', 40) })] });

    const r = check(facts);

    expect(checksOf(r)).toEqual([`trackerUnused|${TRACKER}`]);
    expect(r.findings[0].evidence).toEqual({ trackerCreatedAt: '2025-04-01T00:00:00Z', lookbackDays: 7 });
  });
});

describe('ingestion errors', () => {
  /** Steady calls until six hours ago, then `ok` successful and `errors` failed calls per hour in the last six hours. */
  const withRecent = (ok: number, errors: number) =>
    group({ trackers: [tracker({ hours: [...hourly(LOOKBACK_START, '2025-06-10T06:00:00Z', 100), ...hourly('2025-06-10T06:00:00Z', '2025-06-10T12:00:00Z', ok, errors)] })] });

  it('is found when the error share in the last eventIngestionIdleHours is above putEventsErrorPercent', () => {
    const r = check(withRecent(94, 6));

    expect(checksOf(r)).toEqual([`ingestionErrors|${TRACKER}`]);
    expect(r.findings[0].evidence).toEqual({ errorPercent: 6, failedCalls: 36, calls: 600, windowStart: '2025-06-10T06:00:00Z', putEventsErrorPercent: 5 });
    expect(r.findings[0].reason).toBe('6% of PutEvents calls through tracker shop-events failed in the last 6 h (limit 5%).');
  });

  it('is not found at exactly putEventsErrorPercent, nor below it', () => {
    expect(check(withRecent(95, 5)).findings).toEqual([]);
    expect(check(withRecent(99, 1)).findings).toEqual([]);
    expect(check(withRecent(95, 5)).evaluated.has(key('ingestionErrors', TRACKER))).toBe(true);
  });

  it('counts only the window: errors before it do not make a finding', () => {
    const hours = [...hourly(LOOKBACK_START, '2025-06-10T05:00:00Z', 50, 50), ...hourly('2025-06-10T06:00:00Z', '2025-06-10T12:00:00Z', 100)];

    expect(check(group({ trackers: [tracker({ hours })] })).findings).toEqual([]);
  });

  it(`needs at least MIN_CALLS_FOR_ERROR_RATE (${MIN_CALLS_FOR_ERROR_RATE}) calls in the window`, () => {
    const few = (errors: number) => group({ trackers: [tracker({ hours: [...hourly(LOOKBACK_START, '2025-06-10T06:00:00Z', 40), { t: at('2025-06-10T11:00:00Z'), requests: 10, errors }] })] });

    expect(MIN_CALLS_FOR_ERROR_RATE).toBe(20);
    expect(check(few(9)).findings).toEqual([]); // 19 calls, 47% failed
    const r = check(few(10)); // 20 calls, 50% failed
    expect(checksOf(r)).toEqual([`ingestionErrors|${TRACKER}`]);
    expect(r.findings[0].evidence).toMatchObject({ errorPercent: 50, failedCalls: 10, calls: 20 });
  });
});

describe('tracker unused', () => {
  it('is found for a tracker older than the look-back without any event in it', () => {
    const r = check(group({ trackers: [tracker({ hours: [] })] }));

    expect(r.findings).toEqual([
      expect.objectContaining({
        check: 'trackerUnused',
        resourceArn: TRACKER,
        resourceType: 'eventTracker',
        reason: 'Event tracker shop-events received no events in 7 days: the event stream probably points elsewhere.',
        evidence: { trackerCreatedAt: '2025-04-01T00:00:00Z', lookbackDays: 7 },
      }),
    ]);
  });

  it('is not found for a tracker newer than the look-back (evaluated all the same)', () => {
    const r = check(group({ trackers: [tracker({ createdAt: at('2025-06-05T00:00:00Z'), hours: [] })] }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('trackerUnused', TRACKER))).toBe(true);
  });

  it('starts at exactly seven days of age', () => {
    expect(checksOf(check(group({ trackers: [tracker({ createdAt: at('2025-06-03T12:00:00Z'), hours: [] })] })))).toEqual([`trackerUnused|${TRACKER}`]);
    expect(check(group({ trackers: [tracker({ createdAt: at('2025-06-03T12:00:00.001Z'), hours: [] })] })).findings).toEqual([]);
  });
});

describe('import failed', () => {
  const FAILED_JOB = job('nightly-0608', '2025-06-08T00:00:00Z', 'CREATE FAILED', 'Input CSV is missing the required column TIMESTAMP');
  const withImports = (imports: ImportJobFacts[]) => group({ datasets: [dataset(imports)] });

  it('is found when the latest finished job of a dataset failed in the look-back, with its failure reason', () => {
    const r = check(withImports([job('nightly-0605', '2025-06-05T00:00:00Z', 'ACTIVE'), FAILED_JOB]));

    expect(r.findings).toEqual([
      {
        check: 'importFailed',
        resourceArn: DATASET,
        resourceName: 'shop-interactions',
        resourceType: 'dataset',
        datasetGroupArn: GROUP,
        datasetGroupName: 'shop',
        region: REGION,
        reason: 'The last import into shop-interactions (Interactions), job nightly-0608, failed: Input CSV is missing the required column TIMESTAMP.',
        evidence: {
          jobArn: `${P}:dataset-import-job/nightly-0608`,
          jobName: 'nightly-0608',
          failedAt: '2025-06-08T00:20:00Z',
          failureReason: 'Input CSV is missing the required column TIMESTAMP',
        },
      },
    ]);
  });

  it('is not found when a newer job succeeded after the failure', () => {
    const r = check(withImports([FAILED_JOB, job('nightly-0609', '2025-06-09T00:00:00Z', 'ACTIVE')]));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('importFailed', DATASET))).toBe(true);
  });

  it('is still found while a newer job is only running', () => {
    const r = check(withImports([FAILED_JOB, job('nightly-0610', '2025-06-10T11:50:00Z', 'CREATE IN_PROGRESS')]));

    expect(checksOf(r)).toEqual([`importFailed|${DATASET}`]);
    expect(r.findings[0].evidence.jobName).toBe('nightly-0608');
  });

  it('ignores a failure older than the look-back unless it is open already', () => {
    const old = [job('nightly-0530', '2025-05-30T00:00:00Z', 'ACTIVE'), job('nightly-0601', '2025-06-01T00:00:00Z', 'CREATE FAILED', 'bad schema')];

    expect(check(withImports(old)).findings).toEqual([]);
    const r = check(withImports(old), NOW, [key('importFailed', DATASET)]);
    expect(checksOf(r)).toEqual([`importFailed|${DATASET}`]);
    expect(r.findings[0].evidence).toMatchObject({ failedAt: '2025-06-01T00:20:00Z', failureReason: 'bad schema' });
  });

  it('counts a failure that ended exactly at the start of the look-back', () => {
    expect(checksOf(check(withImports([job('edge', '2025-06-03T11:40:00Z', 'CREATE FAILED', 'x')])))).toEqual([`importFailed|${DATASET}`]);
    expect(check(withImports([job('edge', '2025-06-03T11:39:59Z', 'CREATE FAILED', 'x')])).findings).toEqual([]);
  });

  it('says "no reason given" when the job has no failure reason', () => {
    const [f] = check(withImports([job('nightly-0608', '2025-06-08T00:00:00Z', 'CREATE FAILED')])).findings;

    expect(f.reason).toBe('The last import into shop-interactions (Interactions), job nightly-0608, failed: no reason given.');
    expect(f.evidence.failureReason).toBe('');
  });
});

describe('import overdue', () => {
  const lastOkOn0601 = () => group({ datasets: [dataset([job('nightly-0601', '2025-06-01T00:00:00Z', 'ACTIVE')])] });

  it('is not evaluated without maxImportAgeDays (the default), however old the last import', () => {
    const r = check(lastOkOn0601());

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('importOverdue', DATASET))).toBe(false);
    expect(check(lastOkOn0601(), NOW, [], { ...SETTINGS, maxImportAgeDays: 0 }).evaluated.has(key('importOverdue', DATASET))).toBe(false);
  });

  it('is found when the last successful import is older than maxImportAgeDays', () => {
    const r = check(lastOkOn0601(), NOW, [], { ...SETTINGS, maxImportAgeDays: 7 });

    expect(checksOf(r)).toEqual([`importOverdue|${DATASET}`]);
    expect(r.findings[0].evidence).toEqual({ lastSuccessfulImportAt: '2025-06-01T00:20:00Z', daysWithoutImport: 9.5, maxImportAgeDays: 7 });
  });

  it('is not found within maxImportAgeDays (evaluated)', () => {
    const r = check(lastOkOn0601(), NOW, [], { ...SETTINGS, maxImportAgeDays: 10 });

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('importOverdue', DATASET))).toBe(true);
  });

  it('counts from the dataset creation when nothing was ever imported successfully', () => {
    const facts = group({ datasets: [dataset([], { createdAt: at('2025-05-01T00:00:00Z') })] });

    const r = check(facts, NOW, [], { ...SETTINGS, maxImportAgeDays: 30 });

    expect(r.findings.map((f) => [f.check, f.evidence])).toEqual([['importOverdue', { lastSuccessfulImportAt: '', daysWithoutImport: 40.5, maxImportAgeDays: 30 }]]);
  });
});

describe('training failed', () => {
  it('is found when the latest version of a solution is CREATE FAILED, with the last ACTIVE one', () => {
    const versions = [version(V_OLD, '2025-06-01T00:00:00Z'), version(V_FAILED, '2025-06-09T00:00:00Z', 'CREATE FAILED', { failureReason: 'Insufficient data: fewer than 1000 interactions after filtering' })];

    const r = check(group({ solutions: [solution({ versions })], campaigns: [campaign({ solutionVersionArn: V_OLD })] }));

    expect(r.findings).toEqual([
      expect.objectContaining({
        check: 'trainingFailed',
        resourceArn: SOLUTION,
        resourceName: 'shop-recs',
        resourceType: 'solution',
        reason: 'The latest training of shop-recs failed: Insufficient data: fewer than 1000 interactions after filtering.',
        evidence: {
          solutionVersionArn: V_FAILED,
          trainingType: 'MANUAL',
          failedAt: '2025-06-09T01:00:00Z',
          failureReason: 'Insufficient data: fewer than 1000 interactions after filtering',
          lastActiveVersionAt: '2025-06-01T00:00:00Z',
        },
      }),
    ]);
  });

  it('is not found when an older failure was followed by a newer ACTIVE version', () => {
    const versions = [version(V_FAILED, '2025-06-01T00:00:00Z', 'CREATE FAILED', { failureReason: 'x' }), version(V_NEW, '2025-06-08T00:00:00Z')];

    const r = check(group({ solutions: [solution({ versions })] }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('trainingFailed', SOLUTION))).toBe(true);
  });
});

describe('model stale', () => {
  const trainedOn = (created: string, tags: Record<string, string> = {}) => group({ solutions: [solution({ tags, versions: [version(V_NEW, created)] })] });

  it('is found when the newest ACTIVE model is older than maxModelAgeDays', () => {
    const r = check(trainedOn('2025-05-01T00:00:00Z'));

    expect(checksOf(r)).toEqual([`modelStale|${SOLUTION}`]);
    expect(r.findings[0]).toMatchObject({
      resourceType: 'solution',
      reason: 'The newest ACTIVE model of shop-recs was trained 40.5 days ago (limit 30 days).',
      evidence: { solutionVersionArn: V_NEW, trainedAt: '2025-05-01T00:00:00Z', modelAgeDays: 40.5, maxModelAgeDays: 30 },
    });
  });

  it('is not found at exactly maxModelAgeDays', () => {
    expect(check(trainedOn('2025-05-11T12:00:00Z')).findings).toEqual([]);
    expect(checksOf(check(trainedOn('2025-05-11T11:59:00Z')))).toEqual([`modelStale|${SOLUTION}`]);
  });

  it('takes the limit from the PersonalizeMonitorMaxModelAgeDays tag of the solution', () => {
    const r = check(trainedOn('2025-05-25T00:00:00Z', { PersonalizeMonitorMaxModelAgeDays: '14' }));

    expect(checksOf(r)).toEqual([`modelStale|${SOLUTION}`]);
    expect(r.findings[0].evidence).toMatchObject({ modelAgeDays: 16.5, maxModelAgeDays: 14 });
    expect(check(trainedOn('2025-05-01T00:00:00Z', { PersonalizeMonitorMaxModelAgeDays: '60' })).findings).toEqual([]);
  });

  it.each(['abc', '0', '3651', '7.5', '-5', ''])('ignores an invalid tag value %p (the setting applies)', (value) => {
    const r = check(trainedOn('2025-05-01T00:00:00Z', { PersonalizeMonitorMaxModelAgeDays: value }));

    expect(r.findings.map((f) => f.evidence.maxModelAgeDays)).toEqual([30]);
    expect(maxModelAgeDaysOf({ PersonalizeMonitorMaxModelAgeDays: value }, 30)).toBe(30);
  });

  it('reads valid tag values, trimmed, within 1–3650', () => {
    expect(maxModelAgeDaysOf({ PersonalizeMonitorMaxModelAgeDays: ' 14 ' }, 30)).toBe(14);
    expect(maxModelAgeDaysOf({ PersonalizeMonitorMaxModelAgeDays: '1' }, 30)).toBe(1);
    expect(maxModelAgeDaysOf({ PersonalizeMonitorMaxModelAgeDays: '3650' }, 30)).toBe(3650);
    expect(maxModelAgeDaysOf({}, 30)).toBe(30);
  });

  it('is not evaluated for a solution without an ACTIVE version', () => {
    const r = check(group({ solutions: [solution({ versions: [version(V_NEW, '2025-04-01T00:00:00Z', 'CREATE IN_PROGRESS')] })], campaigns: [] }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('modelStale', SOLUTION))).toBe(false);
  });
});

describe('automatic training schedule missed', () => {
  const scheduled = (versions: SolutionVersionFacts[], autoTrainingDays: number | null = 7) => group({ solutions: [solution({ autoTrainingDays: autoTrainingDays ?? undefined, versions })], campaigns: [] });
  const auto = (arn: string, created: string) => version(arn, created, 'ACTIVE', { trainingType: 'AUTOMATIC' });

  it('is found when no automatic version started for the period plus one day of grace (a manual one does not count)', () => {
    const r = check(scheduled([auto(V_OLD, '2025-06-02T11:00:00Z'), version(V_NEW, '2025-06-09T00:00:00Z')]));

    expect(checksOf(r)).toEqual([`trainingScheduleMissed|${SOLUTION}`]);
    expect(r.findings[0].evidence).toEqual({ lastAutomaticVersionAt: '2025-06-02T11:00:00Z', dueAt: '2025-06-09T11:00:00Z', scheduleDays: 7 });
    expect(r.findings[0].reason).toBe('Automatic training of shop-recs (every 7 days) produced no version since 2025-06-02T11:00:00Z: it was due 2025-06-09T11:00:00Z.');
  });

  it('is not found until the grace day has fully passed', () => {
    const r = check(scheduled([auto(V_OLD, '2025-06-02T12:00:00Z'), version(V_NEW, '2025-06-09T00:00:00Z')]));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('trainingScheduleMissed', SOLUTION))).toBe(true);
  });

  it('counts from the solution creation when no automatic version was ever made', () => {
    const r = check(scheduled([version(V_NEW, '2025-06-09T00:00:00Z')]));

    expect(r.findings.map((f) => f.evidence)).toEqual([{ lastAutomaticVersionAt: '', dueAt: '2025-04-08T00:00:00Z', scheduleDays: 7 }]);
  });

  it('is not evaluated without automatic training', () => {
    const r = check(scheduled([version(V_NEW, '2025-06-09T00:00:00Z')], null));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('trainingScheduleMissed', SOLUTION))).toBe(false);
  });

  it('reads rate(N days) schedules of 1–30 days only', () => {
    expect(scheduleDays('rate(7 days)')).toBe(7);
    expect(scheduleDays(' rate(1 day) ')).toBe(1);
    expect(scheduleDays('rate(30 days)')).toBe(30);
    expect(scheduleDays('rate(31 days)')).toBeUndefined();
    expect(scheduleDays('rate(0 days)')).toBeUndefined();
    expect(scheduleDays('rate(12 hours)')).toBeUndefined();
    expect(scheduleDays('cron(0 0 * * ? *)')).toBeUndefined();
    expect(scheduleDays(undefined)).toBeUndefined();
  });
});

describe('campaign on an old model', () => {
  /** v1 from June 1st, v2 created June 8th and ACTIVE since `newReady`; the campaign serves `serving`. */
  const serving = (servingArn: string, over: Partial<CampaignFacts> = {}, newReady = '2025-06-08T01:00:00Z') =>
    group({
      solutions: [solution({ versions: [version(V_OLD, '2025-06-01T00:00:00Z'), version(V_NEW, '2025-06-08T00:00:00Z', 'ACTIVE', { lastUpdatedAt: at(newReady) })] })],
      campaigns: [campaign({ solutionVersionArn: servingArn, ...over })],
    });

  it('is found when a campaign serves an older version than the newest ACTIVE one for more than campaignVersionLagHours', () => {
    const r = check(serving(V_OLD));

    expect(r.findings).toEqual([
      expect.objectContaining({
        check: 'campaignOnOldModel',
        resourceArn: CAMPAIGN,
        resourceName: 'shop-campaign',
        resourceType: 'campaign',
        datasetGroupArn: GROUP,
        reason: 'Campaign shop-campaign serves version aaaa0001 while version bbbb0002 of shop-recs has been ACTIVE for 59 h (limit 24 h).',
        evidence: {
          servingVersionArn: V_OLD,
          servingTrainedAt: '2025-06-01T00:00:00Z',
          latestVersionArn: V_NEW,
          latestReadyAt: '2025-06-08T01:00:00Z',
          lagHours: 59,
          campaignVersionLagHours: 24,
        },
      }),
    ]);
  });

  it('is not found for a campaign that syncs with the latest version', () => {
    const r = check(serving(V_OLD, { syncWithLatest: true }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('campaignOnOldModel', CAMPAIGN))).toBe(true);
  });

  it('is not found within the lag, and is from just past it', () => {
    expect(check(serving(V_OLD, {}, '2025-06-09T12:00:00Z')).findings).toEqual([]); // exactly 24 h
    expect(checksOf(check(serving(V_OLD, {}, '2025-06-09T11:00:00Z')))).toEqual([`campaignOnOldModel|${CAMPAIGN}`]); // 25 h
  });

  it('is not found for a campaign serving the newest ACTIVE version', () => {
    expect(check(serving(V_NEW)).findings).toEqual([]);
  });

  it('does not evaluate a campaign that is not ACTIVE', () => {
    const r = check(serving(V_OLD, { status: 'CREATE IN_PROGRESS' }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.has(key('campaignOnOldModel', CAMPAIGN))).toBe(false);
  });
});

describe('recommender stale', () => {
  it('is found when an ACTIVE recommender was last updated longer ago than maxModelAgeDays', () => {
    const r = check(group({ recommenders: [recommender({ lastUpdatedAt: at('2025-05-01T00:00:00Z') })] }));

    expect(r.findings).toEqual([
      expect.objectContaining({
        check: 'modelStale',
        resourceArn: RECOMMENDER,
        resourceType: 'recommender',
        reason: 'Recommender shop-top-picks was last updated 40.5 days ago (limit 30 days).',
        evidence: { lastUpdatedAt: '2025-05-01T00:00:00Z', modelAgeDays: 40.5, maxModelAgeDays: 30 },
      }),
    ]);
  });

  it('is not found for a recently updated recommender, and not evaluated for one not ACTIVE', () => {
    const fresh = check(group({ recommenders: [recommender()] }));
    const inactive = check(group({ recommenders: [recommender({ status: 'INACTIVE', lastUpdatedAt: at('2025-01-01T00:00:00Z') })] }));

    expect(fresh.findings).toEqual([]);
    expect(fresh.evaluated.has(key('modelStale', RECOMMENDER))).toBe(true);
    expect(inactive.findings).toEqual([]);
    expect(inactive.evaluated.has(key('modelStale', RECOMMENDER))).toBe(false);
  });
});

describe('exemption tag', () => {
  it('the broken fixture finds every condition when nothing is exempt', () => {
    expect(checksOf(check(broken()))).toEqual(
      [
        `ingestionStopped|${TRACKER}`,
        `importFailed|${DATASET}`,
        `trainingFailed|${SOLUTION}`,
        `modelStale|${SOLUTION}`,
        `trainingScheduleMissed|${SOLUTION}`,
        `campaignOnOldModel|${CAMPAIGN}`,
        `modelStale|${RECOMMENDER}`,
      ].sort(),
    );
  });

  it('on the dataset group silences every check of the group', () => {
    const r = check(broken({ tags: { [EXEMPT]: 'true' } }));

    expect(r.findings).toEqual([]);
    expect(r.evaluated.size).toBe(0);
    expect([...r.silenced].sort()).toEqual([TRACKER, DATASET, SOLUTION, CAMPAIGN, RECOMMENDER].sort());
  });

  it('on the dataset group uses the configured key only, and "false" does not exempt', () => {
    expect(check(broken({ tags: { [EXEMPT]: 'false' } })).findings).toHaveLength(7);
    expect(check(broken({ tags: { OtherKey: 'true' } }), NOW, [], { ...SETTINGS, exemptionTagKey: 'OtherKey' }).findings).toEqual([]);
  });

  it('on a solution silences it and its campaigns, nothing else', () => {
    const facts = broken();
    facts.solutions[0].tags = { [EXEMPT]: 'true' };

    const r = check(facts);

    expect(checksOf(r)).toEqual([`ingestionStopped|${TRACKER}`, `importFailed|${DATASET}`, `modelStale|${RECOMMENDER}`].sort());
    expect([...r.silenced].sort()).toEqual([SOLUTION, CAMPAIGN].sort());
    for (const c of ['trainingFailed', 'modelStale', 'trainingScheduleMissed'] as const) expect(r.evaluated.has(key(c, SOLUTION))).toBe(false);
    expect(r.evaluated.has(key('campaignOnOldModel', CAMPAIGN))).toBe(false);
  });
});

describe('incomplete facts', () => {
  const SOLUTION_CHECKS: [DataFeedCheck, string][] = [
    ['trainingFailed', SOLUTION],
    ['modelStale', SOLUTION],
    ['trainingScheduleMissed', SOLUTION],
    ['campaignOnOldModel', CAMPAIGN],
  ];
  it.each<[string, [DataFeedCheck, string][]]>([
    ['trackers', [['ingestionStopped', TRACKER], ['ingestionErrors', TRACKER], ['trackerUnused', TRACKER]]],
    ['datasets', [['importFailed', DATASET]]],
    [`imports:${DATASET}`, [['importFailed', DATASET]]],
    ['solutions', SOLUTION_CHECKS],
    [`versions:${SOLUTION}`, SOLUTION_CHECKS],
    ['campaigns', [['campaignOnOldModel', CAMPAIGN]]],
    ['recommenders', [['modelStale', RECOMMENDER]]],
  ])('%s: its checks find nothing and are not evaluated; the others still run', (part, lost) => {
    const complete = check(broken());
    const r = check(broken({ incomplete: [part] }));

    expect(lost.length).toBeGreaterThan(0);
    for (const [c, arn] of lost) {
      expect(complete.evaluated.has(key(c, arn))).toBe(true);
      expect(r.evaluated.has(key(c, arn))).toBe(false);
      expect(r.findings.filter((f) => f.check === c && f.resourceArn === arn)).toEqual([]);
    }
    const lostKeys = new Set(lost.map(([c, arn]) => `${c}|${arn}`));
    expect(checksOf(r)).toEqual(checksOf(complete).filter((k) => !lostKeys.has(k)));
  });
});

describe('planOpenFindings', () => {
  const openItem = (finding: DataFeedFinding, reportedAt?: number): OpenFindingItem => ({
    pk: 'datafeed#us-east-1',
    sk: key(finding.check, finding.resourceArn),
    finding,
    openedAt: at('2025-06-08T00:00:00Z'),
    reportedAt,
    checkedAt: at('2025-06-10T11:00:00Z'),
    expiresAt: Math.floor(at('2025-07-10T11:00:00Z') / 1000),
  });
  const stoppedFinding = () => check(broken()).findings.find((f) => f.check === 'ingestionStopped')!;
  const campaignFinding = () => check(broken()).findings.find((f) => f.check === 'campaignOnOldModel')!;

  it('opens what is found and was not open', () => {
    const r = check(broken());

    const plan = planOpenFindings([], r);

    expect(plan.opened).toHaveLength(7);
    expect(plan.opened).toEqual(r.findings);
    expect([plan.stillOpen, plan.recovered, plan.silenced]).toEqual([[], [], []]);
  });

  it('keeps open what is found again, with the stored item', () => {
    const item = openItem(stoppedFinding(), at('2025-06-08T00:00:00Z'));

    const plan = planOpenFindings([item], check(broken()));

    expect(plan.stillOpen).toEqual([{ item, finding: stoppedFinding() }]);
    expect(plan.opened.map((f) => f.check)).not.toContain('ingestionStopped');
    expect(plan.recovered).toEqual([]);
  });

  it('recovers what was evaluated and not found', () => {
    const item = openItem(stoppedFinding());

    const plan = planOpenFindings([item], check(group()));

    expect(plan.recovered).toEqual([{ item, why: 'the condition is no longer found' }]);
    expect(plan.opened).toEqual([]);
  });

  it('keeps (neither recovers nor silences) what could not be evaluated', () => {
    const item = openItem(stoppedFinding());

    const plan = planOpenFindings([item], check(group({ incomplete: ['trackers'] })));

    expect(plan).toEqual({ opened: [], stillOpen: [], recovered: [], silenced: [] });
  });

  it('silences what is now exempt, without a recovery', () => {
    const item = openItem(stoppedFinding());

    const plan = planOpenFindings([item], check(group({ tags: { [EXEMPT]: 'true' } })));

    expect(plan.silenced).toEqual([item]);
    expect(plan.recovered).toEqual([]);
  });

  it('recovers the findings of a resource that is gone, naming it', () => {
    const item = openItem(campaignFinding());

    const plan = planOpenFindings([item], check(group({ campaigns: [] })), new Set([CAMPAIGN]));

    expect(plan.recovered).toEqual([{ item, why: 'shop-campaign no longer exists' }]);
  });
});

describe('notification', () => {
  const importFinding = (over: Partial<DataFeedFinding> = {}): DataFeedFinding => ({
    ...check(group({ datasets: [dataset([job('nightly-0608', '2025-06-08T00:00:00Z', 'CREATE FAILED', 'Input CSV is missing the required column TIMESTAMP')])] })).findings[0],
    ...over,
  });
  const OPENED_AT = at('2025-06-08T00:20:00Z');

  it('names the check, resource, group and region in the subject and the facts in the body', () => {
    const n = dataFeedNotification(importFinding(), 'open', OPENED_AT, NOW);

    expect(n.subject).toBe('[Personalize Monitor] Import failed: shop-interactions (shop) in us-east-1');
    expect(n.message.split('\n')).toEqual([
      `Import failed, dataset in us-east-1: ${DATASET}`,
      `Dataset group: shop (${GROUP})`,
      'The last import into shop-interactions (Interactions), job nightly-0608, failed: Input CSV is missing the required column TIMESTAMP.',
      `jobArn: ${P}:dataset-import-job/nightly-0608`,
      'jobName: nightly-0608',
      'failedAt: 2025-06-08T00:20:00Z',
      'failureReason: Input CSV is missing the required column TIMESTAMP',
      'This is a report: the monitor changes nothing in the data feed.',
    ]);
  });

  it('keeps the subject within 100 printable ASCII characters with long, non-ASCII names', () => {
    const long = importFinding({ resourceName: `Boutique–été-${'x'.repeat(200)}`, datasetGroupName: `groupe-${'é'.repeat(100)}` });

    for (const status of ['open', 'recovered'] as const) {
      const { subject, message } = dataFeedNotification(long, status, OPENED_AT, NOW);
      expect(subject.length).toBeLessThanOrEqual(100);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
      expect(subject.endsWith('...')).toBe(true);
      expect(message).toMatch(/^[\x20-\x7e\n]+$/);
    }
  });

  it('says "Recovered" with when it opened, when it recovered and what it was', () => {
    const n = dataFeedNotification(importFinding(), 'recovered', OPENED_AT, NOW, 'the condition is no longer found');

    expect(n.subject).toBe('[Personalize Monitor] Recovered: import failed: shop-interactions (shop) in us-east-1');
    expect(n.message).toContain(
      'the condition is no longer found (open since 2025-06-08T00:20:00Z, recovered by 2025-06-10T12:00:00Z). Was: The last import into shop-interactions (Interactions), job nightly-0608, failed: Input CSV is missing the required column TIMESTAMP.',
    );
  });

  it('shows an empty evidence value as "-"', () => {
    const n = dataFeedNotification(check(broken(), NOW, [key('ingestionStopped', TRACKER)]).findings[0], 'open', OPENED_AT, NOW);

    expect(n.message.split('\n')).toContain('lastEventAt: 2025-06-10T04:00:00Z');
    const beyond = check(group({ trackers: [tracker({ hours: [] })] }), NOW, [key('ingestionStopped', TRACKER)]).findings[0];
    expect(dataFeedNotification(beyond, 'open', OPENED_AT, NOW).message.split('\n')).toContain('lastEventAt: -');
  });
});

describe('event detail', () => {
  const f = () => check(broken()).findings.find((x) => x.check === 'campaignOnOldModel')!;

  it('carries Check, Status, ARN, ResourceType, DatasetGroupArn, Region, Reason, OpenedAt and Evidence', () => {
    expect(dataFeedEventDetail(f(), 'open', at('2025-06-09T12:05:00Z'))).toEqual({
      Check: 'campaignOnOldModel',
      Status: 'open',
      ARN: CAMPAIGN,
      ResourceType: 'campaign',
      DatasetGroupArn: GROUP,
      Region: REGION,
      Reason: f().reason,
      OpenedAt: '2025-06-09T12:05:00Z',
      Evidence: f().evidence,
    });
  });

  it('says why and what it was when recovered', () => {
    const d = dataFeedEventDetail(f(), 'recovered', at('2025-06-09T12:05:00Z'), 'shop-campaign no longer exists');

    expect(d).toMatchObject({ Status: 'recovered', OpenedAt: '2025-06-09T12:05:00Z', ARN: CAMPAIGN });
    expect(d.Reason).toBe(`Recovered: shop-campaign no longer exists. Was: ${f().reason}`);
  });
});

describe('dataFeedRecord', () => {
  it('summarizes events, the last import and training, active versions and the open checks', () => {
    const facts = group({
      trackers: [tracker({ hours: [{ t: at('2025-06-01T00:00:00Z'), requests: 5000, errors: 0 }, ...hourly(LOOKBACK_START, '2025-06-10T06:00:00Z', 40)] })],
      datasets: [dataset([job('nightly-0605', '2025-06-05T00:00:00Z', 'ACTIVE'), job('nightly-0608', '2025-06-08T00:00:00Z', 'CREATE FAILED', 'bad schema')])],
      solutions: [
        solution({ versions: [version(V_OLD, '2025-06-01T00:00:00Z'), version(V_NEW, '2025-06-08T00:00:00Z'), version(V_FAILED, '2025-06-09T00:00:00Z', 'CREATE FAILED', { failureReason: 'oom' })] }),
      ],
      campaigns: [campaign({ solutionVersionArn: V_OLD })],
    });
    const open = check(facts).findings;

    const record = dataFeedRecord(facts, open, NOW);

    expect(open).toHaveLength(4);
    expect(record).toEqual({
      record: 'dataFeed',
      datasetGroupArn: GROUP,
      name: 'shop',
      region: REGION,
      lastEventAt: '2025-06-10T06:00:00Z',
      eventsPerHour: 40,
      lastImportAt: '2025-06-08T00:20:00Z',
      lastImportStatus: 'CREATE FAILED',
      lastTrainingAt: '2025-06-09T01:00:00Z',
      lastTrainingStatus: 'CREATE FAILED',
      latestActiveModelAt: '2025-06-08T00:00:00Z',
      solutions: 1,
      activeVersions: 2,
      campaignsOnOldModel: 1,
      openFindings: 4,
      checks: 'campaignOnOldModel,importFailed,ingestionStopped,trainingFailed',
      at: '2025-06-10T12:00:00Z',
    });
  });

  it('dates a running import or training by its creation', () => {
    const facts = group({
      datasets: [dataset([job('nightly-0609', '2025-06-09T00:00:00Z', 'ACTIVE'), job('nightly-0610', '2025-06-10T11:50:00Z', 'CREATE IN_PROGRESS')])],
      solutions: [solution({ versions: [version(V_OLD, '2025-06-01T00:00:00Z'), version(V_NEW, '2025-06-10T11:00:00Z', 'CREATE IN_PROGRESS')] })],
    });

    expect(dataFeedRecord(facts, [], NOW)).toMatchObject({
      lastImportAt: '2025-06-10T11:50:00Z',
      lastImportStatus: 'CREATE IN_PROGRESS',
      lastTrainingAt: '2025-06-10T11:00:00Z',
      lastTrainingStatus: 'CREATE IN_PROGRESS',
      latestActiveModelAt: '2025-06-01T00:00:00Z',
      activeVersions: 1,
    });
  });

  it('is empty ("" and 0) for a group with nothing in it', () => {
    const facts = group({ trackers: [], datasets: [], solutions: [], campaigns: [] });

    expect(dataFeedRecord(facts, [], NOW)).toEqual({
      record: 'dataFeed',
      datasetGroupArn: GROUP,
      name: 'shop',
      region: REGION,
      lastEventAt: '',
      eventsPerHour: 0,
      lastImportAt: '',
      lastImportStatus: '',
      lastTrainingAt: '',
      lastTrainingStatus: '',
      latestActiveModelAt: '',
      solutions: 0,
      activeVersions: 0,
      campaignsOnOldModel: 0,
      openFindings: 0,
      checks: '',
      at: '2025-06-10T12:00:00Z',
    });
  });
});

describe('ingestionAlarmSpecs', () => {
  const specs = (facts: DatasetGroupFacts, open: string[] = [], topic = ALARM_TOPIC) => ingestionAlarmSpecs(facts, SETTINGS, check(facts, NOW, open), NOW, PREFIX, topic);

  it('wants one alarm for a group whose tracker had events: no PutEventsRequests (Sum < 1) in each of idleHours hourly periods, missing data breaching', () => {
    expect(specs(group())).toEqual([
      {
        name: 'personalize-monitor-alarm-IngestionStopped-DatasetGroup-shop-f1b5165a',
        description: `Personalize Monitor: no events through event tracker shop-events of dataset group shop for 6 hours (PutEventsRequests Sum < 1 per hour; no data counts as none). ${TRACKER}`,
        resourceArn: TRACKER,
        region: REGION,
        namespace: 'AWS/Personalize',
        metricName: 'PutEventsRequests',
        dimensions: [{ name: 'EventTrackerArn', value: TRACKER }],
        statistic: 'Sum',
        period: 3600,
        evaluationPeriods: 6,
        datapointsToAlarm: 6,
        threshold: 1,
        comparison: 'LessThanThreshold',
        treatMissingData: 'breaching',
        actionsEnabled: true,
        alarmActions: [ALARM_TOPIC],
      },
    ]);
  });

  it('wants one alarm per group even with two trackers, and none for a tracker never used in the look-back', () => {
    const second = tracker({ arn: `${P}:event-tracker/ffff0000`, name: 'second' });

    expect(specs(group({ trackers: [tracker(), second] }))).toHaveLength(1);
    expect(specs(group({ trackers: [tracker({ hours: [] })] }))).toEqual([]);
  });

  it('wants the alarm for a stop that is open beyond the look-back, not for the same tracker without one', () => {
    const facts = group({ trackers: [tracker({ hours: hourly('2025-05-20T00:00:00Z', '2025-06-02T00:00:00Z', 40) })] });

    expect(specs(facts, [key('ingestionStopped', TRACKER)]).map((s) => s.resourceArn)).toEqual([TRACKER]);
    expect(specs(facts)).toEqual([]);
  });

  it('wants none for a tracker not ACTIVE or an exempt group', () => {
    expect(specs(group({ trackers: [tracker({ status: 'CREATE PENDING' })] }))).toEqual([]);
    expect(specs(group({ tags: { [EXEMPT]: 'true' } }))).toEqual([]);
  });

  it('keeps a long group name under the prefix, within 255 characters, ending in the ARN hash', () => {
    const name = 'g'.repeat(300);
    const [spec] = specs(group({ arn: `${P}:dataset-group/${name}`, name }));

    expect(spec.name.startsWith('personalize-monitor-alarm-IngestionStopped-DatasetGroup-ggg')).toBe(true);
    expect(spec.name.length).toBe(255);
    expect(spec.name).toMatch(/-[0-9a-f]{8}$/);
  });

  it('has no alarm actions without an alarm topic', () => {
    expect(specs(group(), [], '').map((s) => s.alarmActions)).toEqual([[]]);
  });
});
