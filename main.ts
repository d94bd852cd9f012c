/**
 * The Personalize Monitor stack: one construct per concern, composed here.
 * `npm run synth` (or `cdktf synth`) writes cdktf.out/stacks/<stackName>/cdk.tf.json.
 */
import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import type { DeployConfig } from './config/schema';
import { ConfigError, loadDeployConfig } from './config/load';
import { CONSOLE_DOMAINS } from './core/arn';
import { DASHBOARD_DETAIL_TYPE, EVENT_SOURCE, REQUEST_DETAIL_TYPES } from './core/findings';
import { ApprovalEndpoint, ApprovalsTable } from './infra/approvals';
import { LambdaEventRule, StateMachineEventRule, WHOLE_EVENT } from './infra/event-rules';
import { RequestsBus } from './infra/requests-bus';
import { BUS_VIA, INPUT_ENVELOPE, type ActionPolicy } from './core/actions';
import { MonitorSchedule } from './infra/monitor-schedule';
import { actionStateMachineName, dashboardName, monitorStateMachineName } from './infra/names';
import { NodejsFunction } from './infra/nodejs-function';
import { NotificationTopics } from './infra/notifications';
import { StateMachine } from './infra/state-machine';
import { TASKS } from './tasks/registry';
import type { TaskSpec } from './tasks/shared/task-spec';
import { actionDefinition } from './workflows/action';
import { behaviourDefaults, monitorDefinition } from './workflows/monitor';

/** The dashboard is redrawn at least this often (metrics graphs update themselves in between). */
/** The task behind the approval URL, and the one that mails links to it. */
const APPROVAL_TASK = 'approval';
const APPROVAL_LINK_SENDER = 'action-request-approval';

export const DASHBOARD_REBUILD_SCHEDULE = 'rate(1 hour)';


export interface PersonalizeMonitorStackProps {
  config: DeployConfig;
  /** Lambda tasks to deploy (`tasks/registry.ts`). */
  tasks: readonly TaskSpec[];
  /** Root of the esbuild bundles; default `dist/`. */
  bundleDir?: string;
}

/** Everything Personalize Monitor deploys, in the home region (topics in every monitored region). */
export class PersonalizeMonitorStack extends TerraformStack {
  readonly functions = new Map<string, NodejsFunction>();

  constructor(scope: Construct, props: PersonalizeMonitorStackProps) {
    const { config } = props;
    super(scope, config.stackName);

    new AwsProvider(this, 'aws', {
      region: config.homeRegion,
      defaultTags: [{ tags: { Application: 'PersonalizeMonitor', Stack: config.stackName } }],
    });
    const partition = new DataAwsPartition(this, 'partition').partition;
    const accountId = new DataAwsCallerIdentity(this, 'caller').accountId;
    const permissionContext = { partition, accountId, homeRegion: config.homeRegion, regions: config.regions, stackName: config.stackName };

    const topics = new NotificationTopics(this, 'notifications', {
      stackName: config.stackName,
      regions: config.regions,
      homeRegion: config.homeRegion,
      partition,
      accountId,
      notificationEndpoint: config.notificationEndpoint,
    });

    const approvals = new ApprovalsTable(this, 'approvals', { stackName: config.stackName });
    const homeTopicArn = topics.homeTopicArn(config.homeRegion);
    const environment = {
      PM_ALARM_TOPIC_ARNS: JSON.stringify(topics.topicArns),
      PM_HOME_REGION: config.homeRegion,
      PM_STACK_NAME: config.stackName,
      PM_REGIONS: JSON.stringify(config.regions),
      PM_NOTIFY_TOPIC_ARN: homeTopicArn,
      PM_APPROVALS_TABLE: approvals.table.name,
      ...(config.campaignArns === 'all' ? {} : { PM_CAMPAIGN_ARNS: JSON.stringify(config.campaignArns) }),
      ...(config.recommenderArns === 'all' ? {} : { PM_RECOMMENDER_ARNS: JSON.stringify(config.recommenderArns) }),
    };
    // The approval function comes first: its URL goes into the environment of the task that
    // mails the links (and only there: the approval function holding its own URL is a cycle).
    let approvalBaseUrl: string | undefined;
    for (const spec of [...props.tasks].sort((a, b) => Number(b.name === APPROVAL_TASK) - Number(a.name === APPROVAL_TASK))) {
      const fn = new NodejsFunction(this, spec.name, {
        spec,
        stackName: config.stackName,
        permissionContext,
        memoryMb: config.lambdaMemoryMb,
        logRetentionDays: config.logRetentionDays,
        environment: spec.name === APPROVAL_LINK_SENDER && approvalBaseUrl ? { ...environment, PM_APPROVAL_BASE_URL: approvalBaseUrl } : environment,
        bundleDir: props.bundleDir,
      });
      this.functions.set(spec.name, fn);
      if (spec.name === APPROVAL_TASK) {
        const endpoint = new ApprovalEndpoint(this, 'approval-endpoint', { fn });
        approvalBaseUrl = endpoint.url.functionUrl;
        new TerraformOutput(this, 'approval_endpoint_url', { value: endpoint.url.functionUrl, description: 'Where approval links point' });
      }
    }
    const lambda = (name: string) => {
      const fn = this.functions.get(name);
      if (!fn) throw new Error(`a state machine needs task "${name}", which is not in tasks/registry.ts`);
      return { arn: fn.function.arn, timeoutSeconds: fn.spec.timeoutSeconds };
    };

    const policy: ActionPolicy = {
      maxMinCapacity: config.maxMinCapacity,
      maxAutoRaiseFactor: config.maxAutoRaiseFactor,
      approvalsDeliverable: config.notificationEndpoint !== '',
    };
    const action = new StateMachine(this, 'action', {
      name: actionStateMachineName(config.stackName),
      definition: actionDefinition({ lambda, defaults: behaviourDefaults(config), policy }),
      partition,
      accountId,
      logRetentionDays: config.logRetentionDays,
      logLevel: 'ALL',
      // Inputs of the approval step hold the task token: never written to logs.
      includeExecutionData: false,
    });
    // Request events: on the stack's own bus, whose policy names who may send. The rule wraps the
    // event in the envelope the ACTION reads its origin from; a sender cannot choose it.
    const requestPattern = {
      source: [EVENT_SOURCE],
      'detail-type': [REQUEST_DETAIL_TYPES.delete, REQUEST_DETAIL_TYPES.stop, ...Object.values(REQUEST_DETAIL_TYPES.setMinCapacity)],
    };
    const requests = new RequestsBus(this, 'requests-bus', { stackName: config.stackName, senders: config.requestSenders });
    new StateMachineEventRule(this, 'action-requests', {
      stackName: config.stackName,
      suffix: 'action-requests',
      description: 'Request events (delete, stop, set minimum) from the listed senders start an ACTION execution',
      eventBusName: requests.bus.name,
      eventPattern: requestPattern,
      inputTemplate: { [INPUT_ENVELOPE.via]: BUS_VIA.requestsBus, [INPUT_ENVELOPE.event]: WHOLE_EVENT },
      stateMachineArn: action.machine.arn,
      accountId,
    });
    if (config.acceptDefaultBusRequests) {
      // Opt-in for the original's integrations: anyone allowed PutEvents on the default bus can
      // send these, so a stop or delete from there always waits for a person's approval.
      new StateMachineEventRule(this, 'default-bus-requests', {
        stackName: config.stackName,
        suffix: 'default-bus-requests',
        description: 'Request events on the default bus (acceptDefaultBusRequests) start an ACTION execution; stop/delete need approval',
        eventPattern: requestPattern,
        inputTemplate: { [INPUT_ENVELOPE.via]: BUS_VIA.defaultBus, [INPUT_ENVELOPE.event]: WHOLE_EVENT },
        stateMachineArn: action.machine.arn,
        accountId,
      });
    }
    new TerraformOutput(this, 'requests_event_bus_name', { value: requests.bus.name, description: 'Where request events go (only requestSenders may put events)' });

    const monitor = new StateMachine(this, 'monitor', {
      name: monitorStateMachineName(config.stackName),
      definition: monitorDefinition({
        lambda,
        actionStateMachineArn: action.machine.arn,
        notificationTopicArn: homeTopicArn,
        defaults: behaviourDefaults(config),
      }),
      partition,
      accountId,
      logRetentionDays: config.logRetentionDays,
      // EXPRESS history exists only in these logs.
      logLevel: 'ALL',
    });

    new MonitorSchedule(this, 'schedule', {
      stackName: config.stackName,
      stateMachineArn: monitor.machine.arn,
      scheduleExpression: config.scheduleExpression,
      enabled: config.scheduleEnabled,
      accountId,
    });

    const dashboardBuilder = this.functions.get('build-dashboard');
    if (dashboardBuilder) {
      new LambdaEventRule(this, 'dashboard-hourly', {
        stackName: config.stackName,
        suffix: 'dashboard-hourly',
        description: 'Rebuilds the Personalize Monitor dashboard every hour (the MONITOR also does when the fleet changes)',
        scheduleExpression: DASHBOARD_REBUILD_SCHEDULE,
        functionName: dashboardBuilder.function.functionName,
        functionArn: dashboardBuilder.function.arn,
        input: { reason: 'hourly rebuild' },
      });
      new LambdaEventRule(this, 'dashboard-request', {
        stackName: config.stackName,
        suffix: 'dashboard-request',
        description: 'BuildPersonalizeMonitorDashboard events (the original detail-type) rebuild the dashboard',
        eventPattern: { source: [EVENT_SOURCE], 'detail-type': [DASHBOARD_DETAIL_TYPE] },
        functionName: dashboardBuilder.function.functionName,
        functionArn: dashboardBuilder.function.arn,
      });
    }

    const consoleHost = Fn.lookup(CONSOLE_DOMAINS, partition, CONSOLE_DOMAINS.aws);
    const home = config.homeRegion;
    new TerraformOutput(this, 'monitor_state_machine_arn', { value: monitor.machine.arn });
    new TerraformOutput(this, 'action_state_machine_arn', { value: action.machine.arn });
    new TerraformOutput(this, 'notification_topic_arns', { value: topics.topicArns, description: 'SNS topic per monitored region' });
    new TerraformOutput(this, 'dashboard_name', { value: dashboardName(config.stackName) });
    new TerraformOutput(this, 'monitor_console_url', {
      value: `https://${consoleHost}/states/home?region=${home}#/statemachines/view/${monitor.machine.arn}`,
    });
    new TerraformOutput(this, 'dashboard_console_url', {
      value: `https://${consoleHost}/cloudwatch/home?region=${home}#dashboards/dashboard/${dashboardName(config.stackName)}`,
    });
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
