/**
 * "The original is deployed": puts into a SimAccount what aws-samples/amazon-personalize-monitor
 * (v1.1+ template, SAM / Serverless Application Repository) leaves in an account – its
 * CloudFormation stack with the resources SAM expands its template into (logical ids, types,
 * generated physical names), the topic, the EventBridge rules, the dashboard, and the alarms its
 * monitor function creates at run time (tag `CreatedBy=PersonalizeMonitor`), plus the topic and
 * notification rule it creates directly in each further monitored region. For `migrate` tests
 * and the demo; it describes the sample's deployment, it contains none of its code.
 */
import type { SimAccount } from './account';
import type { SimStack, SimStackResource } from './cloudformation';
import { seededRandom } from './random';

/** The sample's names (its template and shared layer). */
export const ORIGINAL = {
  /** Stack name the Serverless Application Repository gives the application. */
  sarStackName: 'serverlessrepo-Amazon-Personalize-Monitor',
  description: '(P9E-MONITOR) -Personalize monitoring tools including CloudWatch metrics, alarms, and dashboard; optional automated cost optimization',
  sarApplicationId: 'arn:aws:serverlessrepo:us-east-1:316031960777:applications/Amazon-Personalize-Monitor',
  topicName: 'PersonalizeMonitorNotifications',
  /** Rule the monitor function creates outside the stack in further monitored regions. */
  regionalRuleName: 'PersonalizeMonitor-NotificationsRule',
  dashboardName: 'Amazon-Personalize-Monitor',
  alarmPrefix: 'PersonalizeMonitor-',
  createdByTag: { Key: 'CreatedBy', Value: 'PersonalizeMonitor' },
  eventSource: 'personalize.monitor',
} as const;

/** The v1.1+ template's parameters with their defaults (NotificationEndpoint has none). */
export const ORIGINAL_DEFAULT_PARAMETERS: Readonly<Record<string, string>> = {
  CampaignARNs: 'all',
  RecommenderARNs: 'all',
  Regions: '',
  AutoCreateUtilizationAlarms: 'Yes',
  UtilizationThresholdAlarmLowerBound: '100',
  AutoAdjustMinTPS: 'Yes',
  AutoCreateIdleAlarms: 'Yes',
  IdleThresholdHours: '24',
  AutoDeleteOrStopIdleResources: 'No',
  NotificationEndpoint: '',
};

const NOTIFICATION_DETAIL_TYPES = [
  'PersonalizeCampaignMinProvisionedTPSUpdated',
  'PersonalizeCampaignDeleted',
  'PersonalizeRecommenderMinRecommendationRPSUpdated',
  'PersonalizeRecommenderStopped',
];

/** The functions of the template, with the EventBridge rules SAM makes of their events. */
const FUNCTIONS: { logicalId: string; alias?: boolean; rules: { logicalId: string; pattern?: string[]; schedule?: string }[] }[] = [
  { logicalId: 'MonitorFunction', rules: [{ logicalId: 'MonitorFunctionScheduledEvent', schedule: 'cron(0/5 * * * ? *)' }] },
  {
    logicalId: 'DashboardManagementFunction',
    alias: true,
    rules: [
      { logicalId: 'DashboardManagementFunctionEBRule', pattern: ['BuildPersonalizeMonitorDashboard'] },
      { logicalId: 'DashboardManagementFunctionScheduledEvent', schedule: 'cron(3 * * * ? *)' },
    ],
  },
  { logicalId: 'UpdateTPSFunction', rules: [{ logicalId: 'UpdateTPSFunctionEBRule', pattern: ['UpdatePersonalizeCampaignMinProvisionedTPS', 'UpdatePersonalizeRecommenderMinRecommendationRPS'] }] },
  { logicalId: 'DeleteCampaignFunction', rules: [{ logicalId: 'DeleteCampaignFunctionEBCustomRule', pattern: ['DeletePersonalizeCampaign'] }] },
  { logicalId: 'StopRecommenderFunction', rules: [{ logicalId: 'StopRecommenderFunctionEBCustomRule', pattern: ['StopPersonalizeRecommender'] }] },
  { logicalId: 'CleanupFunction', alias: true, rules: [] },
];

export interface OriginalFixtureOptions {
  /** Region the stack is deployed in. */
  region: string;
  /** Further regions it monitors (its Regions parameter): each gets the topic and notification rule created at run time. */
  otherRegions?: string[];
  /** Default: the Serverless Application Repository's `serverlessrepo-Amazon-Personalize-Monitor`. */
  stackName?: string;
  /** Deployed from the Serverless Application Repository (its tags), default true. */
  fromSar?: boolean;
  /** Parameter values that differ from the defaults. */
  parameters?: Record<string, string>;
  /**
   * Campaigns and recommenders its monitor created alarms for (both kinds each, in the ARN's
   * region): low utilization and idle.
   */
  alarmedResources?: string[];
  /** Seed of the generated physical-name suffixes. */
  seed?: number;
}

export interface OriginalFixture {
  stack: SimStack;
  /** Alarm names by region. */
  alarms: Record<string, string[]>;
  /** Topic ARNs by region. */
  topics: Record<string, string>;
  /** Rule names by region (the stack's rules are in the stack's region). */
  rules: Record<string, string[]>;
  /** Function names (physical ids) by logical id. */
  functions: Record<string, string>;
  dashboard: string;
}

/**
 * CloudFormation's generated physical name: `<stack>-<LogicalId>-<13 random characters>`,
 * shortened to fit `max` (64 for functions and rules).
 */
function generatedName(stackName: string, logicalId: string, random: () => number, max = 64): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const suffix = Array.from({ length: 13 }, () => chars[Math.floor(random() * chars.length)]).join('');
  return `${`${stackName}-${logicalId}`.slice(0, max - suffix.length - 1)}-${suffix}`;
}

/** Deploys the original into `account`; returns what it created. */
export function deployOriginal(account: SimAccount, options: OriginalFixtureOptions): OriginalFixture {
  const { region } = options;
  const stackName = options.stackName ?? ORIGINAL.sarStackName;
  const random = seededRandom(options.seed ?? 7);
  const now = account.clock.now();
  const accountId = account.accountId;
  // Further monitored regions are named in its Regions parameter (blank: the stack's region only).
  const regionsParameter = options.otherRegions?.length ? [region, ...options.otherRegions.filter((r) => r !== region)].join(',') : '';
  const parameters: Record<string, string> = { ...ORIGINAL_DEFAULT_PARAMETERS, Regions: regionsParameter, ...options.parameters };
  const resources: SimStackResource[] = [];
  const fixture: OriginalFixture = { stack: undefined as unknown as SimStack, alarms: {}, topics: {}, rules: {}, functions: {}, dashboard: ORIGINAL.dashboardName };

  const topicArn = account.sns.createTopic(region, ORIGINAL.topicName);
  fixture.topics[region] = topicArn;
  resources.push({ logicalId: 'NotificationsTopic', physicalId: topicArn, type: 'AWS::SNS::Topic' });
  resources.push({ logicalId: 'NotificationsTopicPolicy', physicalId: generatedName(stackName, 'NotificationsTopicPolicy', random, 128), type: 'AWS::SNS::TopicPolicy' });

  const notificationsRule = generatedName(stackName, 'NotificationsRule', random);
  account.events.putRule(region, {
    name: notificationsRule,
    description: 'Routes Personalize Monitor notifications to notification SNS topic',
    eventPattern: { source: [ORIGINAL.eventSource], 'detail-type': NOTIFICATION_DETAIL_TYPES },
  });
  fixture.rules[region] = [notificationsRule];
  resources.push({ logicalId: 'NotificationsRule', physicalId: notificationsRule, type: 'AWS::Events::Rule' });
  resources.push({ logicalId: 'CommonLayer', physicalId: `arn:aws:lambda:${region}:${accountId}:layer:CommonLayer${Math.floor(random() * 1e10)}:1`, type: 'AWS::Lambda::LayerVersion' });

  for (const fn of FUNCTIONS) {
    const name = generatedName(stackName, fn.logicalId, random);
    fixture.functions[fn.logicalId] = name;
    resources.push({ logicalId: fn.logicalId, physicalId: name, type: 'AWS::Lambda::Function' });
    resources.push({ logicalId: `${fn.logicalId}Role`, physicalId: generatedName(stackName, `${fn.logicalId}Role`, random), type: 'AWS::IAM::Role' });
    if (fn.alias) {
      resources.push({ logicalId: `${fn.logicalId}Version${Math.floor(random() * 1e10).toString(16)}`, physicalId: `arn:aws:lambda:${region}:${accountId}:function:${name}:1`, type: 'AWS::Lambda::Version' });
      resources.push({ logicalId: `${fn.logicalId}Aliaslive`, physicalId: `arn:aws:lambda:${region}:${accountId}:function:${name}:live`, type: 'AWS::Lambda::Alias' });
    }
    for (const rule of fn.rules) {
      const ruleName = generatedName(stackName, rule.logicalId, random);
      account.events.putRule(region, rule.schedule ? { name: ruleName, scheduleExpression: rule.schedule } : { name: ruleName, eventPattern: { source: [ORIGINAL.eventSource], 'detail-type': rule.pattern } });
      fixture.rules[region].push(ruleName);
      resources.push({ logicalId: rule.logicalId, physicalId: ruleName, type: 'AWS::Events::Rule' });
      resources.push({ logicalId: `${rule.logicalId}Permission`, physicalId: generatedName(stackName, `${rule.logicalId}Permission`, random, 128), type: 'AWS::Lambda::Permission' });
    }
  }
  resources.push({ logicalId: 'DeployDashboardCustomResource', physicalId: `${stackName}-DeployDashboardCustomResource`, type: 'Custom::DashboardCreate' });
  resources.push({ logicalId: 'CleanupCustomResource', physicalId: `${stackName}-CleanupCustomResource`, type: 'Custom::Cleanup' });

  fixture.stack = account.cloudformation.createStack({
    region,
    name: stackName,
    description: ORIGINAL.description,
    parameters,
    tags: options.fromSar === false ? {} : { 'serverlessrepo:applicationId': ORIGINAL.sarApplicationId, 'serverlessrepo:semanticVersion': '1.3.0' },
    outputs: [
      ...['MonitorFunction', 'DashboardManagementFunction', 'UpdateTPSFunction', 'DeleteCampaignFunction', 'StopRecommenderFunction'].map((key) => ({
        key,
        value: `arn:aws:lambda:${region}:${accountId}:function:${fixture.functions[key]}`,
      })),
      { key: 'NotificationsTopic', value: topicArn, description: 'Notification SNS Topic ARN' },
    ],
    resources,
    createdAt: now,
  });

  // The dashboard custom resource draws the (global) dashboard.
  account.cloudwatch.putDashboard(now, {
    DashboardName: ORIGINAL.dashboardName,
    DashboardBody: JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 24, height: 2, properties: { markdown: '# Amazon Personalize Monitor' } }] }),
  });

  // Further monitored regions: the monitor function creates a topic and a notification rule there itself.
  for (const other of options.otherRegions ?? []) {
    if (other === region) continue;
    fixture.topics[other] = account.sns.createTopic(other, ORIGINAL.topicName);
    account.events.putRule(other, { name: ORIGINAL.regionalRuleName, eventPattern: { source: [ORIGINAL.eventSource], 'detail-type': NOTIFICATION_DETAIL_TYPES } });
    fixture.rules[other] = [ORIGINAL.regionalRuleName];
  }

  // Alarms the monitor function created at run time, in each resource's region.
  const idleHours = Number(parameters.IdleThresholdHours);
  for (const arn of options.alarmedResources ?? []) {
    const [, , , arnRegion, , resource] = arn.split(':');
    const [kind, name] = resource.split('/');
    if ((kind !== 'campaign' && kind !== 'recommender') || !name) throw new RangeError(`not a campaign or recommender ARN: ${arn}`);
    const label = kind === 'campaign' ? 'Campaign' : 'Recommender';
    const dimension = [{ Name: kind === 'campaign' ? 'CampaignArn' : 'RecommenderArn', Value: arn }];
    const alarmTopic = fixture.topics[arnRegion] ?? account.sns.createTopic(arnRegion, ORIGINAL.topicName);
    fixture.topics[arnRegion] = alarmTopic;
    const common = { ActionsEnabled: true, OKActions: [alarmTopic], AlarmActions: [alarmTopic], Dimensions: dimension, Tags: [ORIGINAL.createdByTag] };
    const low = `${ORIGINAL.alarmPrefix}Low${label}Utilization-${name}`;
    const idle = `${ORIGINAL.alarmPrefix}Idle${label}-${name}`;
    account.cloudwatch.putMetricAlarm(arnRegion, now, {
      ...common,
      AlarmName: low,
      MetricName: kind === 'campaign' ? 'campaignUtilization' : 'recommenderUtilization',
      Namespace: 'PersonalizeMonitor',
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 9,
      Threshold: Number(parameters.UtilizationThresholdAlarmLowerBound),
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
    });
    account.cloudwatch.putMetricAlarm(arnRegion, now, {
      ...common,
      AlarmName: idle,
      MetricName: 'GetRecommendations',
      Namespace: 'AWS/Personalize',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 12 * idleHours,
      Threshold: 0,
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
    (fixture.alarms[arnRegion] ??= []).push(low, idle);
  }
  return fixture;
}
