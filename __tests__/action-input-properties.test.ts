/**
 * Property test of the ACTION's input and event paths: thousands of generated requests (direct
 * inputs, MONITOR findings, request-bus and default-bus deliveries, raw events; any ARN, evidence,
 * numbers, modes, unknown keys and types) against a busy and an idle campaign and recommender,
 * run through the real handlers in the definition's order (validate → approval by a person when
 * the mode asks → re-check → act) with AWS mocked. Whatever the request: never a stop or delete
 * of a busy resource, never a minimum outside 1..maxMinCapacity, never a raise beyond
 * maxAutoRaiseFactor without a person's approval, and every rejection an ActionInputError that
 * names what was wrong.
 */
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
  StopRecommenderCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { APPROVAL_MODES } from '../config/schema';
import type { ActionState } from '../core/actions';
import { validateAction } from '../tasks/action-validate/validate';
import { recheck } from '../tasks/action-recheck/recheck';
import { act } from '../tasks/action-act/act';
import { Logger } from '../tasks/shared/logger';
import { ACCOUNT, BEHAVIOUR, EXECUTION_ARN, POLICY, STARTED_AT, NOW } from './support/action-fixtures';

/** How many generated requests are tried (reported in the issue note). */
export const RUNS = 4000;

const arn = (type: string, name: string, region = 'us-east-1') => `arn:aws:personalize:${region}:${ACCOUNT}:${type}/${name}`;
const BUSY_CAMPAIGN = arn('campaign', 'busy-camp');
const IDLE_CAMPAIGN = arn('campaign', 'idle-camp');
const BUSY_RECOMMENDER = arn('recommender', 'busy-rec');
const IDLE_RECOMMENDER = arn('recommender', 'idle-rec');
const BUSY = new Set([BUSY_CAMPAIGN, BUSY_RECOMMENDER]);
const CURRENT_MIN = 2;
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

const personalize = mockClient(PersonalizeClient);
const cloudwatch = mockClient(CloudWatchClient);
const logger = new Logger('property', {}, 'OFF');

interface Write {
  op: string;
  arn: string;
  min?: number;
}
let writes: Write[] = [];

beforeAll(() => {
  personalize.on(DescribeCampaignCommand).callsFake((i) => ({
    campaign: { campaignArn: i.campaignArn, status: 'ACTIVE', minProvisionedTPS: CURRENT_MIN, creationDateTime: LONG_AGO, lastUpdatedDateTime: LONG_AGO },
  }));
  personalize.on(DescribeRecommenderCommand).callsFake((i) => ({
    recommender: { recommenderArn: i.recommenderArn, status: 'ACTIVE', recommenderConfig: { minRecommendationRequestsPerSecond: CURRENT_MIN }, creationDateTime: LONG_AGO, lastUpdatedDateTime: LONG_AGO },
  }));
  personalize.on(ListTagsForResourceCommand).resolves({ tags: [] });
  const record = (w: Write) => {
    writes.push(w);
    return {};
  };
  personalize.on(DeleteCampaignCommand).callsFake((i) => record({ op: 'delete', arn: i.campaignArn }));
  personalize.on(StopRecommenderCommand).callsFake((i) => record({ op: 'stop', arn: i.recommenderArn }));
  personalize.on(UpdateCampaignCommand).callsFake((i) => record({ op: 'update', arn: i.campaignArn, min: i.minProvisionedTPS }));
  personalize.on(UpdateRecommenderCommand).callsFake((i) => record({ op: 'update', arn: i.recommenderArn, min: i.recommenderConfig?.minRecommendationRequestsPerSecond }));
  // ~3 requests a second on the busy ones, nothing on the idle ones, over whatever window is asked.
  cloudwatch.on(GetMetricDataCommand).callsFake((i) => {
    const target = i.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions?.[0]?.Value ?? '';
    return { MetricDataResults: (i.MetricDataQueries ?? []).map((q: { Id: string }) => ({ Id: q.Id, Values: BUSY.has(target) ? [900, 880] : [] })) };
  });
});

// ---- generators ----------------------------------------------------------------------------
const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.constant([]), fc.constant({}));
const number = fc.oneof(
  fc.integer({ min: -5, max: 300 }),
  fc.integer({ min: 0, max: 2 ** 31 + 10 }),
  fc.constantFrom(1e21, 100000, 2.5, -0, Number.MAX_SAFE_INTEGER, 2147483647, 2147483648, 21, 20),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  anything,
);
const resourceArn = fc.oneof(
  fc.constantFrom(BUSY_CAMPAIGN, IDLE_CAMPAIGN, BUSY_RECOMMENDER, IDLE_RECOMMENDER),
  fc.constantFrom(arn('campaign', 'x', 'ap-south-1'), `arn:aws:personalize:us-east-1:999999999999:campaign/x`, 'arn:aws-:personalize:us-east-1:123456789012:campaign/x', 'arn:aws:personalize:us-east-1:123456789012:solution/x', 'campaign/x'),
  anything,
);
const iso = fc.oneof(fc.constantFrom('2099-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', STARTED_AT, new Date(NOW - 60_000).toISOString()), fc.string({ maxLength: 10 }));
const evidence = fc.record(
  { windowStart: iso, windowEnd: iso, totalRequests: number, currentMin: number, newMin: number, monthlyWasteUsd: number, utilizationPercent: number, datapoints: number, bogus: anything },
  { requiredKeys: [] },
);
const mode = fc.oneof(fc.constantFrom(...APPROVAL_MODES), anything);
const action = fc.oneof(fc.constantFrom('delete', 'stop', 'setMinCapacity'), anything);
const direct = fc.record(
  { action, resourceArn, newMin: number, reason: fc.oneof(fc.string({ maxLength: 20 }), anything), evidence: fc.oneof(evidence, anything), source: fc.oneof(fc.constantFrom('manual', 'monitor', 'event'), anything), approval: mode, dryRun: fc.oneof(fc.boolean(), anything), extra: anything },
  { requiredKeys: [] },
);
const detailType = fc.oneof(
  fc.constantFrom('DeletePersonalizeCampaign', 'StopPersonalizeRecommender', 'UpdatePersonalizeCampaignMinProvisionedTPS', 'UpdatePersonalizeRecommenderMinRecommendationRPS'),
  anything,
);
const windowText = fc.oneof(fc.constantFrom('2099-01-01T00:00:00.000Z/2099-01-01T00:00:00.000Z', `${STARTED_AT}/${STARTED_AT}`), fc.string({ maxLength: 12 }));
const detail = fc.record(
  {
    ARN: resourceArn,
    NewMinTPS: number,
    CurrentMinTPS: number,
    Reason: fc.string({ maxLength: 10 }),
    Evidence: fc.oneof(fc.record({ Window: windowText, DryRun: fc.oneof(fc.boolean(), anything), Region: fc.constantFrom('us-east-1', 'eu-west-1'), MonthlyWasteUsd: number }, { requiredKeys: [] }), anything),
    Extra: anything,
  },
  { requiredKeys: [] },
);
const busEvent = fc.record({ version: fc.constant('0'), 'detail-type': detailType, source: fc.oneof(fc.constant('personalize.monitor'), anything), detail, region: fc.constant('us-east-1') }, { requiredKeys: ['detail-type', 'detail'] });
// Mostly well-formed requests with forged evidence and hostile numbers: they pass validation and
// reach the re-check and the act, where the bounds must hold.
const someArn = fc.constantFrom(BUSY_CAMPAIGN, IDLE_CAMPAIGN, BUSY_RECOMMENDER, IDLE_RECOMMENDER);
const someMin = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(20, 21, 100, 101, 1e21));
const forgedEvidence = fc.record({ windowStart: iso, windowEnd: iso, totalRequests: fc.nat(), currentMin: fc.nat(50), monthlyWasteUsd: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { requiredKeys: [] });
const kinds = (a: string) => (a.includes('campaign') ? ['delete', 'setMinCapacity'] : ['stop', 'setMinCapacity']);
const plausibleDirect = someArn.chain((r) =>
  fc.record(
    { action: fc.constantFrom(...kinds(r)), resourceArn: fc.constant(r), newMin: someMin, evidence: forgedEvidence, source: fc.constant('manual'), approval: fc.constantFrom(...APPROVAL_MODES), dryRun: fc.boolean() },
    { requiredKeys: ['action', 'resourceArn'] },
  ).map((d) => (d.action === 'setMinCapacity' ? d : { ...d, newMin: undefined })),
);
const plausibleDetail = (r: string) =>
  fc.record({ ARN: fc.constant(r), Reason: fc.string({ maxLength: 10 }), Evidence: fc.record({ Window: windowText, DryRun: fc.boolean(), MonthlyWasteUsd: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { requiredKeys: [] }) }, { requiredKeys: ['ARN'] });
const plausibleEvent = someArn.chain((r) =>
  fc.oneof(
    plausibleDetail(r).map((d) => ({ 'detail-type': r.includes('campaign') ? 'DeletePersonalizeCampaign' : 'StopPersonalizeRecommender', detail: d })),
    fc.tuple(plausibleDetail(r), someMin).map(([d, n]) => ({
      'detail-type': r.includes('campaign') ? 'UpdatePersonalizeCampaignMinProvisionedTPS' : 'UpdatePersonalizeRecommenderMinRecommendationRPS',
      detail: { ...d, NewMinTPS: n },
    })),
  ),
);
const plausible = fc.oneof(
  plausibleDirect,
  plausibleEvent.map((e) => ({ finding: e })),
  fc.tuple(plausibleEvent, fc.constantFrom('requests-bus', 'default-bus')).map(([e, via]) => ({ via, event: { version: '0', source: 'personalize.monitor', region: 'us-east-1', ...e } })),
  plausibleEvent.map((e) => ({ source: 'personalize.monitor', ...e })),
);
const input = fc.oneof(
  { arbitrary: plausible, weight: 3 },
  direct,
  fc.record({ finding: fc.record({ 'detail-type': detailType, detail }, { requiredKeys: [] }) }),
  fc.record({ via: fc.oneof(fc.constantFrom('requests-bus', 'default-bus'), anything), event: fc.oneof(busEvent, anything) }, { requiredKeys: [] }),
  busEvent,
  anything,
);
const defaults = fc.record({ idleActionMode: fc.constantFrom(...APPROVAL_MODES), capacityActionMode: fc.constantFrom(...APPROVAL_MODES), eventActionMode: fc.constantFrom(...APPROVAL_MODES), autoDeleteOrStopIdleResources: fc.boolean(), autoAdjustMinTps: fc.boolean() });

/** Words a rejection must use to say what was wrong. */
const NAMES_THE_PROBLEM = /\b(action|resourceArn|newMin|NewMinTPS|ARN|reason|Reason|evidence|Evidence|source|approval|dryRun|detail-type|detail|via|event|finding|input|region|account|field|notificationEndpoint|maxMinCapacity)\b/;

type Outcome = 'rejected' | 'report' | 'skip' | 'alreadyDone' | 'acted';

/** One ACTION execution as the definition runs it; a person approves whenever asked (the worst case). */
async function runOnce(raw: unknown, modes: Record<string, unknown>): Promise<{ outcome: Outcome; approved: boolean; state?: ActionState }> {
  let validated;
  try {
    validated = validateAction({ defaults: { ...BEHAVIOUR, ...modes }, policy: POLICY, input: raw, startedAt: STARTED_AT, executionArn: EXECUTION_ARN });
  } catch (err) {
    expect((err as Error).name).toBe('ActionInputError');
    expect((err as Error).message).toMatch(NAMES_THE_PROBLEM);
    return { outcome: 'rejected', approved: false };
  }
  const state: ActionState = { ...validated };
  if (state.request.mode === 'report') return { outcome: 'report', approved: false, state };
  const deps = { personalize: () => new PersonalizeClient({ region: 'us-east-1' }), cloudwatch: () => new CloudWatchClient({ region: 'us-east-1' }), now: () => NOW + 3_600_000, logger };
  if (state.request.mode === 'approval') state.approval = { approved: true };
  let check = await recheck(state, deps);
  if (check.decision === 'needsApproval') {
    state.approval = { approved: true };
    check = await recheck(state, deps);
  }
  if (check.decision === 'skip' || check.decision === 'alreadyDone') return { outcome: check.decision, approved: state.approval?.approved === true, state };
  expect(check.decision).toBe('proceed');
  await act(state, deps);
  return { outcome: 'acted', approved: state.approval?.approved === true, state };
}

describe('ACTION input and event paths (property, fast-check)', () => {
  const seen: Record<Outcome, number> = { rejected: 0, report: 0, skip: 0, alreadyDone: 0, acted: 0 };
  const actedOn = { busyUpdates: 0, idleDeletesOrStops: 0, raisesApproved: 0 };

  it(`${RUNS} generated requests: no stop/delete of a busy resource, every minimum within bounds, no unapproved big raise, every rejection named`, async () => {
    await fc.assert(
      fc.asyncProperty(input, defaults, async (raw, modes) => {
        writes = [];
        const { outcome, approved } = await runOnce(raw, modes);
        seen[outcome] += 1;
        if (outcome !== 'acted') expect(writes).toEqual([]);
        for (const w of writes) {
          if (w.op === 'delete' || w.op === 'stop') {
            expect(BUSY.has(w.arn)).toBe(false);
            actedOn.idleDeletesOrStops += 1;
          } else {
            expect(Number.isSafeInteger(w.min)).toBe(true);
            expect(w.min!).toBeGreaterThanOrEqual(1);
            expect(w.min!).toBeLessThanOrEqual(POLICY.maxMinCapacity);
            if (w.min! > CURRENT_MIN * POLICY.maxAutoRaiseFactor) {
              expect(approved).toBe(true);
              actedOn.raisesApproved += 1;
            }
            if (BUSY.has(w.arn)) actedOn.busyUpdates += 1;
          }
        }
        expect(writes.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS, seed: 20261201 },
    );
    // The generator reaches every path (a property that only ever rejects proves nothing).
    expect(seen.rejected).toBeGreaterThan(RUNS * 0.2);
    expect(seen.acted).toBeGreaterThan(20);
    expect(seen.skip).toBeGreaterThan(20);
    expect(seen.report).toBeGreaterThan(5);
    expect(actedOn.idleDeletesOrStops).toBeGreaterThan(0);
    expect(actedOn.raisesApproved).toBeGreaterThan(0);
    // The distribution, for the record (npx jest __tests__/action-input-properties.test.ts --verbose).
    process.stdout.write(`property: ${JSON.stringify({ runs: RUNS, ...seen, ...actedOn })}\n`);
  }, 120_000);
});
