/** The synthesized stack holds every resource the product needs, with the required properties. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { behaviourShape } from '../config/schema';
import { dashboardName } from '../infra/names';
import { TASKS } from '../tasks/registry';
import { list, policiesOfRoleUsedBy, statementsOf, trustPolicies } from './support/iam-view';
import { synth } from './support/synth';
import { FAKE_ACCOUNT, block, resolveReferences, resourceWhere, resourcesOf, type TfJson } from './support/terraform';

// healthCheck on: every task of the registry is deployed (the canary only then).
const { tf, config, outdir } = synth({ PM_HEALTH_CHECK: 'on' });
const stack = config.stackName;

function trustOf(tfJson: TfJson, roleRef: unknown) {
  const address = String(roleRef).replace(/^\$\{|\.arn\}$/g, '');
  return trustPolicies(tfJson).find((t) => t.roleAddress === address)!.document.Statement;
}

describe('Lambda functions', () => {
  it.each(TASKS.map((t) => [t.name, t] as const))('%s: runtime, architecture, sizes, tracing, JSON logs, handler at the zip root', (_, spec) => {
    const fn = resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${spec.name}`);
    expect(fn.body).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: spec.memoryMb ?? config.lambdaMemoryMb,
      timeout: spec.timeoutSeconds,
    });
    expect(block(fn.body.tracing_config).mode).toBe('Active');
    expect(block(fn.body.logging_config)).toMatchObject({ log_format: 'JSON', log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/) });
    // The hash of the bundle directory, not of the zip (whose bytes change with file times).
    expect(String(fn.body.filename)).toContain(`/${fn.body.source_code_hash}/`);
    expect(fn.body.reserved_concurrent_executions).toBeUndefined();
  });

  it('gives each function only the variables its task declares, with the topics of all monitored regions, the home region and the stack name', () => {
    for (const spec of TASKS) {
      const fn = resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${spec.name}`);
      const env = (block(fn.body.environment).variables ?? {}) as Record<string, string>;
      expect(Object.keys(env).filter((k) => k.startsWith('PM_')).sort()).toEqual(spec.environment.filter((v) => v in env).sort());
      if (spec.environment.includes('PM_HOME_REGION')) expect(env.PM_HOME_REGION).toBe(config.homeRegion);
      if (spec.environment.includes('PM_STACK_NAME')) expect(env.PM_STACK_NAME).toBe(stack);
      if (!spec.environment.includes('PM_ALARM_TOPIC_ARNS')) continue;
      const topics = JSON.parse(resolveReferences(env.PM_ALARM_TOPIC_ARNS, tf));
      expect(Object.keys(topics).sort()).toEqual([...config.regions].sort());
      for (const region of config.regions) expect(topics[region]).toBe(`arn:aws:sns:${region}:123456789012:${stack}-notifications`);
    }
    // The ones that need them have them.
    const envOf = (task: string) => block(resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${task}`).body.environment).variables as Record<string, string>;
    expect(envOf('collect').PM_ALARM_TOPIC_ARNS).toBeDefined();
    expect(envOf('summarize-run').PM_HOME_REGION).toBe(config.homeRegion);
    expect(envOf('build-dashboard')).toMatchObject({ PM_HOME_REGION: config.homeRegion, PM_STACK_NAME: stack });
    expect(envOf('action-act').PM_APPROVALS_TABLE).toBeUndefined();
  });

  it('gives every function a role that only Lambda assumes, with ONE inline policy holding the task permissions', () => {
    for (const spec of TASKS) {
      const fn = resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${spec.name}`);
      expect(trustOf(tf, fn.body.role)).toEqual([expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
      const policies = policiesOfRoleUsedBy(tf, fn);
      expect(policies).toHaveLength(1);
      const granted = statementsOf(policies).flatMap((s) => list(s.Action));
      const declared = spec.permissions({ partition: 'aws', accountId: '123456789012', homeRegion: config.homeRegion, regions: config.regions, stackName: stack });
      for (const action of declared.flatMap((d) => d.actions)) expect(granted).toContain(action);
    }
  });

  it('keeps its log group for the configured retention', () => {
    for (const spec of TASKS) {
      const group = resourceWhere(tf, 'aws_cloudwatch_log_group', 'name', `/aws/lambda/${stack}-${spec.name}`);
      expect(group.body.retention_in_days).toBe(config.logRetentionDays);
    }
  });

  it('bundles every task to at most 250 KB of minified code', () => {
    for (const spec of TASKS) {
      const size = fs.statSync(path.join(outdir, 'dist', spec.name, 'index.js')).size;
      expect({ task: spec.name, under250KB: size <= 250 * 1024 }).toEqual({ task: spec.name, under250KB: true });
    }
  });
});

describe('MONITOR state machine', () => {
  const sm = resourceWhere(tf, 'aws_sfn_state_machine', 'name', `${stack}-monitor`);

  it('is EXPRESS, traced, and logs everything with execution data', () => {
    expect(sm.body.type).toBe('EXPRESS');
    expect(block(sm.body.tracing_configuration).enabled).toBe(true);
    expect(block(sm.body.logging_configuration)).toMatchObject({ level: 'ALL', include_execution_data: true });
  });

  it('runs with a role only Step Functions of this account assumes', () => {
    expect(trustOf(tf, sm.body.role_arn)).toEqual([
      expect.objectContaining({ Principal: { Service: 'states.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': FAKE_ACCOUNT } } }),
    ]);
  });

  it('embeds every behaviour key of the configuration as the run defaults', () => {
    const definition = JSON.parse(resolveReferences(String(sm.body.definition), tf));
    const defaults = definition.States.ValidateRunInput.Parameters.Payload.defaults;
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(behaviourShape).sort());
    expect(defaults.regions).toEqual(config.regions);
    expect(defaults.idleThresholdHours).toBe(config.idleThresholdHours);
  });
});

describe('notifications', () => {
  it('creates one topic per monitored region, placed with the provider-6 region argument', () => {
    // With healthCheck on, each region also has a critical topic (kpi-alarms.test.ts).
    const topics = resourcesOf(tf, 'aws_sns_topic').filter((t) => t.body.name !== `${stack}-critical`);
    expect(topics.map((t) => t.body.region).sort()).toEqual([...config.regions].sort());
    for (const t of topics) {
      expect(t.body.name).toBe(`${stack}-notifications`);
      expect(t.body.kms_master_key_id).toBeUndefined();
    }
  });

  it('subscribes the notification email in every region', () => {
    const subs = resourcesOf(tf, 'aws_sns_topic_subscription');
    expect(subs.map((s) => [s.body.region, s.body.protocol, s.body.endpoint]).sort()).toEqual(config.regions.map((r) => [r, 'email', 'ops@example.com']).sort());
  });

  it('subscribes nobody without an email, and a disabled schedule stays DISABLED', () => {
    // Without an email nobody could approve: capacity findings are only reported.
    const quiet = synth({ PM_NOTIFICATION_ENDPOINT: undefined, PM_SCHEDULE_ENABLED: 'No', PM_CAPACITY_ACTION_MODE: 'report' }).tf;
    expect(resourcesOf(quiet, 'aws_sns_topic_subscription')).toEqual([]);
    expect(resourcesOf(quiet, 'aws_scheduler_schedule')[0].body.state).toBe('DISABLED');
  });
});

describe('schedule', () => {
  const schedule = resourceWhere(tf, 'aws_scheduler_schedule', 'name', `${stack}-monitor`);

  it('starts the MONITOR on the configured rate with an empty run input', () => {
    expect(schedule.body).toMatchObject({ schedule_expression: config.scheduleExpression, state: 'ENABLED' });
    const target = block(schedule.body.target);
    expect(target.arn).toBe(`\${${resourceWhere(tf, 'aws_sfn_state_machine', 'name', `${stack}-monitor`).address}.arn}`);
    expect(JSON.parse(String(target.input))).toEqual({});
  });

  it('runs with a role only EventBridge Scheduler of this account assumes', () => {
    expect(trustOf(tf, block(schedule.body.target).role_arn)).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': FAKE_ACCOUNT } } }),
    ]);
  });
});

describe('state table', () => {
  const table = resourceWhere(tf, 'aws_dynamodb_table', 'name', `${stack}-state`);
  const fnOf = (task: string) => resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${task}`);
  const tableArn = `arn:aws:dynamodb:${config.homeRegion}:${FAKE_ACCOUNT}:table/${stack}-state`;

  it('is on-demand, keyed pk/sk (key attributes only, trap 22), expires by expiresAt, encrypted, without point-in-time recovery (a cache)', () => {
    expect(table.body).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', hash_key: 'pk', range_key: 'sk' });
    expect(table.body.read_capacity).toBeUndefined();
    expect(list(table.body.attribute as never)).toEqual([{ name: 'pk', type: 'S' }, { name: 'sk', type: 'S' }]);
    expect(block(table.body.ttl)).toEqual({ enabled: true, attribute_name: 'expiresAt' });
    expect(block(table.body.point_in_time_recovery).enabled).toBe(false);
    expect(block(table.body.server_side_encryption).enabled).toBe(true);
  });

  it('is named in the environment of collect and build-dashboard only, which may Query it (collect also BatchWriteItem)', () => {
    for (const f of resourcesOf(tf, 'aws_lambda_function')) {
      const env = (block(f.body.environment).variables ?? {}) as Record<string, string>;
      const task = String(f.body.function_name).slice(stack.length + 1);
      expect([task, env.PM_STATE_TABLE]).toEqual([task, ['collect', 'build-dashboard', 'canary', 'action-recheck', 'data-feed'].includes(task) ? `\${${table.address}.name}` : undefined]);
    }
    const stateActions = (task: string) =>
      statementsOf(policiesOfRoleUsedBy(tf, fnOf(task)))
        .filter((st) => list(st.Resource).some((r) => resolveReferences(String(r), tf) === tableArn))
        .flatMap((st) => list(st.Action))
        .sort();
    expect(stateActions('collect')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
    expect(stateActions('build-dashboard')).toEqual(['dynamodb:Query']);
  });

  it('collect may PutMetricData only when publishUtilizationMetrics is on (default off)', () => {
    const env = block(fnOf('collect').body.environment).variables as Record<string, string>;
    expect(env.PM_PUBLISH_UTILIZATION_METRICS).toBe(String(config.publishUtilizationMetrics));
    const actions = statementsOf(policiesOfRoleUsedBy(tf, fnOf('collect'))).flatMap((st) => list(st.Action));
    expect(actions.includes('cloudwatch:PutMetricData')).toBe(config.publishUtilizationMetrics);
  });
});

describe('provider and outputs', () => {
  it('uses one AWS provider in the home region and data sources for account and partition', () => {
    expect(tf.provider.aws).toHaveLength(1);
    expect(tf.provider.aws[0].region).toBe(config.homeRegion);
    expect(Object.keys(tf.data ?? {}).sort()).toEqual(['aws_caller_identity', 'aws_partition']);
  });

  it('outputs the machine ARN, topic per region, dashboard name and partition-aware console links', () => {
    const out = tf.output!;
    expect(out.monitor_state_machine_arn.value).toMatch(/^\$\{aws_sfn_state_machine\..+\.arn\}$/);
    expect(Object.keys(out.notification_topic_arns.value as object).sort()).toEqual([...config.regions].sort());
    expect(out.dashboard_name.value).toBe(dashboardName(stack));
    for (const key of ['monitor_console_url', 'dashboard_console_url']) {
      expect(String(out[key].value)).toMatch(/^https:\/\/\$\{lookup\(.*"aws-cn" = "console\.amazonaws\.cn".*data\.aws_partition\.partition\.partition/);
    }
  });
});
