/**
 * The local execution harness binds every Task of a synthesized definition: Lambda Tasks to the
 * real task handlers, service integrations to recorders; it refuses what it cannot bind.
 */
import { DEFAULT_BEHAVIOUR } from '../config/schema';
import { Choice, Condition, StateMachineDefinition, Succeed, lambdaInvoke, path, snsPublish, type JsonObject } from '../workflows/asl';
import type { TfJson } from './support/terraform';
import { runWorkflow } from './support/workflow';

const ref = (s: string) => '${' + s + '}';

/** A tiny stack: validate-input's function, a topic, and a machine that notifies on dry runs. */
function stack(functionName = 'h-validate-input'): TfJson {
  const definition = new StateMachineDefinition(
    lambdaInvoke('ValidateRunInput', {
      functionArn: ref('aws_lambda_function.validate.arn'),
      payload: {
        defaults: { ...DEFAULT_BEHAVIOUR, regions: ['us-east-1'] } as unknown as JsonObject,
        input: path('$'),
        startedAt: path('$$.Execution.StartTime'),
        executionName: path('$$.Execution.Name'),
      },
    }).next(
      new Choice('IsDryRun')
        .when(Condition.booleanEquals('$.run.dryRun', true), snsPublish('Tell', { topicArn: ref('aws_sns_topic.t.arn'), subject: 'dry run', message: path('$.run.executionName') }))
        .otherwise(new Succeed('Done')),
    ),
    { type: 'EXPRESS' },
  ).render({ partition: ref('data.aws_partition.p.partition') });
  return {
    terraform: {},
    provider: { aws: [{ region: 'us-east-1' }] },
    data: { aws_partition: { p: {} } },
    resource: {
      aws_lambda_function: { validate: { function_name: functionName, environment: { variables: { PM_STACK_NAME: 'h', PM_HOME_REGION: 'us-east-1' } } } },
      aws_sns_topic: { t: { name: 'h-notifications' } },
      aws_sfn_state_machine: { m: { name: 'h-machine', type: 'EXPRESS', definition: JSON.stringify(definition) } },
    },
  };
}

describe('workflow harness', () => {
  it('runs the real handler with the execution context and records service calls with references resolved', async () => {
    const result = await runWorkflow({
      tf: stack(),
      stateMachineName: 'h-machine',
      input: { dryRun: true },
      executionName: 'run-42',
      startTime: '2025-03-03T12:02:00.000Z',
      services: { 'sns:publish': () => ({ MessageId: 'm-1' }) },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaCalls).toEqual([
      expect.objectContaining({ state: 'ValidateRunInput', task: 'validate-input', payload: expect.objectContaining({ startedAt: '2025-03-03T12:02:00.000Z', executionName: 'run-42' }) }),
    ]);
    expect(result.calls).toEqual([
      { state: 'Tell', integration: 'sns:publish', parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:h-notifications', Subject: 'dry run', Message: 'run-42' } },
    ]);
  });

  it('reports a handler error as Step Functions does: the error name, and a JSON cause', async () => {
    const result = await runWorkflow({ tf: stack(), stateMachineName: 'h-machine', input: { dryRun: 'maybe' }, services: { 'sns:publish': () => ({}) } });

    expect(result).toMatchObject({ status: 'FAILED', error: 'InvalidRunInputError' });
    expect(JSON.parse(result.cause!)).toMatchObject({ errorType: 'InvalidRunInputError', errorMessage: expect.stringContaining('dryRun') });
    expect(result.calls).toEqual([]);
  });

  it('refuses to run when a service Task has no recorder', async () => {
    await expect(runWorkflow({ tf: stack(), stateMachineName: 'h-machine', input: {} })).rejects.toThrow(/Tell: no recorder for sns:publish/);
  });

  it('refuses to run when a Lambda Task is not the function of a registered task', async () => {
    await expect(runWorkflow({ tf: stack('h-unknown'), stateMachineName: 'h-machine', input: {}, services: { 'sns:publish': () => ({}) } })).rejects.toThrow(
      /function h-unknown is not a task of tasks\/registry\.ts/,
    );
  });
});
