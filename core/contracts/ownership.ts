/**
 * What marks a CloudWatch alarm as ours, and what marks one as the original sample's
 * (aws-samples/amazon-personalize-monitor). Both products may run in one account while a team
 * migrates: the monitor reconciles, deletes and cleans up only alarms that carry ITS prefix AND
 * its owner tag; the original's alarms (prefix `PersonalizeMonitor-`, tag
 * `CreatedBy=PersonalizeMonitor`) are listed by `migrate` and never touched. Pure: no imports.
 */

/** The original's alarm name prefix (its template: `PersonalizeMonitor-<Kind>-<name>`). */
export const ORIGINAL_ALARM_PREFIX = 'PersonalizeMonitor-';
/** The tag the original puts on the alarms it creates. */
export const ORIGINAL_CREATED_BY_TAG = { Key: 'CreatedBy', Value: 'PersonalizeMonitor' } as const;

/** Key of the tag on every alarm we create; its value is the stack name of the deployment that owns it. */
export const OWNER_TAG_KEY = 'PersonalizeMonitorStack';

/**
 * Longest configurable alarm prefix. Our longest name is `<prefix>LowUtilization-Recommender-<name>-<hash>`
 * (core/alarms.ts): 27 fixed characters, a 63-character Personalize name at most, `-` and an
 * 8-character hash. With a prefix of at most 100 characters every name fits CloudWatch's 255 in full.
 */
export const MAX_ALARM_PREFIX_LENGTH = 100;
/**
 * Characters of a prefix: letters, digits, `-`, `_`, `.`. Narrower than CloudWatch allows: the
 * prefix also goes into IAM and SNS-policy ARN patterns (no `*`/`?` wildcards), console links
 * and Terraform strings (no `${`).
 */
export const ALARM_PREFIX_PATTERN = /^[A-Za-z0-9._-]+$/;

/** The alarms of one deployment: name prefix and the stack name its owner tag carries. */
export interface AlarmOwnership {
  prefix: string;
  stackName: string;
}

/** Alarm name prefix of a deployment: `<stackName>-alarm-` unless configured. */
export function defaultAlarmPrefix(stackName: string): string {
  return `${stackName}-alarm-`;
}

/** True when `name` could belong to the original sample (and must therefore never be ours). */
export function isOriginalAlarmName(name: string): boolean {
  return name.startsWith(ORIGINAL_ALARM_PREFIX);
}

/**
 * Why `prefix` cannot be an alarm prefix of ours; undefined when it can. A prefix that the
 * original's names start with, or one that is the start of the original's prefix (listing by it
 * would return the original's alarms, `Personalize` say), is refused.
 */
export function checkAlarmPrefix(prefix: string): string | undefined {
  if (prefix.length < 1 || prefix.length > MAX_ALARM_PREFIX_LENGTH) {
    return `expected 1 to ${MAX_ALARM_PREFIX_LENGTH} characters (every alarm name must stay within CloudWatch's 255), got ${prefix.length}`;
  }
  if (!ALARM_PREFIX_PATTERN.test(prefix)) return `expected only letters, digits, "-", "_" or ".", got ${JSON.stringify(prefix)}`;
  if (isOriginalAlarmName(prefix) || ORIGINAL_ALARM_PREFIX.startsWith(prefix)) {
    return `"${prefix}" would cover the original sample's alarms (prefix ${ORIGINAL_ALARM_PREFIX}), which this monitor must never touch; choose another prefix, e.g. the default <stackName>-alarm-`;
  }
  return undefined;
}

/** The owner tag of a deployment's alarms. */
export function ownerTag(stackName: string): { Key: string; Value: string } {
  return { Key: OWNER_TAG_KEY, Value: stackName };
}

/** True when an alarm is ours to change or delete: our prefix (never the original's) AND our owner tag. */
export function isOwnedAlarm(name: string, tags: readonly { Key?: string; Value?: string }[], ownership: AlarmOwnership): boolean {
  return (
    name.startsWith(ownership.prefix) &&
    !isOriginalAlarmName(name) &&
    tags.some((t) => t.Key === OWNER_TAG_KEY && t.Value === ownership.stackName)
  );
}

/** The alarm prefix of a permission context (infra passes the configured one; else the default). */
export function alarmPrefixOf(ctx: { stackName: string; alarmPrefix?: string }): string {
  return ctx.alarmPrefix ?? defaultAlarmPrefix(ctx.stackName);
}

/** IAM / SNS-policy resource pattern of our alarms in one region. */
export function alarmArnPattern(partition: string, region: string, accountId: string, prefix: string): string {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${prefix}*`;
}

/**
 * The monitor's own alarms (Terraform resources, one set per deployment, home region):
 * `<prefix>Monitor-<Kind>`. They carry the deployment's prefix so the notification topic's
 * policy lets them publish, and the reconciler never treats them as a resource's alarm (no
 * resource alarm kind is `Monitor`).
 */
export const STACK_ALARM_KINDS = ['RunsFailed', 'RunsTimedOut', 'NotRunning', 'ScheduleDeadLetters', 'ActionsFailed', 'ApprovalErrors'] as const;
export type StackAlarmKind = (typeof STACK_ALARM_KINDS)[number];
const STACK_ALARM_INFIX = 'Monitor-';

/** Name of one of the monitor's own alarms. */
export function stackAlarmName(prefix: string, kind: StackAlarmKind): string {
  return `${prefix}${STACK_ALARM_INFIX}${kind}`;
}

/** True for the monitor's own alarms (never reconciled or deleted at run time). */
export function isStackAlarmName(name: string, prefix: string): boolean {
  return name.startsWith(`${prefix}${STACK_ALARM_INFIX}`);
}

/**
 * The data-feed task's alarms (`<prefix>IngestionStopped-DatasetGroup-<name>-<hash>`, one per
 * dataset group with an event tracker in use): reconciled by the data-feed task only, never by collect.
 */
export const DATA_FEED_ALARM_INFIX = 'IngestionStopped-';

/** True for the data-feed task's alarms. */
export function isDataFeedAlarmName(name: string, prefix: string): boolean {
  return name.startsWith(`${prefix}${DATA_FEED_ALARM_INFIX}`);
}

/** ARN of an alarm. */
export function alarmArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Region and name of an alarm ARN `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`; undefined for anything else. */
export function parseAlarmArn(arn: string): { region: string; name: string } | undefined {
  const m = /^arn:[\w-]+:cloudwatch:([a-z0-9-]+):\d{12}:alarm:(.+)$/.exec(arn);
  return m ? { region: m[1], name: m[2] } : undefined;
}
