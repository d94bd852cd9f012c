/**
 * The synthesized MONITOR, EXECUTED: the definition from cdk.tf.json runs in aws-local-stepfunctions
 * with the real validate-input, collect and summarize-run handlers (Personalize and CloudWatch
 * mocked) and recorders for EventBridge and SNS.
 */
import { CloudWatchClient, GetDashboardCommand, PutDashboardCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListCampaignsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { decisionSlot, FIVE_MINUTES_MS, MINUTE_MS } from '../core/time';
import { resetCaches } from '../tasks/collect/discovery';
import { resetClients } from '../tasks/collect/handler';
import { resetState } from '../tasks/summarize-run/handler';
import { campaign, campaignArn, fakeAccount, serveAccount, serveAlarms, serveMetrics } from './support/collect-fixtures';
import { serveStateTable } from './support/state-table-fake';
import { synth } from './support/synth';
import { OK_SERVICES, runWorkflow, type ServiceRecorder } from './support/workflow';

const { tf, config } = synth();
const MACHINE = `${config.stackName}-monitor`;
const HOME_TOPIC = `arn:aws:sns:us-east-1:123456789012:${config.stackName}-notifications`;
const personalize = mockClient(PersonalizeClient);
const cloudwatch = mockClient(CloudWatchClient);
const dynamodb = mockClient(DynamoDBClient);

/** An idle campaign with a minimum of 2: both idle and over-provisioned in its decision slot. */
const ARN = campaignArn(1);
const START = new Date(Date.parse('2025-03-03T12:00:00Z') + decisionSlot(ARN) * FIVE_MINUTES_MS + 2 * MINUTE_MS).toISOString();

beforeEach(() => {
  resetCaches();
  resetClients();
  resetState();
  serveAccount(personalize, fakeAccount([campaign(1, { minProvisionedTPS: 2 })]));
  serveMetrics(cloudwatch, () => 0);
  serveAlarms(cloudwatch);
  serveStateTable(dynamodb);
  // No dashboard yet: the first rebuild creates it.
  cloudwatch.on(GetDashboardCommand).rejects(Object.assign(new Error('Dashboard does not exist'), { name: 'ResourceNotFound' }));
  cloudwatch.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [] });
});
afterEach(() => {
  personalize.reset();
  cloudwatch.reset();
  dynamodb.reset();
});

function run(input: unknown, services: Record<string, ServiceRecorder> = OK_SERVICES) {
  return runWorkflow({ tf, stateMachineName: MACHINE, input, services, startTime: START, executionName: 'scheduled-1' });
}

describe('MONITOR execution', () => {
  it('dry run: finds the idle, over-provisioned campaign, notifies each finding and requests nothing', async () => {
    const result = await run({ dryRun: true, regions: ['us-east-1'] });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ anyRegionFailed: false, dryRun: true, findings: 2, regions: { ok: ['us-east-1'], failed: [] }, executionName: 'scheduled-1' });
    expect(result.calls.map((c) => c.integration)).toEqual(['sns:publish', 'sns:publish']);
    for (const call of result.calls) {
      expect(call.parameters).toMatchObject({ TopicArn: HOME_TOPIC, Subject: expect.any(String), Message: expect.stringContaining('camp-1') });
    }
    // First run this container has seen: the fleet counts as changed. A dry run draws no dashboard:
    // the summary says it would have been rebuilt, and the builder is not started.
    expect(result.lambdaCalls.map((c) => c.task)).toEqual(['validate-input', 'collect', 'data-feed', 'summarize-run']);
    expect(result.output).toMatchObject({ fleetChanged: true, metricsWritten: 0, alarms: { created: 0, updated: 0, deleted: 0 }, wouldWrite: { dashboard: true, alarms: { created: 2 } } });
    // Lean (publishUtilizationMetrics off): only monitoredResourceCount, not written.
    expect((result.output as { wouldWrite: { metrics: number } }).wouldWrite.metrics).toBe(1);
    expect(cloudwatch.commandCalls(PutDashboardCommand)).toHaveLength(0);
    expect(cloudwatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    expect(cloudwatch.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
  });

  it('a real run redraws the dashboard when the fleet changed (first run of the container)', async () => {
    const result = await run({ regions: ['us-east-1'] });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ fleetChanged: true, dryRun: false, wouldWrite: { metrics: 0, alarms: { created: 0, updated: 0, deleted: 0 }, dashboard: false } });
    expect(result.lambdaCalls.map((c) => c.task)).toEqual(['validate-input', 'collect', 'data-feed', 'summarize-run', 'build-dashboard']);
    expect(result.lambdaCalls[4].payload).toEqual({ reason: 'fleet changed', run: expect.objectContaining({ now: START }) });
    expect(result.lambdaCalls[4].error).toBeUndefined();
    const put = cloudwatch.commandCalls(PutDashboardCommand);
    expect(put).toHaveLength(1);
    expect(put[0].args[0].input.DashboardName).toBe(`${config.stackName}-dashboard`);
    expect(put[0].args[0].input.DashboardBody).toContain(ARN);
  });

  it('the same fleet on the next run does not redraw the dashboard', async () => {
    await run({ regions: ['us-east-1'] });
    const second = await run({ regions: ['us-east-1'] });
    expect(second.status).toBe('SUCCEEDED');
    expect(second.output).toMatchObject({ fleetChanged: false });
    expect(second.lambdaCalls.map((c) => c.task)).toEqual(['validate-input', 'collect', 'data-feed', 'summarize-run']);
  });

  it('a dry run does not use up a fleet change: the next real run still redraws', async () => {
    await run({ dryRun: true, regions: ['us-east-1'] });
    const dry = await run({ dryRun: true, regions: ['us-east-1'] });
    expect(dry.output).toMatchObject({ fleetChanged: false, wouldWrite: { dashboard: false } });
    const real = await run({ regions: ['us-east-1'] });
    expect(real.output).toMatchObject({ fleetChanged: true });
    expect(real.lambdaCalls.map((c) => c.task)).toContain('build-dashboard');
  });

  it('deleting idle resources enabled: starts the ACTION with the original request event, named after the finding', async () => {
    const result = await run({ regions: ['us-east-1'], autoDeleteOrStopIdleResources: true });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.map((c) => c.state)).toEqual(['StartIdleAction']);
    expect(result.calls[0].parameters).toEqual({
      StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${config.stackName}-action`,
      Name: expect.stringMatching(/^delete-[0-9a-f]{16}-[0-9a-f]{12}$/),
      // The MONITOR's envelope: the ACTION reads the origin from it, never from the event's fields.
      Input: { finding: { 'detail-type': 'DeletePersonalizeCampaign', detail: expect.objectContaining({ ARN }) } },
    });
  });

  it('a finding already requested (same execution name) is not an error', async () => {
    const services = {
      ...OK_SERVICES,
      'states:startExecution': () => {
        throw Object.assign(new Error('Execution already exists'), { name: 'StepFunctions.ExecutionAlreadyExistsException' });
      },
    };
    const result = await run({ regions: ['us-east-1'], autoDeleteOrStopIdleResources: true }, services);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ findings: 1 });
    expect(result.calls.map((c) => c.state)).toEqual(['StartIdleAction']);
  });

  it('only lowering minimums enabled: requests the capacity change; the idle finding is only reported', async () => {
    const result = await run({ regions: ['us-east-1'], autoDeleteOrStopIdleResources: false, autoAdjustMinTps: true });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.map((c) => c.state)).toEqual(['StartCapacityChange']);
    expect(result.calls[0].parameters.Name).toMatch(/^setMinCapacity-[0-9a-f]{16}-[0-9a-f]{12}$/);
    expect(result.calls[0].parameters.Input).toMatchObject({ finding: { 'detail-type': 'UpdatePersonalizeCampaignMinProvisionedTPS', detail: { ARN, NewMinTPS: 1 } } });
    expect(result.output).toMatchObject({ findings: 2 });
  });

  it('acting disabled and not a dry run: reports only (output and logs), no request, no email', async () => {
    const result = await run({ regions: ['us-east-1'], autoDeleteOrStopIdleResources: false, autoAdjustMinTps: false });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls).toEqual([]);
  });

  it('a region that cannot be listed is recorded, the other region still runs, then the run fails with RegionsFailed', async () => {
    personalize.on(ListCampaignsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') throw Object.assign(new Error('not authorized to list'), { name: 'AccessDeniedException' });
      return { campaigns: [{ name: 'camp-1', campaignArn: ARN, status: 'ACTIVE', creationDateTime: new Date('2025-01-01'), lastUpdatedDateTime: new Date('2025-01-01') }] };
    });

    const result = await run({ dryRun: true });

    // The execution's cause itself names the failed region and its error.
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'RegionsFailed',
      cause: '1 of 2 regions failed: eu-west-1: RegionCollectError: region eu-west-1: ListCampaigns failed on page 1: AccessDeniedException: not authorized to list',
    });
    const summary = result.lambdaCalls.find((c) => c.task === 'summarize-run')!;
    expect(summary.payload).toMatchObject({ regionResults: expect.arrayContaining([expect.objectContaining({ region: 'eu-west-1', ok: false })]) });
    expect(summary.result).toMatchObject({ anyRegionFailed: true, failureCause: result.cause, regions: { ok: ['us-east-1'], failed: [expect.objectContaining({ region: 'eu-west-1' })] } });
    expect(result.calls.filter((c) => c.integration === 'sns:publish')).toHaveLength(2);
  });

  it('an invalid run input fails the execution with the task error before anything is collected', async () => {
    const result = await run({ dryRun: 'maybe' });

    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidRunInputError' });
    expect(JSON.parse(result.cause!).errorMessage).toContain('dryRun');
    expect(result.lambdaCalls.map((c) => c.task)).toEqual(['validate-input']);
  });

  it('a notification that keeps failing is retried, recorded as undelivered, and does not stop the run', async () => {
    const failingSns: ServiceRecorder = () => {
      throw Object.assign(new Error('Topic is being deleted'), { name: 'SNS.SnsException' });
    };
    const result = await run({ dryRun: true, regions: ['us-east-1'] }, { ...OK_SERVICES, 'sns:publish': failingSns });

    expect(result.status).toBe('SUCCEEDED');
    // 2 findings × (1 attempt + 2 retries)
    expect(result.calls.filter((c) => c.integration === 'sns:publish')).toHaveLength(6);
    expect(result.output).toMatchObject({ anyRegionFailed: false, findings: 2 });
  });
});
