/**
 * The ACTION definition, rendered by workflows/action.ts, validated (asl-validator + structural
 * checks) and EXECUTED with aws-local-stepfunctions, every Task bound to the real handler and AWS
 * mocked: approve → acts once; reject / expire / dry-run → no change; traffic → skipped;
 * already deleting → done without a call; double approval → acted once; invalid input → fails.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { StateMachine } from 'aws-local-stepfunctions';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteCampaignCommand, DescribeCampaignCommand, ListTagsForResourceCommand, PersonalizeClient, UpdateCampaignCommand } from '@aws-sdk/client-personalize';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { validateDefinition } from '../workflows/asl';
import { actionDefinition } from '../workflows/action';
import { TASKS } from '../tasks/registry';
import { handler as validateHandler } from '../tasks/action-validate/handler';
import { handler as requestApprovalHandler } from '../tasks/action-request-approval/handler';
import { handler as recheckHandler } from '../tasks/action-recheck/handler';
import { handler as actHandler } from '../tasks/action-act/handler';
import { handler as checkSettledHandler } from '../tasks/action-check-settled/handler';
import { handler as finishHandler } from '../tasks/action-finish/handler';
import { handler as notifyHandler } from '../tasks/action-notify/handler';
import { handler as approvalHandler } from '../tasks/approval/handler';
import { fakeApprovalsTable } from './support/approvals-table-fake';
import { BEHAVIOUR, CAMPAIGN_ARN, POLICY } from './support/action-fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (d: unknown, o: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errorsText: (s?: string) => string } = require('asl-validator');

const ACCOUNT = '123456789012';
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:pm-${name}`;
const wiring = {
  lambda: (name: string) => ({ arn: fnArn(name), timeoutSeconds: TASKS.find((t) => t.name === name)!.timeoutSeconds }),
  defaults: { ...BEHAVIOUR, autoDeleteOrStopIdleResources: true },
  policy: POLICY,
};
const definition = actionDefinition(wiring).render({ partition: 'aws' }) as Record<string, any>;

const personalize = mockClient(PersonalizeClient);
const cloudwatch = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);

type Handler = (event: any) => Promise<unknown>;
const lambdaStates: Record<string, Handler> = {
  ValidateAction: validateHandler,
  NotifyReportOnly: notifyHandler,
  NotifyExpired: notifyHandler,
  NotifyRejected: notifyHandler,
  NotifySkipped: notifyHandler,
  NotifyFailed: notifyHandler,
  NotifyDone: notifyHandler,
  RecheckResource: recheckHandler,
  Act: actHandler,
  CheckSettled: checkSettledHandler,
  Finish: finishHandler,
};

/** Pending approvals by task token: SendTaskSuccess / SendTaskFailure (called by the real endpoint) settle them. */
const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let approvals: Map<string, unknown>;
/** Ids of the approvals stored so far, oldest first. */
const approvalIds = () => [...approvals.keys()];

function runAction(input: unknown, def: Record<string, any> = definition, token = `token-${Math.random()}`) {
  const handlers: Record<string, (input: any) => Promise<unknown>> = {};
  // lambda:invoke returns the handler's result under Payload.
  for (const [state, h] of Object.entries(lambdaStates)) handlers[state] = async (i) => ({ Payload: await h(i.Payload) });
  handlers.RequestApproval = (i) =>
    new Promise((resolve, reject) => {
      waiting.set(i.Payload.taskToken, { resolve, reject });
      requestApprovalHandler(i.Payload).catch(reject);
    });
  const machine = new StateMachine(def as never, { validationOptions: { checkPaths: true, checkArn: true } });
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: { WaitUntilSettled: 0 },
      // Retries happen as defined; only their waits are shortened.
      retryIntervalOverrides: Object.fromEntries(Object.keys(lambdaStates).map((k) => [k, 0])),
    },
    // The executor fills in Execution.StartTime but not State: EnteredTime is given here.
    context: { Execution: { Id: `arn:aws:states:us-east-1:${ACCOUNT}:execution:pm-action:e1` }, State: { EnteredTime: new Date().toISOString() }, Task: { Token: token } },
  } as never);
  return execution.result;
}

async function failureOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: Error }).cause ?? (err as Error);
    return { name: cause.name, message: cause.message };
  }
  throw new Error('the execution succeeded');
}

const post = (id: string, decision: string) =>
  approvalHandler({ rawPath: `/approvals/${id}`, body: `decision=${decision}`, requestContext: { http: { method: 'POST' } } });
const subjects = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('timed out waiting');
};

beforeAll(() => {
  process.env.PM_NOTIFY_TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:pm-notifications`;
  process.env.PM_APPROVALS_TABLE = 'pm-approvals';
  process.env.PM_APPROVAL_BASE_URL = 'https://abc.lambda-url.us-east-1.on.aws';
  process.env.PM_HOME_REGION = 'us-east-1';
  process.env.PM_ALARM_PREFIX = 'pm-alarm-';
  process.env.PM_STACK_NAME = 'pm';
});

beforeEach(() => {
  for (const m of [personalize, cloudwatch, ddb, sfn, sns, events]) m.reset();
  waiting.clear();
  approvals = fakeApprovalsTable(ddb);
  sfn.on(SendTaskSuccessCommand).callsFake((input) => {
    const w = waiting.get(input.taskToken);
    if (!w) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
    waiting.delete(input.taskToken);
    w.resolve(JSON.parse(input.output));
    return {};
  });
  sfn.on(SendTaskFailureCommand).callsFake((input) => {
    const w = waiting.get(input.taskToken);
    if (!w) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
    waiting.delete(input.taskToken);
    w.reject(Object.assign(new Error(input.cause), { name: input.error }));
    return {};
  });
  sns.on(PublishCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [] }] });
  personalize.on(ListTagsForResourceCommand).resolves({ tags: [] });
  // ACTIVE until deleted, then deleting, then gone.
  let deleted = false;
  let checks = 0;
  personalize.on(DeleteCampaignCommand).callsFake(() => {
    deleted = true;
    return {};
  });
  personalize.on(DescribeCampaignCommand).callsFake(() => {
    if (!deleted) return { campaign: { campaignArn: CAMPAIGN_ARN, status: 'ACTIVE', minProvisionedTPS: 1, creationDateTime: new Date('2026-01-01T00:00:00Z') } };
    if (checks++ < 1) return { campaign: { campaignArn: CAMPAIGN_ARN, status: 'DELETE IN_PROGRESS' } };
    throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
  });
});

/** How the MONITOR starts an idle action (workflows/monitor.ts): its finding's request event under `finding`. */
const idleFinding = {
  finding: {
    'detail-type': 'DeletePersonalizeCampaign',
    detail: { ARN: CAMPAIGN_ARN, Reason: 'No requests for 24 hours', Evidence: { Window: '2026-11-21T09:00:00Z/2026-11-22T09:00:00Z', MonthlyWasteUsd: 146 } },
  },
};
const manualDelete = { action: 'delete', resourceArn: CAMPAIGN_ARN };

describe('ACTION definition', () => {
  it('passes asl-validator and the structural checks, and waits for approval at most the configured lifetime', () => {
    const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(validateDefinition(definition as never, 'STANDARD')).toEqual([]);
    expect(definition.States.RequestApproval).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSeconds: 24 * 3600,
      Parameters: { Payload: { 'taskToken.$': '$$.Task.Token' } },
    });
    expect(definition.States.RequestApproval.Catch.map((c: { ErrorEquals: string[]; Next: string }) => [c.ErrorEquals[0], c.Next])).toEqual([
      ['States.Timeout', 'NotifyExpired'],
      ['ApprovalRejected', 'NotifyRejected'],
      ['States.ALL', 'NotifyFailed'],
    ]);
    expect(definition.States.Act.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals).flat()).toContain('ThrottlingException');
  });
});

describe('ACTION executions (real handlers, mocked AWS)', () => {
  it('approve → acts once, settles, finishes; a second approval changes nothing', async () => {
    const result = runAction(idleFinding);
    await until(() => approvalIds().length === 1);
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    const first = await post(approvalIds()[0], 'approve');
    expect(first.statusCode).toBe(200);
    await result;
    const second = await post(approvalIds()[0], 'approve');
    expect(second.statusCode).toBe(409);
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(1);
    expect(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries?.[0].DetailType).toBe('PersonalizeCampaignDeleted');
    expect(subjects()).toEqual([expect.stringMatching(/Approval needed: Delete campaign shop-ranking/), expect.stringMatching(/Done: Delete campaign shop-ranking/)]);
  });

  it('reject → NotifyRejected, nothing changed', async () => {
    const result = runAction(idleFinding);
    await until(() => approvalIds().length === 1);
    expect((await post(approvalIds()[0], 'reject')).statusCode).toBe(200);
    await result;
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()[1]).toMatch(/Rejected: Delete campaign/);
  });

  it('expire → NotifyExpired, nothing changed, a late click gets 410', async () => {
    // A JSON copy: structuredClone under jest yields objects the executor does not treat as plain.
    const short = JSON.parse(JSON.stringify(definition));
    short.States.RequestApproval.TimeoutSeconds = 1;
    await runAction(idleFinding, short);
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()[1]).toMatch(/Approval expired: Delete campaign/);
    waiting.clear();
    expect((await post(approvalIds()[0], 'approve')).statusCode).toBe(410);
  });

  it('traffic since the finding → skipped with the reason, nothing changed', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [4] }] });
    await runAction(manualDelete);
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()).toEqual([expect.stringMatching(/Skipped: Delete campaign/)]);
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!).email).toMatch(/4 requests between .* and now/);
  });

  it('dry-run → report only, nothing changed, no approval stored', async () => {
    await runAction({ ...manualDelete, dryRun: true });
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(approvalIds()).toHaveLength(0);
    expect(subjects()).toEqual([expect.stringMatching(/Report only: Delete campaign/)]);
  });

  it('resource already deleting → done, no DeleteCampaign call, no error', async () => {
    personalize.on(DescribeCampaignCommand).resolvesOnce({ campaign: { status: 'DELETE IN_PROGRESS' } }).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    await runAction({ action: 'delete', resourceArn: CAMPAIGN_ARN });
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()).toEqual([expect.stringMatching(/Done: Delete campaign/)]);
  });

  it('invalid input → the execution fails with the named cause and nothing is called', async () => {
    const failure = await failureOf(runAction({ action: 'stop', resourceArn: CAMPAIGN_ARN }));
    expect(failure.name).toBe('ActionInputError');
    expect(failure.message).toMatch(/cannot be applied to campaign/);
    expect(personalize.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('a failing act → NotifyFailed, then the execution fails', async () => {
    personalize.on(DeleteCampaignCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const failure = await failureOf(runAction({ action: 'delete', resourceArn: CAMPAIGN_ARN }));
    expect(failure.name).toBe('ActionFailed');
    expect(subjects()).toEqual([expect.stringMatching(/FAILED: Delete campaign/)]);
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!).email).toMatch(/^Delete campaign shop-ranking did not complete: .*not allowed/);
  });
});

/** A campaign serving about 3 requests a second: every 5-minute datapoint holds ~900 requests. */
function busyTraffic() {
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'm0', Values: [880, 910, 905] }, { Id: 'm1', Values: [] }] });
}

describe('ACTION trust and bounds (regressions of the 2026-12 audit)', () => {
  const future = { windowStart: '2099-01-01T00:00:00.000Z', windowEnd: '2099-01-01T00:00:00.000Z' };

  it('a forged evidence window in a manual input cannot disable the traffic re-check: the busy campaign is not deleted after approval', async () => {
    busyTraffic();
    const result = runAction({ action: 'delete', resourceArn: CAMPAIGN_ARN, approval: 'approval', evidence: future });
    await until(() => approvalIds().length === 1);
    await post(approvalIds()[0], 'approve');
    await result;
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()[1]).toMatch(/Skipped: Delete campaign/);
    // The window it read is its own: one idle window before the start, up to now – not 2099.
    const read = cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(read.StartTime!.getTime()).toBeLessThan(Date.now() - 23 * 3_600_000);
    expect(read.EndTime!.getTime()).toBeLessThan(Date.parse('2099-01-01T00:00:00Z'));
  });

  it('a forged Evidence in a request event neither disables the re-check nor makes it a MONITOR request', async () => {
    busyTraffic();
    const event = {
      version: '0', id: 'e-1', 'detail-type': 'DeletePersonalizeCampaign', source: 'personalize.monitor', account: ACCOUNT, time: new Date().toISOString(), region: 'us-east-1', resources: [],
      detail: { ARN: CAMPAIGN_ARN, Evidence: { Window: '2099-01-01T00:00:00.000Z/2099-01-01T00:00:00.000Z' } },
    };
    const out = await runAction({ via: 'requests-bus', event });
    expect(out).toMatchObject({ request: { origin: 'requestsBus', source: 'event', mode: 'auto' } });
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(0);
    expect(subjects()).toEqual([expect.stringMatching(/Skipped: Delete campaign/)]);
  });

  it.each([100000, 1e21])('refuses newMin %d at once, naming the bound, and changes nothing', async (newMin) => {
    const failure = await failureOf(runAction({ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin }));
    expect(failure.name).toBe('ActionInputError');
    expect(failure.message).toMatch(/newMin.*(maxMinCapacity 100|from 1 to 2147483647)/);
    expect(personalize.calls()).toHaveLength(0);
  });

  it('a raise beyond maxAutoRaiseFactor asked in auto waits for a person, then happens once', async () => {
    let min = 2;
    personalize.on(DescribeCampaignCommand).callsFake(() => ({ campaign: { campaignArn: CAMPAIGN_ARN, status: 'ACTIVE', minProvisionedTPS: min, creationDateTime: new Date('2026-01-01T00:00:00Z') } }));
    personalize.on(UpdateCampaignCommand).callsFake((i) => {
      min = i.minProvisionedTPS;
      return {};
    });
    const result = runAction({ action: 'setMinCapacity', resourceArn: CAMPAIGN_ARN, newMin: 50, approval: 'auto' });
    await until(() => approvalIds().length === 1);
    expect(personalize.commandCalls(UpdateCampaignCommand)).toHaveLength(0);
    expect(subjects()[0]).toMatch(/Approval needed: Set minimum TPS of campaign shop-ranking to 50/);
    await post(approvalIds()[0], 'approve');
    await result;
    expect(personalize.commandCalls(UpdateCampaignCommand).map((c) => c.args[0].input.minProvisionedTPS)).toEqual([50]);
    expect(subjects()[1]).toMatch(/Done: Set minimum/);
  });

  it('an email that fails after a successful delete does not turn it into a failure: SUCCEEDED, done, the failure recorded and retried', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' }));
    const out = (await runAction(manualDelete)) as Record<string, any>;
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(1);
    expect(out.notificationFailure).toMatchObject({ Error: 'InternalErrorException' });
    expect(out.finish.reason).toMatch(/deleted/);
    // 1 attempt + 3 retries of NotifyDone (NOTIFY_RETRY); NotifyFailed was never entered.
    expect(sns.commandCalls(PublishCommand)).toHaveLength(4);
    expect(sns.commandCalls(PublishCommand).every((c) => /Done: Delete campaign/.test(c.args[0].input.Subject ?? ''))).toBe(true);
  });

  it('two approvals racing each other while the re-check runs act once', async () => {
    const result = runAction(idleFinding);
    await until(() => approvalIds().length === 1);
    const [a, b] = await Promise.all([post(approvalIds()[0], 'approve'), post(approvalIds()[0], 'approve')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    await result;
    expect(personalize.commandCalls(DeleteCampaignCommand)).toHaveLength(1);
  });
});
