/**
 * The synthesized cdk.tf.json is free of every first-deploy trap that applies to what it holds
 * (the traps each check in ./support/deploy-trap-checks.ts names, numbered as our deploy notes number them). Each check is also shown to catch a broken copy.
 */
import * as path from 'node:path';
import * as checks from './support/deploy-trap-checks';
import { synth } from './support/synth';
import { resourcesOf, type TfJson } from './support/terraform';

const { tf, outdir, config } = synth({ PM_EXEMPTION_TAG_KEY: 'Exempt${var.x}%{if}' });
const stackDir = path.join(outdir, 'cdktf.out', 'stacks', config.stackName);

/** A deep copy with `edit` applied to the first resource of `type`. */
function broken(type: string, edit: (body: Record<string, any>, tf: TfJson) => void, which: (body: Record<string, any>) => boolean = () => true): TfJson {
  const copy = structuredClone(tf);
  const name = Object.keys(copy.resource[type]).find((n) => which(copy.resource[type][n]));
  if (!name) throw new Error(`no ${type} to break`);
  edit(copy.resource[type][name], copy);
  return copy;
}

describe('Step Functions (traps 1-4)', () => {
  it('logs to a /aws/vendedlogs/states group with a ":*" destination and a valid level and name', () => {
    expect(checks.stepFunctionsLogging(tf)).toEqual([]);
    expect(checks.stepFunctionsLogging(broken('aws_sfn_state_machine', (b) => (b.logging_configuration.log_destination = b.logging_configuration.log_destination.replace(':*', ''))))).toHaveLength(1);
  });

  it('grants log delivery and X-Ray on "*" and creates the machine only after that policy', () => {
    expect(checks.stepFunctionsRole(tf)).toEqual([]);
    expect(checks.stepFunctionsRole(broken('aws_sfn_state_machine', (b) => delete b.depends_on))).toEqual([expect.stringContaining('depends_on')]);
  });

  it('uses no .sync / .waitForTaskToken and no more than 5 minutes in EXPRESS machines', () => {
    expect(checks.expressRestrictions(tf)).toEqual([]);
    const sync = broken(
      'aws_sfn_state_machine',
      (b) => (b.definition = b.definition.replace('states:::lambda:invoke"', 'states:::lambda:invoke.waitForTaskToken"')),
      (b) => b.type === 'EXPRESS',
    );
    expect(checks.expressRestrictions(sync).length).toBeGreaterThan(0);
  });

  it('lets the machine role invoke, publish and put events exactly where its Tasks do', () => {
    expect(checks.taskPermissions(tf)).toEqual([]);
    const noInvoke = structuredClone(tf);
    const sfnPolicy = Object.values(noInvoke.resource.aws_iam_role_policy).find((p) => String(p.policy).includes('CreateLogDelivery'))!;
    const doc = JSON.parse(String(sfnPolicy.policy));
    for (const st of doc.Statement) if (st.Action === 'lambda:InvokeFunction') st.Resource = st.Resource.filter((r: string) => !r.endsWith(':*'));
    sfnPolicy.policy = JSON.stringify(doc); // without the ARN:* (qualified) grants
    expect(checks.taskPermissions(noInvoke)).toEqual(expect.arrayContaining([expect.stringContaining('lambda:InvokeFunction')]));
  });
});

describe('EventBridge Scheduler (traps 6-8)', () => {
  it('has its own role, a Standard DLQ, OFF window, bounded retries, JSON input and depends on its policy', () => {
    expect(resourcesOf(tf, 'aws_scheduler_schedule')).toHaveLength(1);
    expect(checks.schedules(tf)).toEqual([]);
  });

  it('catches a schedule that could fire before its policy exists or retries out of range', () => {
    const bad = broken('aws_scheduler_schedule', (b) => {
      delete b.depends_on;
      b.target.retry_policy.maximum_event_age_in_seconds = 30;
    });
    expect(checks.schedules(bad)).toHaveLength(2);
  });
});

describe('Lambda (traps 9-13)', () => {
  it('traces with permission, logs to its own group, reserves nothing, has a clean environment and index.js at the zip root', () => {
    expect(resourcesOf(tf, 'aws_lambda_function').length).toBeGreaterThanOrEqual(3);
    expect(checks.lambdaFunctions(tf, stackDir)).toEqual([]);
  });

  it('catches reserved concurrency and a reserved environment key', () => {
    const bad = broken('aws_lambda_function', (b) => {
      b.reserved_concurrent_executions = 5;
      b.environment.variables.AWS_REGION = 'us-east-1';
    });
    expect(checks.lambdaFunctions(bad)).toHaveLength(2);
  });
});

describe('references (trap 14)', () => {
  it('has no reference cycle', () => {
    expect(checks.noCycles(tf)).toEqual([]);
  });

  it('finds a cycle through depends_on and references', () => {
    const bad = structuredClone(tf);
    const [fn, body] = Object.entries(bad.resource.aws_lambda_function)[0];
    const policyName = (body.depends_on as string[])[0].split('.')[1];
    bad.resource.aws_iam_role_policy[policyName].depends_on = [`aws_lambda_function.${fn}`];
    expect(checks.noCycles(bad)).toEqual([expect.stringMatching(/^reference cycle: /)]);
  });
});

describe('SNS (traps 16-17)', () => {
  it('has one topic per monitored region, unencrypted by the AWS-managed key, with one policy for alarms and rules', () => {
    expect(resourcesOf(tf, 'aws_sns_topic')).toHaveLength(config.regions.length);
    expect(checks.topics(tf)).toEqual([]);
    expect(checks.topics(broken('aws_sns_topic', (b) => (b.kms_master_key_id = 'alias/aws/sns')))).toHaveLength(1);
  });
});

describe('CloudWatch alarms in Terraform (traps 17-18, PutMetricAlarm rules)', () => {
  it("the monitor's own alarms notify the home topic, which lets them publish, with valid windows", () => {
    const alarms = resourcesOf(tf, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => String(a.body.alarm_name).replace(/^.*Monitor-/, '')).sort()).toEqual(['ActionsFailed', 'ApprovalErrors', 'NotRunning', 'RunsFailed', 'RunsTimedOut', 'ScheduleDeadLetters']);
    expect(checks.metricAlarms(tf)).toEqual([]);
    // Only the dead-man alarm treats missing data as breaching: it speaks for "no data".
    expect(alarms.filter((a) => a.body.treat_missing_data === 'breaching').map((a) => String(a.body.alarm_name))).toEqual([expect.stringMatching(/Monitor-NotRunning$/)]);
  });

  it('catches an alarm whose name the topic policy does not cover, a bad period and both metric forms', () => {
    const renamed = broken('aws_cloudwatch_metric_alarm', (b) => (b.alarm_name = 'someone-else-RunsFailed'));
    expect(checks.metricAlarms(renamed)).toEqual([expect.stringContaining('does not let this alarm')]);
    const bad = broken('aws_cloudwatch_metric_alarm', (b) => {
      b.period = 90;
      b.metric_query = [{ id: 'm1', expression: 'm1' }];
    });
    expect(checks.metricAlarms(bad)).toEqual([expect.stringContaining('not both'), expect.stringContaining('period 90 s')]);
    const long = broken('aws_cloudwatch_metric_alarm', (b) => (b.evaluation_periods = 300));
    expect(checks.metricAlarms(long)).toEqual([expect.stringContaining('exceeds')]);
  });
});

describe('EventBridge buses, policies and rules (traps 20-21, custom buses)', () => {
  it('has the requests bus with a policy on itself, rules and targets on the same bus, valid input templates', () => {
    expect(resourcesOf(tf, 'aws_cloudwatch_event_bus')).toHaveLength(1);
    expect(checks.eventBuses(tf)).toEqual([]);
  });

  it('catches a target left on the default bus, a broken template, a policy on another resource, a reserved bus name', () => {
    const onBus = (b: Record<string, any>) => b.event_bus_name !== undefined;
    expect(checks.eventBuses(broken('aws_cloudwatch_event_target', (b) => delete b.event_bus_name, onBus))).toEqual([expect.stringMatching(/its rule on/)]);
    expect(checks.eventBuses(broken('aws_cloudwatch_event_target', (b) => (b.input_transformer.input_template = '{"event":<aws.events.event.json>'), (b) => b.input_transformer !== undefined))).toEqual([
      expect.stringMatching(/not valid JSON once filled/),
    ]);
    expect(checks.eventBuses(broken('aws_cloudwatch_event_bus_policy', (b) => (b.policy = b.policy.replace(/\$\{aws_cloudwatch_event_bus\.[\w-]+\.arn\}/g, '*'))))).not.toEqual([]);
    expect(checks.eventBuses(broken('aws_cloudwatch_event_bus', (b) => (b.name = 'default')))).toEqual([expect.stringMatching(/bus name "default" invalid/)]);
    expect(checks.eventBuses(broken('aws_cloudwatch_event_target', (b) => delete b.role_arn, (b) => String(b.arn).includes('aws_sfn_state_machine')))).toEqual([expect.stringMatching(/needs role_arn/)]);
  });
});

describe('DynamoDB (trap 22)', () => {
  it('lists only key attributes (none of our tables break it; a broken one is caught)', () => {
    expect(checks.dynamoTables(tf)).toEqual([]);
    const withTable = structuredClone(tf);
    withTable.resource.aws_dynamodb_table = {
      t: { name: 't', billing_mode: 'PAY_PER_REQUEST', hash_key: 'id', attribute: [{ name: 'id', type: 'S' }, { name: 'expiresAt', type: 'N' }], ttl: { enabled: true, attribute_name: 'expiresAt' } },
    };
    expect(checks.dynamoTables(withTable)).toHaveLength(2);
  });
});

describe('run-time IAM and names (traps 23-24)', () => {
  it('pairs PutMetricAlarm with TagResource and keeps dashboards global', () => {
    expect(checks.runtimeIam(tf)).toEqual([]);
  });

  it('keeps every name, policy and Sid within AWS limits', () => {
    expect(checks.limits(tf)).toEqual([]);
    expect(checks.limits(broken('aws_iam_role', (b) => (b.name = 'r'.repeat(65))))).toHaveLength(1);
  });
});

describe('Terraform strings (trap 25)', () => {
  it('escapes a user-config "${" / "%{" in the definition and leaves only real references', () => {
    const definition = String(Object.values(tf.resource.aws_sfn_state_machine)[0].definition);
    expect(definition).toContain('"exemptionTagKey":"Exempt$${var.x}%%{if}"');
    expect(checks.templateStrings(tf)).toEqual([]);
  });

  it('catches an unescaped literal', () => {
    const bad = broken('aws_sfn_state_machine', (b) => (b.definition = b.definition.replace('$${var.x}', '${var.x}')));
    expect(checks.templateStrings(bad)).toEqual([expect.stringContaining('literal template ${var.x}')]);
  });
});

describe('least privilege', () => {
  it('has no "*" or "service:*" action; "*" resources only where the API has no resource type; writes are scoped', () => {
    expect(checks.leastPrivilege(tf)).toEqual([]);
  });

  it('catches a wildcard action and an unscoped write', () => {
    const bad = broken('aws_iam_role_policy', (b) => {
      const doc = JSON.parse(b.policy);
      doc.Statement.push({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
      b.policy = JSON.stringify(doc);
    });
    expect(checks.leastPrivilege(bad)).toEqual(
      expect.arrayContaining([expect.stringContaining('wildcard action s3:*'), expect.stringContaining('sns:Publish on *'), expect.stringContaining('write action sns:Publish on unscoped *')]),
    );
  });
});

describe('Slack through AWS Chatbot (traps 26-30)', () => {
  const slack = synth({ PM_SLACK_WORKSPACE_ID: 'T012ABCDEFG', PM_SLACK_CHANNEL_ID: 'C012ABCDEFG' }).tf;
  const brokenSlack = (edit: (b: Record<string, any>, copy: TfJson) => void): TfJson => {
    const copy = structuredClone(slack);
    const [name] = Object.keys(copy.resource.aws_chatbot_slack_channel_configuration);
    edit(copy.resource.aws_chatbot_slack_channel_configuration[name], copy);
    return copy;
  };

  it('one configuration in a Chatbot API region, validly named, trusted role, every topic, guardrails', () => {
    expect(resourcesOf(slack, 'aws_chatbot_slack_channel_configuration')).toHaveLength(1);
    expect(checks.chatbotSlack(slack)).toEqual([]);
    expect(checks.chatbotSlack(tf)).toEqual([]); // nothing to check without Slack
    expect(checks.leastPrivilege(slack)).toEqual([]);
    expect(checks.limits(slack)).toEqual([]);
    expect(checks.templateStrings(slack)).toEqual([]);
    expect(checks.noCycles(slack)).toEqual([]);
  });

  it('catches a configuration in us-east-1 (no Chatbot API) and a bad name', () => {
    expect(checks.chatbotSlack(brokenSlack((b) => (b.region = 'us-east-1')))).toEqual([expect.stringMatching(/us-east-1, which has no Chatbot API/)]);
    expect(checks.chatbotSlack(brokenSlack((b) => delete b.region))).toEqual([expect.stringMatching(/us-east-1, which has no Chatbot API/)]);
    expect(checks.chatbotSlack(brokenSlack((b) => (b.configuration_name = 'pm test slack')))).toEqual([expect.stringMatching(/configuration_name "pm test slack"/)]);
  });

  it('catches a second configuration for the same channel', () => {
    const twice = brokenSlack((b, copy) => (copy.resource.aws_chatbot_slack_channel_configuration.again = { ...b, configuration_name: 'pm-test-slack2' }));
    expect(checks.chatbotSlack(twice)).toEqual([expect.stringMatching(/already configured by/)]);
  });

  it('catches a role trusting another service and a topic left out', () => {
    const role = brokenSlack((b, copy) => {
      const r = copy.resource.aws_iam_role[addressOf(b.iam_role_arn)];
      r.assume_role_policy = String(r.assume_role_policy).replace('chatbot.amazonaws.com', 'lambda.amazonaws.com');
    });
    expect(checks.chatbotSlack(role)).toEqual([expect.stringMatching(/does not trust chatbot/), expect.stringMatching(/also trusts lambda\.amazonaws\.com/)]);
    const missing = brokenSlack((b) => (b.sns_topic_arns = b.sns_topic_arns.slice(1)));
    expect(checks.chatbotSlack(missing)).toEqual([expect.stringMatching(/does not watch aws_sns_topic\./)]);
  });

  it('catches missing guardrails and an invalid logging level', () => {
    expect(
      checks.chatbotSlack(
        brokenSlack((b) => {
          delete b.guardrail_policy_arns;
          b.logging_level = 'DEBUG';
        }),
      ),
    ).toEqual([expect.stringMatching(/no guardrail_policy_arns/), expect.stringMatching(/logging_level DEBUG/)]);
  });
});

/** `aws_iam_role.<name>` of a `${aws_iam_role.<name>.arn}` reference → `<name>`. */
function addressOf(ref: string): string {
  const m = /^\$\{aws_iam_role\.([\w-]+)\.arn\}$/.exec(ref);
  if (!m) throw new Error(`not a role reference: ${ref}`);
  return m[1];
}
