/**
 * The health-check canary's infrastructure: with healthCheck 'on' the stack holds the canary
 * function (its environment and least-privilege policy) and its EventBridge Scheduler schedule
 * (rate of the interval, the function as target, no retries, a dead-letter queue, a role that may
 * only invoke it); with healthCheck 'off' it holds neither. The deploy-trap checks pass with it on.
 */
import * as path from 'node:path';
import * as checks from './support/deploy-trap-checks';
import { synth } from './support/synth';
import { block, resolveReferences, resourcesOf, resourceWhere, type TfJson } from './support/terraform';
import { canaryScheduleExpression } from '../infra/canary-schedule';
import { spec as canarySpec } from '../tasks/canary/spec';

const on = synth({ PM_HEALTH_CHECK: 'on', PM_HEALTH_CHECK_INTERVAL_MINUTES: '10', PM_CANARY_USER_ID: 'u-canary', PM_CANARY_ITEM_ID: 'i-1', PM_CANARY_INPUT_LIST: '["a","b"]' });
const off = synth();
const stack = on.config.stackName;

type Statement = { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> };
const list = (v: string | string[]) => (Array.isArray(v) ? [...v] : [v]);
const policyOf = (tf: TfJson, roleAddress: string): Statement[] => {
  const policies = resourcesOf(tf, 'aws_iam_role_policy').filter((p) => String(p.body.role) === '${' + roleAddress + '.name}');
  return policies.flatMap((p) => (JSON.parse(resolveReferences(String(p.body.policy), tf)) as { Statement: Statement[] }).Statement);
};
const addressOf = (ref: unknown) => String(ref).replace(/^\$\{|\.arn\}$/g, '');

describe('healthCheck on: the canary function', () => {
  const fn = resourceWhere(on.tf, 'aws_lambda_function', 'function_name', `${stack}-canary`);

  it('gets its regions, state table, request shape and interval, and nothing else of ours', () => {
    const env = block(fn.body.environment).variables as Record<string, string>;
    expect(Object.keys(env).filter((k) => k.startsWith('PM_')).sort()).toEqual([...canarySpec.environment].sort());
    expect(JSON.parse(env.PM_REGIONS)).toEqual(on.config.regions);
    expect(JSON.parse(env.PM_CANARY_REQUEST)).toEqual({ userId: 'u-canary', itemId: 'i-1', inputList: ['a', 'b'] });
    expect(env.PM_HEALTH_CHECK_INTERVAL_MINUTES).toBe('10');
    expect(resolveReferences(env.PM_STATE_TABLE, on.tf)).toBe(`${stack}-state`);
    expect(fn.body.timeout).toBe(canarySpec.timeoutSeconds);
  });

  it('may ask and read the tags of campaigns and recommenders of the monitored regions, and touch only its own keys of the state table', () => {
    const statements = policyOf(on.tf, addressOf(fn.body.role));
    const actions = statements.flatMap((s) => list(s.Action));
    expect(actions.every((a) => !a.includes('*'))).toBe(true);
    const ask = statements.find((s) => list(s.Action).includes('personalize:GetRecommendations'))!;
    expect(list(ask.Action).sort()).toEqual(['personalize:GetPersonalizedRanking', 'personalize:GetRecommendations']);
    expect(list(ask.Resource).sort()).toEqual(
      on.config.regions.flatMap((r) => [`arn:aws:personalize:${r}:123456789012:campaign/*`, `arn:aws:personalize:${r}:123456789012:recommender/*`]).sort(),
    );
    expect(statements.find((s) => list(s.Action).includes('personalize:ListTagsForResource'))!.Resource).toEqual(ask.Resource);
    const table = `arn:aws:dynamodb:${on.config.homeRegion}:123456789012:table/${stack}-state`;
    const query = statements.find((s) => list(s.Action).includes('dynamodb:Query'))!;
    expect(query).toMatchObject({ Action: 'dynamodb:Query', Resource: table, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['region#*'] } } });
    const own = statements.find((s) => list(s.Action).includes('dynamodb:PutItem'))!;
    expect(list(own.Action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(own).toMatchObject({ Resource: table, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['canary#*'] } } });
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    expect(actions).not.toContain('dynamodb:UpdateItem');
  });
});

describe('healthCheck on: the canary schedule', () => {
  const schedule = resourceWhere(on.tf, 'aws_scheduler_schedule', 'name', `${stack}-canary`);
  const target = block(schedule.body.target);

  it('runs on the interval with no flexible window, targeting the canary function directly', () => {
    expect(schedule.body.schedule_expression).toBe('rate(10 minutes)');
    expect(schedule.body.state).toBe('ENABLED');
    expect(block(schedule.body.flexible_time_window).mode).toBe('OFF');
    expect(String(target.arn)).toMatch(/^\$\{aws_lambda_function\.[^.]+\.arn\}$/);
    expect(resolveReferences(String(target.arn), on.tf)).toBe(`arn:aws:lambda:${on.config.homeRegion}:123456789012:function:${stack}-canary`);
    expect(JSON.parse(resolveReferences(String(target.input), on.tf))).toEqual({});
  });

  it('never retries (a retry would ask every resource twice), drops old events fast, and keeps failures in a Standard DLQ', () => {
    const retry = block(target.retry_policy);
    expect(Number(retry.maximum_retry_attempts)).toBe(0);
    expect(Number(retry.maximum_event_age_in_seconds)).toBeLessThanOrEqual(300);
    expect(Number(retry.maximum_event_age_in_seconds)).toBeGreaterThanOrEqual(60);
    const dlqAddress = addressOf(block(target.dead_letter_config).arn);
    const dlq = on.tf.resource.aws_sqs_queue[dlqAddress.split('.')[1]];
    expect(dlq).toMatchObject({ name: `${stack}-canary-dlq` });
    expect(dlq.fifo_queue).toBeUndefined();
  });

  it('has a role only Scheduler assumes, allowed only to invoke the canary function and send to its DLQ', () => {
    const roleAddress = addressOf(target.role_arn);
    const statements = policyOf(on.tf, roleAddress);
    expect(statements.map((s) => list(s.Action))).toEqual([['lambda:InvokeFunction'], ['sqs:SendMessage']]);
    expect(resolveReferences(String(statements[0].Resource), on.tf)).toBe(resolveReferences(String(target.arn), on.tf));
    expect(statements[1].Resource).toBe(resolveReferences(String(block(target.dead_letter_config).arn), on.tf));
    expect(statements[1].Resource).toBe(`arn:aws:sqs:${on.config.homeRegion}:123456789012:${stack}-canary-dlq`);
    const role = on.tf.resource.aws_iam_role[roleAddress.split('.')[1]];
    const trust = JSON.parse(resolveReferences(String(role.assume_role_policy), on.tf)) as { Statement: { Principal: { Service: string } }[] };
    expect(trust.Statement.map((s) => s.Principal.Service)).toEqual(['scheduler.amazonaws.com']);
    expect(schedule.body.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_iam_role_policy\./)]));
  });

  it('writes a rate of one minute in the singular', () => {
    expect(canaryScheduleExpression(1)).toBe('rate(1 minute)');
    expect(canaryScheduleExpression(5)).toBe('rate(5 minutes)');
    expect(() => canaryScheduleExpression(0)).toThrow(/healthCheckIntervalMinutes/);
  });
});

describe('healthCheck on: the deploy-trap checks still pass', () => {
  const stackDir = path.join(on.outdir, 'cdktf.out', 'stacks', stack);
  const named = {
    stepFunctionsLogging: checks.stepFunctionsLogging,
    stepFunctionsRole: checks.stepFunctionsRole,
    expressRestrictions: checks.expressRestrictions,
    taskPermissions: checks.taskPermissions,
    schedules: checks.schedules,
    noCycles: checks.noCycles,
    topics: checks.topics,
    dynamoTables: checks.dynamoTables,
    runtimeIam: checks.runtimeIam,
    limits: checks.limits,
    templateStrings: checks.templateStrings,
    leastPrivilege: checks.leastPrivilege,
    eventBuses: checks.eventBuses,
    metricAlarms: checks.metricAlarms,
  };
  it.each(Object.entries(named))('%s', (_, check) => {
    expect(check(on.tf)).toEqual([]);
  });
  it('lambdaFunctions (the canary bundle included)', () => {
    expect(checks.lambdaFunctions(on.tf, stackDir)).toEqual([]);
  });
  it('the schedules check sees both schedules', () => {
    expect(resourcesOf(on.tf, 'aws_scheduler_schedule').map((s) => s.body.name).sort()).toEqual([`${stack}-canary`, `${stack}-monitor`]);
  });
});

describe('healthCheck off', () => {
  it('deploys neither the canary function nor its schedule, queue or role', () => {
    const stackOff = off.config.stackName;
    expect(off.config.healthCheck).toBe('off');
    expect(resourcesOf(off.tf, 'aws_lambda_function').map((f) => f.body.function_name)).not.toContain(`${stackOff}-canary`);
    expect(resourcesOf(off.tf, 'aws_scheduler_schedule').map((s) => s.body.name)).toEqual([`${stackOff}-monitor`]);
    expect(resourcesOf(off.tf, 'aws_sqs_queue').map((q) => q.body.name)).not.toContain(`${stackOff}-canary-dlq`);
    expect(resourcesOf(off.tf, 'aws_iam_role').map((r) => r.body.name)).not.toContain(`${stackOff}-canary-scheduler`);
    // The others are all there.
    expect(resourcesOf(off.tf, 'aws_lambda_function').map((f) => f.body.function_name)).toContain(`${stackOff}-collect`);
  });
});
