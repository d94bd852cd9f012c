/**
 * What marks a CloudWatch alarm as ours, and what marks one as the original sample's
 * (aws-samples/amazon-personalize-monitor). Both products may run in one account while a team
 * migrates: the monitor reconciles, deletes and cleans up only alarms that carry ITS prefix AND
 * its owner tag; the original's alarms (prefix `PersonalizeMonitor-`, tag
 * `CreatedBy=PersonalizeMonitor`) are listed by `migrate` and never touched.
 */

/** The original's alarm name prefix (its template: `PersonalizeMonitor-<Kind>-<name>`). */
export const ORIGINAL_ALARM_PREFIX = 'PersonalizeMonitor-';
/** The tag the original puts on the alarms it creates. */
export const ORIGINAL_CREATED_BY_TAG = { Key: 'CreatedBy', Value: 'PersonalizeMonitor' } as const;

/** Key of the tag on every alarm we create; its value is the stack name of the deployment that owns it. */
export const OWNER_TAG_KEY = 'PersonalizeMonitorStack';

/** Alarm name prefix of a deployment: `<stackName>-alarm-` unless configured. */
export function defaultAlarmPrefix(stackName: string): string {
  return `${stackName}-alarm-`;
}

/** True when `name` could belong to the original sample (and must therefore never be ours). */
export function isOriginalAlarmName(name: string): boolean {
  return name.startsWith(ORIGINAL_ALARM_PREFIX);
}
