/**
 * Names of deployed resources, in one place: infrastructure and run-time code (the dashboard
 * builder, the MONITOR's tasks, scripts, tests) derive the same names from the stack name. Every
 * name is checked against its AWS limit when it is made.
 */

/** AWS name length limits (deploy-traps 1, 7, 24). */
export const NAME_LIMITS = {
  lambdaFunction: 64,
  iamRole: 64,
  iamPolicy: 128,
  stateMachine: 80,
  schedule: 64,
  sqsQueue: 80,
  snsTopic: 256,
  logGroup: 512,
  dashboard: 255,
  eventRule: 64,
  eventBus: 256,
  dynamodbTable: 255,
  statementId: 100,
} as const;

export type NamedKind = keyof typeof NAME_LIMITS;

/** Characters allowed in every name we build from the stack name (the strictest common set). */
const NAME_CHARS = /^[A-Za-z0-9_-]+$/;

/** `<prefix>-<suffix>`, checked against the limit of `kind`. */
export function resourceName(kind: NamedKind, prefix: string, suffix: string): string {
  return checkName(kind, `${prefix}-${suffix}`);
}

/** Returns `name` if it fits the character set and the limit of `kind`; throws naming both otherwise. */
export function checkName(kind: NamedKind, name: string): string {
  if (!NAME_CHARS.test(name)) throw new Error(`${kind} name "${name}" may only contain letters, digits, "-" and "_"`);
  if (name.length > NAME_LIMITS[kind]) throw new Error(`${kind} name "${name}" is ${name.length} characters; the limit is ${NAME_LIMITS[kind]}`);
  return name;
}

/** Lambda function (and its role) of a task: `<stack>-<task>`. */
export function functionName(stackName: string, taskName: string): string {
  return resourceName('lambdaFunction', stackName, taskName);
}

/** The MONITOR state machine. */
export function monitorStateMachineName(stackName: string): string {
  return resourceName('stateMachine', stackName, 'monitor');
}

/** The ACTION state machine (one execution per action on one resource). */
export function actionStateMachineName(stackName: string): string {
  return resourceName('stateMachine', stackName, 'action');
}

/** The stack's own event bus for action requests (its policy names who may send). */
export function requestsBusName(stackName: string): string {
  return resourceName('eventBus', stackName, 'requests');
}

/** The notification topic, same name in every monitored region. */
export function notificationTopicName(stackName: string): string {
  return resourceName('snsTopic', stackName, 'notifications');
}

/** The critical topic (KPI alarms at the critical level; a pager may subscribe), same name in every monitored region. */
export function criticalTopicName(stackName: string): string {
  return resourceName('snsTopic', stackName, 'critical');
}

/** The health-check canary's schedule (home region). */
export function canaryScheduleName(stackName: string): string {
  return resourceName('schedule', stackName, 'canary');
}

/** The CloudWatch dashboard the dashboard builder maintains (global, one per stack). */
export function dashboardName(stackName: string): string {
  return resourceName('dashboard', stackName, 'dashboard');
}

/** Log group Lambda writes to (created by Terraform, deploy-traps 10). */
export function lambdaLogGroupName(fnName: string): string {
  return `/aws/lambda/${fnName}`;
}

/** Log group of a state machine (`/aws/vendedlogs/` avoids the resource-policy size limit, deploy-traps 1). */
export function stateMachineLogGroupName(machineName: string): string {
  return `/aws/vendedlogs/states/${machineName}`;
}
