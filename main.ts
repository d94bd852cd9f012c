/**
 * The Personalize Monitor stack, composed of its features (infra/features/): Notifications,
 * the task functions, Actions, Monitor, Dashboard. `npm run synth` (or `cdktf synth`) writes
 * cdktf.out/stacks/<stackName>/cdk.tf.json.
 */
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config/schema';
import { ConfigError, loadDeployConfig } from './config/load';
import { Actions, approvalsTable } from './infra/features/actions';
import { stackBase } from './infra/features/base';
import { Dashboard } from './infra/features/dashboard';
import { Monitor, stateTable } from './infra/features/monitor';
import { MonitorAlarms, stackAlarmKinds } from './infra/features/monitor-alarms';
import { stackAlarmName } from './core/contracts/ownership';
import { Notifications } from './infra/features/notifications';
import { stackOutputs } from './infra/features/outputs';
import { Slack } from './infra/features/slack';
import { TaskFunctions } from './infra/features/task-functions';
import { CANARY_TASK, TASKS } from './tasks/registry';
import { CanarySchedule } from './infra/canary-schedule';
import type { TaskSpec } from './tasks/shared/task-spec';

export interface PersonalizeMonitorStackProps {
  config: DeployConfig;
  /** Lambda tasks to deploy (`tasks/registry.ts`). */
  tasks: readonly TaskSpec[];
  /** Root of the esbuild bundles; default `dist/`. */
  bundleDir?: string;
}

/** Everything Personalize Monitor deploys, in the home region (topics in every monitored region). */
export class PersonalizeMonitorStack extends TerraformStack {
  constructor(scope: Construct, props: PersonalizeMonitorStackProps) {
    const { config } = props;
    super(scope, config.stackName);
    const base = stackBase(this, config);
    const notifications = new Notifications(base);
    const approvals = approvalsTable(base);
    const state = stateTable(base);
    // The health-check canary (function and schedule) exists only with healthCheck 'on'.
    const tasks = config.healthCheck === 'on' ? props.tasks : props.tasks.filter((t) => t.name !== CANARY_TASK);
    const functions = new TaskFunctions(base, {
      tasks,
      bundleDir: props.bundleDir,
      values: {
        PM_HOME_REGION: config.homeRegion,
        PM_STACK_NAME: config.stackName,
        PM_REGIONS: JSON.stringify(config.regions),
        PM_ALARM_TOPIC_ARNS: JSON.stringify(notifications.topics.topicArns),
        PM_CRITICAL_TOPIC_ARNS: JSON.stringify(notifications.topics.criticalTopicArns),
        PM_NOTIFY_TOPIC_ARN: notifications.homeTopicArn,
        PM_APPROVALS_TABLE: approvals.table.name,
        PM_STATE_TABLE: state.table.name,
        PM_CANARY_REQUEST: JSON.stringify({ userId: config.canaryUserId, itemId: config.canaryItemId, inputList: config.canaryInputList }),
        PM_STACK_ALARMS: JSON.stringify(
          stackAlarmKinds({ scheduleEnabled: config.scheduleEnabled, approvalEndpoint: tasks.some((t) => t.name === 'approval') }).map((k) => stackAlarmName(config.alarmPrefix, k)),
        ),
        ...(config.campaignArns === 'all' ? {} : { PM_CAMPAIGN_ARNS: JSON.stringify(config.campaignArns) }),
        ...(config.recommenderArns === 'all' ? {} : { PM_RECOMMENDER_ARNS: JSON.stringify(config.recommenderArns) }),
      },
    });
    const actions = new Actions(base, { functions });
    const monitor = new Monitor(base, { functions, actionStateMachineArn: actions.machine.machine.arn, notificationTopicArn: notifications.homeTopicArn });
    new Dashboard(base, { functions });
    const canaryFunction = functions.byName.get(CANARY_TASK);
    if (canaryFunction) {
      new CanarySchedule(this, 'canary-schedule', {
        stackName: config.stackName,
        functionArn: canaryFunction.function.arn,
        intervalMinutes: config.healthCheckIntervalMinutes,
        accountId: base.accountId,
      });
    }
    new MonitorAlarms(base, {
      monitorStateMachineArn: monitor.machine.machine.arn,
      actionStateMachineArn: actions.machine.machine.arn,
      scheduleDeadLetterQueueName: monitor.schedule.deadLetterQueue.name,
      approvalFunctionName: functions.byName.get('approval')?.function.functionName,
      homeTopicArn: notifications.homeTopicArn,
    });
    // Slack (when configured) watches every notification topic: one list, every region.
    new Slack(base, { topicArns: Object.values(notifications.topics.topicArns) });
    stackOutputs(base, { monitor, actions, notifications });
  }
}

/** Synthesizes the app for `config` into `outdir` (default CDKTF_OUTDIR or cdktf.out). */
export function synthesize(config: DeployConfig, options: { outdir?: string; bundleDir?: string; tasks?: readonly TaskSpec[] } = {}): void {
  const app = new App({ outdir: options.outdir });
  new PersonalizeMonitorStack(app, { config, tasks: options.tasks ?? TASKS, bundleDir: options.bundleDir });
  app.synth();
}

if (require.main === module) {
  try {
    synthesize(loadDeployConfig({ env: process.env }));
  } catch (err) {
    // A config mistake is the user's to fix: print the message, not a stack trace.
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
