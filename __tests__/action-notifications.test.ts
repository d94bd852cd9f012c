import { actionFacts } from '../core/actions';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { OUTCOMES, composeNotification, type Outcome } from '../tasks/action-shared/notifications';
import { notify } from '../tasks/action-notify/notify';
import { finish } from '../tasks/action-finish/finish';
import { Logger } from '../tasks/shared/logger';
import { CAMPAIGN_ARN, RECOMMENDER_ARN, RUN, capacityRequest, request } from './support/action-fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:personalize-monitor-notifications';
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const events = mockClient(EventBridgeClient);
const logger = new Logger('t', {}, 'OFF');

beforeEach(() => {
  sns.reset();
  cloudwatch.reset();
  events.reset();
  sns.on(PublishCommand).resolves({});
});

describe('friendly notifications', () => {
  const cases: [Outcome, Record<string, unknown> | undefined, RegExp][] = [
    ['report', undefined, /would be done now, but this action runs in report mode .* nothing was changed/],
    ['approved', undefined, /was approved\. It is carried out after a final re-check/],
    ['rejected', { Error: 'ApprovalRejected', Cause: 'Rejected on the approval page at 2026-11-22T11:00:00.000Z' }, /was rejected \(Rejected on the approval page at .*\)\. Nothing was changed/],
    ['expired', { Error: 'States.Timeout' }, /within 24 hours\. The request expired and nothing was changed/],
    ['skipped', { decision: 'skip', reason: '3 requests since the finding: the campaign shop-ranking is in use again.' }, /was skipped: 3 requests since the finding/],
    ['done', { reason: 'deleted' }, /Delete campaign shop-ranking is done: deleted/],
    ['failed', { Error: 'ActionFailedError', Cause: JSON.stringify({ errorType: 'ActionFailedError', errorMessage: 'status CREATE IN PROGRESS' }) }, /did not complete: ActionFailedError: status CREATE IN PROGRESS/],
  ];

  it('covers every outcome', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual([...OUTCOMES].sort());
  });

  it.each(cases)('%s: a subject with outcome, action, name and region; a sentence, then the facts', (outcome, detail, sentence) => {
    const n = composeNotification(outcome, request(), { prices: RUN, executionArn: RUN.executionArn, detail });
    expect(n.subject).toMatch(/^Personalize Monitor - .+: Delete campaign shop-ranking \(us-east-1\)$/);
    expect(n.subject.length).toBeLessThanOrEqual(100);
    // SNS accepts only printable ASCII subjects: anything else fails the Publish (and the action).
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(n.message.split('\n')[0]).toMatch(sentence);
    expect(n.message).toMatch(/Resource:\s+arn:aws:personalize:us-east-1:123456789012:campaign\/shop-ranking/);
    expect(n.message).toMatch(/Reason:\s+No requests for 24 hours/);
    expect(n.message).toMatch(/Estimated monthly saving:\s+\$146\.00/);
    expect(n.message).toContain(`Execution: ${RUN.executionArn}`);
    // Friendly text, not raw JSON.
    expect(n.message).not.toMatch(/^\s*[{[]/);
    expect(n.message).not.toContain('"detail-type"');
  });

  it('titles say the outcome', () => {
    expect(composeNotification('failed', request()).subject).toContain('FAILED:');
    expect(composeNotification('expired', request()).subject).toContain('Approval expired:');
    expect(composeNotification('report', capacityRequest()).subject).toContain('Report only: Set minimum RPS of recommender home-picks to 4');
  });

  it('says a pre-warm costs extra rather than saving', () => {
    const n = composeNotification('done', capacityRequest({ newMin: 20, evidence: { currentMin: 10 }, source: 'event' }), { prices: RUN });
    expect(n.message).toMatch(/Estimated monthly saving:\s+\$1460\.00 extra cost/);
  });

  it('the notify task publishes the composed email to the topic', async () => {
    const out = await notify({ outcome: 'skipped', request: request(), run: RUN, detail: { reason: 'in use again' } }, { sns: new SNSClient({}), topicArn: TOPIC, logger });
    const sent = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(sent).toMatchObject({ TopicArn: TOPIC, Subject: out.subject });
    expect(sent.Message).toMatch(/was skipped: in use again/);
  });

  it('the notify task records the outcome for the dashboard before it emails, so an SNS failure cannot hide it', async () => {
    const lines: Record<string, unknown>[] = [];
    const recording = new Logger('action-notify', {}, 'INFO', (l) => lines.push(JSON.parse(l)));
    sns.on(PublishCommand).rejects(Object.assign(new Error('denied'), { name: 'AuthorizationErrorException' }));
    const at = Date.parse('2026-03-01T10:00:00Z');
    const input = { outcome: 'done' as const, request: capacityRequest({ newMin: 4 }), run: RUN, detail: { reason: 'settled at 4' }, approval: { approved: true, decidedAt: '2026-03-01T09:00:00Z' } };
    await expect(notify(input, { sns: new SNSClient({}), topicArn: TOPIC, logger: recording, clock: () => at })).rejects.toThrow(/denied/);
    expect(lines.filter((l) => l.record === 'action')).toEqual([
      expect.objectContaining({
        outcome: 'done',
        action: 'setMinCapacity',
        resourceArn: input.request.resourceArn,
        decidedBy: 'a person, by the approval link',
        detail: 'minimum → 4; settled at 4',
        executionArn: RUN.executionArn,
        at: '2026-03-01T10:00:00Z',
      }),
    ]);
  });

  it('the notify task refuses an unknown outcome', async () => {
    await expect(notify({ outcome: 'maybe' as Outcome, request: request() }, { sns: new SNSClient({}), topicArn: TOPIC, logger })).rejects.toThrow(/unknown outcome "maybe"/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('finish', () => {
  const OWNERSHIP = { prefix: 'personalize-monitor-alarm-', stackName: 'personalize-monitor' };
  const deps = () => ({ cloudwatch: () => new CloudWatchClient({}), events: new EventBridgeClient({}), logger, ownership: OWNERSHIP });
  const arnOf = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
  const OUR_TAGS = [{ Key: 'PersonalizeMonitorStack', Value: 'personalize-monitor' }];

  it('deletes only our alarms on the resource (prefix and owner tag), emits the original result event and a dashboard rebuild, notifies done', async () => {
    const idle = 'personalize-monitor-alarm-Idle-Campaign-shop-ranking-1a2b';
    const low = 'personalize-monitor-alarm-LowUtilization-Campaign-shop-ranking-1a2b';
    const untagged = 'personalize-monitor-alarm-Idle-Campaign-shop-ranking-hand-made';
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: idle, AlarmArn: arnOf(idle), Dimensions: [{ Name: 'CampaignArn', Value: CAMPAIGN_ARN }] },
          { AlarmName: 'personalize-monitor-alarm-Idle-Campaign-other-9z9z', AlarmArn: arnOf('other'), Dimensions: [{ Name: 'CampaignArn', Value: `${CAMPAIGN_ARN}-2` }] },
          { AlarmName: untagged, AlarmArn: arnOf(untagged), Dimensions: [{ Name: 'CampaignArn', Value: CAMPAIGN_ARN }] },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        MetricAlarms: [{ AlarmName: low, AlarmArn: arnOf(low), Metrics: [{ Id: 'u', MetricStat: { Metric: { Dimensions: [{ Name: 'CampaignArn', Value: CAMPAIGN_ARN }] }, Period: 300, Stat: 'Average' } }] }],
      });
    cloudwatch.on(ListTagsForResourceCommand).callsFake((input) => ({ Tags: input.ResourceARN === arnOf(untagged) ? [] : OUR_TAGS }));
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}, {}] });

    const out = await finish({ request: request(), run: RUN, settle: { detail: 'deleted' } }, deps());
    expect(out).toEqual({
      alarmsDeleted: [idle, low],
      alarmsKept: [untagged],
      eventsSent: 2,
      problems: [],
      reason: 'deleted; 2 alarm(s) removed; 1 alarm(s) with our prefix but not our owner tag left in place',
    });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNamePrefix).toBe('personalize-monitor-alarm-');
    expect(cloudwatch.commandCalls(DeleteAlarmsCommand)[0].args[0].input.AlarmNames).toEqual(out.alarmsDeleted);
    // Tags are read only for the alarms that watch the resource.
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceARN).sort()).toEqual([arnOf(idle), arnOf(low), arnOf(untagged)].sort());
    const entries = events.commandCalls(PutEventsCommand)[0].args[0].input.Entries ?? [];
    expect(entries.map((e) => [e.Source, e.DetailType])).toEqual([
      ['personalize.monitor', 'PersonalizeCampaignDeleted'],
      ['personalize.monitor', 'BuildPersonalizeMonitorDashboard'],
    ]);
    expect(JSON.parse(entries[0].Detail as string)).toEqual({ ARN: CAMPAIGN_ARN, Reason: 'No requests for 24 hours' });
    // The email is NotifyDone's (a separate, retried state): finish itself sends none.
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it.each([
    ['stop', RECOMMENDER_ARN, 'recommender', undefined, 'PersonalizeRecommenderStopped', { ARN: RECOMMENDER_ARN, Reason: 'r' }],
    ['setMinCapacity', CAMPAIGN_ARN, 'campaign', 3, 'PersonalizeCampaignMinProvisionedTPSUpdated', { ARN: CAMPAIGN_ARN, NewMinTPS: 3, Reason: 'r' }],
    ['setMinCapacity', RECOMMENDER_ARN, 'recommender', 3, 'PersonalizeRecommenderMinRecommendationRPSUpdated', { ARN: RECOMMENDER_ARN, NewMinTPS: 3, Reason: 'r' }],
  ] as const)('%s on %s emits the original event', async (action, arn, resourceType, newMin, detailType, detail) => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    await finish({ request: request({ action, resourceArn: arn, resourceType, newMin, reason: 'r', name: 'x' }), run: RUN }, deps());
    const first = events.commandCalls(PutEventsCommand)[0].args[0].input.Entries?.[0];
    expect(first?.DetailType).toBe(detailType);
    expect(JSON.parse(first?.Detail as string)).toEqual(detail);
    // Alarms go only with the resource (stop/delete), not with a new minimum.
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(action === 'stop' ? 1 : 0);
  });

  it('reports alarm and event problems in the done reason instead of failing a finished action', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }, {}] });
    const out = await finish({ request: request(), run: RUN }, deps());
    expect(out.problems).toEqual(['deleting its alarms: AccessDenied: denied', 'sending result events: Error: PutEvents rejected 1 of 2 events (InternalFailure)']);
    expect(out.reason).toMatch(/but: deleting its alarms: AccessDenied/);
  });

  it('lets throttling fail the state so it is retried', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('slow'), { name: 'Throttling' }));
    await expect(finish({ request: request(), run: RUN }, deps())).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('facts shown to the approver', () => {
  it("marks a requester's evidence as unverified, and names the origin", () => {
    const manual = actionFacts(request({ source: 'manual', origin: 'manual' }), RUN);
    expect(manual.find((f) => f.label === 'Evidence')?.value).toMatch(/not verified/);
    expect(manual.find((f) => f.label === 'Requested by')?.value).toMatch(/^manual \(manual\) at /);
    expect(actionFacts(request(), RUN).find((f) => f.label === 'Evidence')).toBeUndefined();
  });
});
