/**
 * IAM as tasks and states declare it: each Lambda task and each state machine state names the
 * statements it needs; the infrastructure generates the roles' policies from them (least
 * privilege: a test proves there is no `*` action).
 */

/** Values known only to Terraform arrive as Terraform expressions such as `${data.aws_partition.current.partition}`. */
export interface PermissionContext {
  partition: string;
  accountId: string;
  /** Region the monitor runs in. */
  homeRegion: string;
  /** Monitored regions. */
  regions: readonly string[];
  stackName: string;
}

/** One IAM statement, always Allow. `resources` must not be `*` unless the API has no resource type (say why in `why`). */
export interface IamStatement {
  sid?: string;
  actions: string[];
  resources: string[];
  /** IAM Condition block, e.g. `{ StringEquals: { 'cloudwatch:namespace': 'PersonalizeMonitor' } }`. */
  conditions?: Record<string, Record<string, string | string[]>>;
  /** Why the resource is `*` (required when it is). */
  why?: string;
}
