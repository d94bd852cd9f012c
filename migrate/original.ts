/**
 * What identifies the original sample (aws-samples/amazon-personalize-monitor) in an account, and
 * what in our deployment replaces each of its pieces. Pure: names and rules only, no AWS calls.
 * The original's alarm prefix and tag live with ours in core/contracts/ownership.ts.
 */
import type { DeployConfig } from '../config/schema';
import { alarmName, type AlarmKind } from '../core/alarms';
import {
  actionStateMachineName,
  dashboardName,
  functionName,
  monitorStateMachineName,
  notificationTopicName,
  requestsBusName,
  resourceName,
} from '../core/contracts/names';
import { ORIGINAL_ALARM_PREFIX } from '../core/contracts/ownership';

/** Names the original uses (its template and its shared layer). */
export const ORIGINAL_NAMES = {
  /** Dashboard drawn by its DashboardManagementFunction (global). */
  dashboard: 'Amazon-Personalize-Monitor',
  /** Topic of its template, and the one its monitor creates in each further monitored region. */
  topic: 'PersonalizeMonitorNotifications',
  /** Rule its monitor creates (outside the stack) in each further monitored region, and its target id. */
  regionalRule: 'PersonalizeMonitor-NotificationsRule',
  regionalRuleTargetId: 'PersonalizeMonitorNotificationsId',
  /** Source of every event it emits and accepts. */
  eventSource: 'personalize.monitor',
  /** Stack name the Serverless Application Repository gives the application. */
  sarStackName: 'serverlessrepo-Amazon-Personalize-Monitor',
  /** Tag the Serverless Application Repository puts on the stack; its value ends with the application. */
  sarApplicationTag: 'serverlessrepo:applicationId',
  sarVersionTag: 'serverlessrepo:semanticVersion',
  sarApplicationSuffix: '/Amazon-Personalize-Monitor',
} as const;

/**
 * A stack is the original when it holds these resources (logical id → type); v1.0 (campaigns
 * only) and v1.1+ templates both do. Description, SAR tag or outputs only make a stack a
 * candidate whose resources are then read.
 */
export const STACK_SIGNATURE: Readonly<Record<string, string>> = {
  MonitorFunction: 'AWS::Lambda::Function',
  DashboardManagementFunction: 'AWS::Lambda::Function',
  NotificationsTopic: 'AWS::SNS::Topic',
};

/** What the stack descriptions of the original's versions contain. */
const DESCRIPTION_MARKERS = [/\(P9E-MONITOR\)/, /^\s*Personalize monitoring tools including CloudWatch metrics, alarms, and dashboard/];

/** What DescribeStacks tells about a stack, enough to decide whether to read its resources. */
export interface StackHeader {
  name: string;
  description?: string;
  tags: Record<string, string>;
  outputKeys: string[];
}

/** Why a stack may be the original (undefined: no reason to read its resources). */
export function candidateReason(stack: StackHeader, named: readonly string[]): string | undefined {
  if (named.includes(stack.name)) return 'named with --stack';
  if (stack.description && DESCRIPTION_MARKERS.some((m) => m.test(stack.description!))) return 'its description is the original template\'s';
  if ((stack.tags[ORIGINAL_NAMES.sarApplicationTag] ?? '').endsWith(ORIGINAL_NAMES.sarApplicationSuffix)) return 'deployed from the Serverless Application Repository application Amazon-Personalize-Monitor';
  if (stack.outputKeys.includes('MonitorFunction') && stack.outputKeys.includes('DashboardManagementFunction')) return 'its outputs are the original template\'s';
  return undefined;
}

/** The signature resources a stack lacks (empty: it is the original). */
export function missingSignature(resources: readonly { logicalId: string; type: string }[]): string[] {
  return Object.entries(STACK_SIGNATURE)
    .filter(([id, type]) => !resources.some((r) => r.logicalId === id && r.type === type))
    .map(([id, type]) => `${id} (${type})`);
}

/** What replaces a piece of the original: our resource (if any) and why. */
export interface Replacement {
  /** Name of what replaces it in our deployment; undefined when nothing needs to. */
  by?: string;
  note: string;
}

/** Names in our deployment, from its config. */
function ours(config: Pick<DeployConfig, 'stackName'>) {
  const s = config.stackName;
  return {
    monitor: monitorStateMachineName(s),
    action: actionStateMachineName(s),
    schedule: resourceName('schedule', s, 'monitor'),
    collect: functionName(s, 'collect'),
    buildDashboard: functionName(s, 'build-dashboard'),
    dashboard: dashboardName(s),
    topic: notificationTopicName(s),
    requestsBus: requestsBusName(s),
    requestRule: resourceName('eventRule', s, 'action-requests'),
    defaultBusRule: resourceName('eventRule', s, 'default-bus-requests'),
    dashboardHourly: resourceName('eventRule', s, 'dashboard-hourly'),
    dashboardRequest: resourceName('eventRule', s, 'dashboard-request'),
  };
}

/** Our rules on the default bus that match personalize.monitor events (the dashboard request rule, the opt-in request rule). */
export function ownDefaultBusRules(config: Pick<DeployConfig, 'stackName'>): string[] {
  const n = ours(config);
  return [n.dashboardRequest, n.defaultBusRule];
}

/** How requests from the default bus reach us (depends on acceptDefaultBusRequests). */
function requestRoute(config: Pick<DeployConfig, 'stackName' | 'acceptDefaultBusRequests'>): string {
  const n = ours(config);
  return config.acceptDefaultBusRequests
    ? `rule ${n.requestRule} on bus ${n.requestsBus} (requestSenders only) and rule ${n.defaultBusRule} on the default bus (acceptDefaultBusRequests; a delete/stop from there needs approval)`
    : `rule ${n.requestRule} on bus ${n.requestsBus} (requestSenders only); default-bus requests are ignored unless acceptDefaultBusRequests is true`;
}

/** Replacement of a stack resource by its logical id (v1.0 and v1.1+ ids). */
export function replacementOfStackResource(logicalId: string, type: string, config: Pick<DeployConfig, 'stackName' | 'acceptDefaultBusRequests'>): Replacement {
  const n = ours(config);
  const action = (what: string): Replacement => ({ by: n.action, note: `ACTION state machine: ${what}, re-checked before acting, with the approval mode of its origin` });
  switch (logicalId) {
    case 'MonitorFunction':
      return { by: n.monitor, note: `MONITOR state machine (Step Functions EXPRESS); the per-region work runs in function ${n.collect}` };
    case 'MonitorFunctionScheduledEvent':
      return { by: n.schedule, note: 'EventBridge Scheduler schedule (scheduleExpression, default rate(5 minutes)) that starts the MONITOR' };
    case 'DashboardManagementFunction':
      return { by: n.buildDashboard, note: `function that draws dashboard ${n.dashboard} (hourly, on request, after the fleet changed)` };
    case 'DashboardManagementFunctionScheduledEvent':
      return { by: n.dashboardHourly, note: 'hourly rebuild rule' };
    case 'DashboardManagementFunctionEBRule':
      return { by: n.dashboardRequest, note: 'BuildPersonalizeMonitorDashboard on the default bus keeps rebuilding the dashboard' };
    case 'UpdateTPSFunction':
    case 'UpdateCampaignTPSFunction':
      return action('setMinCapacity (UpdateCampaign / UpdateRecommender with the whole config)');
    case 'DeleteCampaignFunction':
      return action('delete (campaigns; the solution version is kept)');
    case 'StopRecommenderFunction':
      return action('stop (recommenders, never deleted)');
    case 'UpdateTPSFunctionEBRule':
    case 'UpdateCampaignTPSFunctionEBRule':
    case 'DeleteCampaignFunctionEBCustomRule':
    case 'StopRecommenderFunctionEBCustomRule':
      return { by: n.requestRule, note: requestRoute(config) };
    case 'NotificationsTopic':
      return { by: n.topic, note: 'one topic per monitored region; confirm the new email subscription' };
    case 'NotificationsRule':
      return { note: 'not needed: the ACTION mails its outcome to the topic itself (plain text)' };
    case 'CleanupFunction':
    case 'CleanupCustomResource':
      return { by: 'npm run cleanup', note: 'run-time alarms and dashboards are removed by the cleanup command before cdktf destroy' };
    case 'DeployDashboardCustomResource':
      return { note: `not needed: ${n.buildDashboard} draws the dashboard at run time` };
    default:
      return { note: `not needed: goes with the stack (${type})` };
  }
}

/** The kind, resource type and resource name an original alarm name carries, or undefined. */
export function parseOriginalAlarmName(name: string): { kind: AlarmKind; type: 'campaign' | 'recommender'; resourceName: string } | undefined {
  const m = /^(LowCampaignUtilization|LowRecommenderUtilization|IdleCampaign|IdleRecommender)-(.+)$/.exec(name.slice(ORIGINAL_ALARM_PREFIX.length));
  if (!name.startsWith(ORIGINAL_ALARM_PREFIX) || !m) return undefined;
  return {
    kind: m[1].startsWith('Low') ? 'LowUtilization' : 'Idle',
    type: m[1].includes('Campaign') ? 'campaign' : 'recommender',
    resourceName: m[2],
  };
}

type AlarmConfig = Pick<
  DeployConfig,
  'stackName' | 'alarmPrefix' | 'regions' | 'campaignArns' | 'recommenderArns' | 'autoCreateUtilizationAlarms' | 'autoCreateIdleAlarms' | 'utilizationThresholdAlarmLowerBound' | 'idleThresholdHours'
>;

/**
 * What replaces one of the original's alarms: ours for the same resource (the exact name, from
 * the resource ARN in the alarm's dimensions), or why there will be none.
 */
export function replacementOfAlarm(alarm: { name: string; region: string; resourceArn?: string }, config: AlarmConfig): Replacement {
  const parsed = parseOriginalAlarmName(alarm.name);
  if (!parsed) return { note: 'not an alarm kind the original creates (name not LowCampaignUtilization-, LowRecommenderUtilization-, IdleCampaign- or IdleRecommender-): check it by hand' };
  const { kind, type } = parsed;
  if (!config.regions.includes(alarm.region)) return { note: `not replaced: region ${alarm.region} is not in your regions (${config.regions.join(', ')})` };
  const arn = alarm.resourceArn;
  if (!arn) return { note: `not replaced automatically: the alarm names no ${type === 'campaign' ? 'CampaignArn' : 'RecommenderArn'} dimension` };
  const selection = type === 'campaign' ? config.campaignArns : config.recommenderArns;
  if (selection !== 'all' && !selection.includes(arn)) return { note: `not replaced: ${arn} is not in your ${type === 'campaign' ? 'campaignArns' : 'recommenderArns'}` };
  const enabled = kind === 'LowUtilization' ? config.autoCreateUtilizationAlarms : config.autoCreateIdleAlarms;
  if (!enabled) return { note: `not replaced: ${kind === 'LowUtilization' ? 'autoCreateUtilizationAlarms' : 'autoCreateIdleAlarms'} is false in your config` };
  const name = alarmName(kind, { arn, name: arn.slice(arn.indexOf('/') + 1), type }, config.alarmPrefix);
  const what =
    kind === 'LowUtilization'
      ? `below ${config.utilizationThresholdAlarmLowerBound}% in 9 of 12 five-minute periods`
      : `no requests for ${config.idleThresholdHours} h${config.idleThresholdHours > 24 ? ' (hourly periods above 24 h)' : ''}`;
  return { by: name, note: `created by the MONITOR on its first run while the ${type} is monitored (${what}; owner tag PersonalizeMonitorStack=${config.stackName})` };
}

/** The original's parameters (v1.1+ names, then the v1.0 names of the same setting) and our config keys. */
export const PARAMETER_MAP: readonly { parameters: readonly string[]; key: keyof DeployConfig; kind: 'selection' | 'regions' | 'yesNo' | 'number' | 'email'; note?: string }[] = [
  { parameters: ['CampaignARNs'], key: 'campaignArns', kind: 'selection' },
  { parameters: ['RecommenderARNs'], key: 'recommenderArns', kind: 'selection', note: 'v1.0 had no recommenders' },
  { parameters: ['Regions'], key: 'regions', kind: 'regions', note: 'blank = the stack\'s region; ours defaults to [homeRegion]' },
  { parameters: ['AutoCreateUtilizationAlarms', 'AutoCreateCampaignUtilizationAlarms'], key: 'autoCreateUtilizationAlarms', kind: 'yesNo' },
  { parameters: ['UtilizationThresholdAlarmLowerBound', 'CampaignThresholdAlarmLowerBound'], key: 'utilizationThresholdAlarmLowerBound', kind: 'number' },
  { parameters: ['AutoAdjustMinTPS', 'AutoAdjustCampaignMinProvisionedTPS'], key: 'autoAdjustMinTps', kind: 'yesNo', note: 'ours acts in capacityActionMode, default approval' },
  { parameters: ['AutoCreateIdleAlarms', 'AutoCreateIdleCampaignAlarms'], key: 'autoCreateIdleAlarms', kind: 'yesNo' },
  { parameters: ['IdleThresholdHours', 'IdleCampaignThresholdHours'], key: 'idleThresholdHours', kind: 'number', note: 'theirs 2-48, ours 2-168' },
  { parameters: ['AutoDeleteOrStopIdleResources', 'AutoDeleteIdleCampaigns'], key: 'autoDeleteOrStopIdleResources', kind: 'yesNo', note: 'ours acts in idleActionMode, default approval' },
  { parameters: ['NotificationEndpoint'], key: 'notificationEndpoint', kind: 'email' },
];

/** One of the original's parameter values next to our config. */
export interface ParameterComparison {
  parameter: string;
  theirs: string;
  key: string;
  ours: string;
  same: boolean;
  note?: string;
}

const csv = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const show = (v: unknown) => (Array.isArray(v) ? v.join(',') || '(none)' : v === '' ? '(none)' : String(v));
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** The stack's parameter values compared with our config, in the order of PARAMETER_MAP (absent parameters skipped). */
export function compareParameters(parameters: Record<string, string>, stackRegion: string, config: DeployConfig): ParameterComparison[] {
  const out: ParameterComparison[] = [];
  for (const entry of PARAMETER_MAP) {
    const parameter = entry.parameters.find((p) => p in parameters);
    if (!parameter) continue;
    const theirs = parameters[parameter];
    const mine = config[entry.key];
    let same: boolean;
    switch (entry.kind) {
      case 'selection':
        same = theirs.trim().toLowerCase() === 'all' ? mine === 'all' : Array.isArray(mine) && sameSet(csv(theirs), mine as string[]);
        break;
      case 'regions':
        same = sameSet(csv(theirs).length ? csv(theirs) : [stackRegion], mine as string[]);
        break;
      case 'yesNo':
        same = (theirs.trim().toLowerCase() === 'yes') === mine;
        break;
      case 'number':
        same = Number(theirs) === mine;
        break;
      default:
        same = theirs.trim() === mine;
    }
    const blank = entry.kind === 'regions' ? `(blank: ${stackRegion})` : '(none)';
    out.push({ parameter, theirs: theirs.trim() === '' ? blank : theirs, key: entry.key, ours: show(mine), same, ...(entry.note ? { note: entry.note } : {}) });
  }
  return out;
}
