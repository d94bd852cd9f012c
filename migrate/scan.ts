/**
 * `migrate --dry-run`, the reading: finds the original sample's stack, alarms, dashboard, rules
 * and topics in each region with injected clients (read-only ones in the CLI) and lists each
 * with what replaces it in our deployment. It only calls DescribeStacks, ListStackResources,
 * DescribeAlarms, ListTagsForResource, ListDashboards, ListRules and ListTopics.
 */
import type { DeployConfig } from '../config/schema';
import { dashboardName } from '../core/contracts/names';
import { ORIGINAL_ALARM_PREFIX, ORIGINAL_CREATED_BY_TAG, OWNER_TAG_KEY } from '../core/contracts/ownership';
import { describeStacks, listStackResources, type CloudFormationClient } from '../tasks/aws/cloudformation';
import { describeAlarms, listDashboards, listTagsForResource, type CloudWatchClient } from '../tasks/aws/cloudwatch';
import { describeError, isAccessDenied, isCredentialsProblem } from '../tasks/aws/errors';
import { listRules, type EventBridgeClient } from '../tasks/aws/eventbridge';
import { listTopicArns, type SNSClient } from '../tasks/aws/sns';
import {
  ORIGINAL_NAMES,
  candidateReason,
  compareParameters,
  missingSignature,
  replacementOfAlarm,
  ownDefaultBusRules,
  replacementOfStackResource,
  type ParameterComparison,
} from './original';

/** The clients the scan reads with (one per service and region). */
export interface MigrateClients {
  cloudformation(region: string): CloudFormationClient;
  cloudwatch(region: string): CloudWatchClient;
  events(region: string): EventBridgeClient;
  sns(region: string): SNSClient;
}

export type ItemKind = 'stack' | 'function' | 'rule' | 'topic' | 'alarm' | 'dashboard';

/** One thing the original left in the account, and what replaces it. */
export interface MigrationItem {
  kind: ItemKind;
  /** `global` for dashboards. */
  region: string;
  /** Stack name, function name, rule name, topic ARN, alarm name or dashboard name. */
  name: string;
  /** `stack <name> (<logical id>)`, or how it was made outside a stack. */
  origin: string;
  /** What replaces it in our deployment; absent when nothing needs to. */
  replacedBy?: string;
  note: string;
  /** The command that removes it if deleting the stack leaves it behind (made outside the stack). */
  removeWith?: string;
}

export interface FoundStack {
  name: string;
  region: string;
  id: string;
  status: string;
  /** Serverless Application Repository version, when deployed from there. */
  sarVersion?: string;
  resources: number;
  parameters: ParameterComparison[];
  deleteCommand: string;
}

/** A permission the scan lacked: that part of the listing is missing. */
export interface ScanProblem {
  region: string;
  /** IAM action, e.g. `cloudformation:DescribeStacks`. */
  permission: string;
  error: string;
}

export interface MigrationReport {
  readOnly: true;
  regions: string[];
  deployment: { stackName: string; alarmPrefix: string; homeRegion: string; regions: string[] };
  stacks: FoundStack[];
  /** Candidates (by description, SAR tag, outputs or --stack) that are not the original, and why. */
  notTheOriginal: { name: string; region: string; reason: string }[];
  /** --stack names found in no scanned region. */
  stacksNotFound: string[];
  items: MigrationItem[];
  /** Rules on the default bus that match the original's events but are neither its nor ours (an integration of yours). */
  relatedRules: { region: string; name: string }[];
  /** Left out because they are ours (alarms with our owner tag; our rules on personalize.monitor events on the default bus). */
  skippedOwn: { alarms: number; rules: number };
  problems: ScanProblem[];
}

/** No usable credentials: nothing can be read, the scan stops. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

export interface ScanOptions {
  regions: string[];
  config: DeployConfig;
  /** Stacks to examine even when nothing else marks them as candidates. */
  stackNames?: string[];
}

/** Lists what the original left in the account and what replaces each piece. */
export async function scan(clients: MigrateClients, options: ScanOptions): Promise<MigrationReport> {
  const { config, regions } = options;
  const named = options.stackNames ?? [];
  const report: MigrationReport = {
    readOnly: true,
    regions,
    deployment: { stackName: config.stackName, alarmPrefix: config.alarmPrefix, homeRegion: config.homeRegion, regions: config.regions },
    stacks: [],
    notTheOriginal: [],
    stacksNotFound: [],
    items: [],
    relatedRules: [],
    skippedOwn: { alarms: 0, rules: 0 },
    problems: [],
  };
  /** Runs one read; an access denial becomes a problem (undefined), missing credentials stop the scan. */
  const read = async <T>(region: string, permission: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (isCredentialsProblem(err)) throw new CredentialsError(`no usable AWS credentials (${describeError(err)}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`);
      if (isAccessDenied(err)) {
        report.problems.push({ region, permission, error: describeError(err) });
        return undefined;
      }
      throw Object.assign(err as Error, { message: `${permission} in ${region}: ${describeError(err)}` });
    }
  };

  const seenNamed = new Set<string>();
  /** Our deployment's rules on the default bus that match the original's events. */
  const ownRules = new Set(ownDefaultBusRules(config));
  /** `region|physical id` of every resource of an original stack (the listings below skip them). */
  const fromStack = new Set<string>();

  for (const region of regions) {
    // 1. Stacks: candidates by description / SAR tag / outputs / --stack, confirmed by their resources.
    const stacks = (await read(region, 'cloudformation:DescribeStacks', () => describeStacks(clients.cloudformation(region)))) ?? [];
    for (const s of stacks) {
      const name = s.StackName ?? '';
      const tags = Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      if (named.includes(name)) seenNamed.add(name);
      const why = candidateReason({ name, description: s.Description, tags, outputKeys: (s.Outputs ?? []).map((o) => o.OutputKey ?? '') }, named);
      if (!why) continue;
      const resources = await read(region, 'cloudformation:ListStackResources', () => listStackResources(clients.cloudformation(region), s.StackId ?? name));
      if (!resources) continue;
      const summary = resources.map((r) => ({ logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId ?? '', type: r.ResourceType ?? '' }));
      const missing = missingSignature(summary);
      if (missing.length) {
        report.notTheOriginal.push({ name, region, reason: `${why}, but it has no ${missing.join(', ')}` });
        continue;
      }
      const deleteCommand = `aws cloudformation delete-stack --region ${region} --stack-name ${name}`;
      const sarVersion = tags[ORIGINAL_NAMES.sarVersionTag];
      report.stacks.push({
        name,
        region,
        id: s.StackId ?? '',
        status: s.StackStatus ?? 'unknown',
        ...(sarVersion ? { sarVersion } : {}),
        resources: summary.length,
        parameters: compareParameters(Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])), region, config),
        deleteCommand,
      });
      const others = summary.filter((r) => !['AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::SNS::Topic'].includes(r.type));
      report.items.push({
        kind: 'stack',
        region,
        name,
        origin: sarVersion ? `Serverless Application Repository application Amazon-Personalize-Monitor ${sarVersion}` : 'CloudFormation stack (SAM)',
        replacedBy: `your deployment ${config.stackName} (npm run deploy)`,
        note: `${s.StackStatus ?? 'unknown status'}; ${summary.length} resources, of which ${others.length} (roles, permissions, layer, versions, custom resources, topic policy) go with the stack`,
        removeWith: deleteCommand,
      });
      for (const r of summary) {
        fromStack.add(`${region}|${r.physicalId}`);
        const kind: ItemKind | undefined = r.type === 'AWS::Lambda::Function' ? 'function' : r.type === 'AWS::Events::Rule' ? 'rule' : r.type === 'AWS::SNS::Topic' ? 'topic' : undefined;
        if (!kind) continue;
        const replacement = replacementOfStackResource(r.logicalId, r.type, config);
        const unmonitored = kind === 'topic' && !config.regions.includes(region);
        report.items.push({
          kind,
          region,
          name: r.physicalId,
          origin: `stack ${name} (${r.logicalId})`,
          ...(replacement.by && !unmonitored ? { replacedBy: replacement.by } : {}),
          note: unmonitored ? `not replaced: region ${region} is not in your regions` : replacement.note,
        });
      }
    }

    // 2. Alarms: the original's prefix; its tag tells its own from anything else so named; ours are left out.
    const alarms = (await read(region, 'cloudwatch:DescribeAlarms', () => describeAlarms(clients.cloudwatch(region), { prefix: ORIGINAL_ALARM_PREFIX, alarmTypes: ['MetricAlarm'], where: region }))) ?? [];
    for (const alarm of alarms) {
      const name = alarm.AlarmName ?? '';
      const tags = alarm.AlarmArn ? await read(region, 'cloudwatch:ListTagsForResource', () => listTagsForResource(clients.cloudwatch(region), alarm.AlarmArn!)) : [];
      if (tags === undefined) continue;
      if (tags.some((t) => t.Key === OWNER_TAG_KEY)) {
        report.skippedOwn.alarms++;
        continue;
      }
      const createdByOriginal = tags.some((t) => t.Key === ORIGINAL_CREATED_BY_TAG.Key && t.Value === ORIGINAL_CREATED_BY_TAG.Value);
      const removeWith = `aws cloudwatch delete-alarms --region ${region} --alarm-names ${name}`;
      if (!createdByOriginal) {
        report.items.push({ kind: 'alarm', region, name, origin: `named ${ORIGINAL_ALARM_PREFIX}… but without the tag ${ORIGINAL_CREATED_BY_TAG.Key}=${ORIGINAL_CREATED_BY_TAG.Value}`, note: 'not the original\'s monitor\'s: left alone, check who made it' });
        continue;
      }
      const resourceArn = (alarm.Dimensions ?? []).find((d) => (d.Name === 'CampaignArn' || d.Name === 'RecommenderArn') && d.Value)?.Value;
      const replacement = replacementOfAlarm({ name, region, resourceArn }, config);
      report.items.push({
        kind: 'alarm',
        region,
        name,
        origin: `made at run time by the original's monitor (tag ${ORIGINAL_CREATED_BY_TAG.Key}=${ORIGINAL_CREATED_BY_TAG.Value})`,
        ...(replacement.by ? { replacedBy: replacement.by } : {}),
        note: replacement.note,
        removeWith,
      });
    }

    // 3. Rules on the default bus: the stack's, the one its monitor made per region, and related ones.
    const rules = (await read(region, 'events:ListRules', () => listRules(clients.events(region)))) ?? [];
    for (const rule of rules) {
      const name = rule.Name ?? '';
      if (fromStack.has(`${region}|${name}`)) continue;
      if (ownRules.has(name)) {
        report.skippedOwn.rules++;
        continue;
      }
      if (name === ORIGINAL_NAMES.regionalRule) {
        report.items.push({
          kind: 'rule',
          region,
          name,
          origin: 'made at run time by the original\'s monitor in a further monitored region',
          note: 'not needed: the ACTION mails its outcome to the topic itself',
          removeWith: `aws events remove-targets --region ${region} --rule ${name} --ids ${ORIGINAL_NAMES.regionalRuleTargetId} && aws events delete-rule --region ${region} --name ${name}`,
        });
        continue;
      }
      if ((rule.EventPattern ?? '').includes(ORIGINAL_NAMES.eventSource)) report.relatedRules.push({ region, name });
    }

    // 4. Topics named like the original's that no stack holds (its monitor made them per region).
    const topics = (await read(region, 'sns:ListTopics', () => listTopicArns(clients.sns(region)))) ?? [];
    for (const arn of topics) {
      if (fromStack.has(`${region}|${arn}`) || arn.split(':')[5] !== ORIGINAL_NAMES.topic) continue;
      const monitored = config.regions.includes(region);
      report.items.push({
        kind: 'topic',
        region,
        name: arn,
        origin: 'in none of the original\'s stacks found: its monitor makes one in each further monitored region',
        ...(monitored ? { replacedBy: replacementOfStackResource('NotificationsTopic', 'AWS::SNS::Topic', config).by } : {}),
        note: monitored ? 'one topic per monitored region; confirm the new email subscription' : `not replaced: region ${region} is not in your regions`,
        removeWith: `aws sns delete-topic --region ${region} --topic-arn ${arn}`,
      });
    }
  }

  // 5. The dashboard (dashboards are global: one listing).
  const home = config.homeRegion;
  const dashboards = (await read(home, 'cloudwatch:ListDashboards', () => listDashboards(clients.cloudwatch(home), ORIGINAL_NAMES.dashboard))) ?? [];
  for (const d of dashboards.filter((n) => n === ORIGINAL_NAMES.dashboard)) {
    report.items.push({
      kind: 'dashboard',
      region: 'global',
      name: d,
      origin: 'drawn by the original\'s DashboardManagementFunction',
      replacedBy: dashboardName(config.stackName),
      note: 'drawn by build-dashboard; large fleets get numbered pages -2, -3, …',
      removeWith: `aws cloudwatch delete-dashboards --dashboard-names ${d}`,
    });
  }
  report.stacksNotFound = named.filter((n) => !seenNamed.has(n));
  return report;
}
