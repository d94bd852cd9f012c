/**
 * What a Lambda task declares about itself. The infrastructure builds one function, one role and
 * one log group per spec, and generates the role's policy from `permissions` (least privilege:
 * a test proves there is no `*` action).
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

export interface TaskSpec {
  /** Short kebab-case name: function `<stackName>-<name>`, folder `tasks/<name>/`. */
  name: string;
  description: string;
  /** Path of the handler module from the repository root, exporting `handler`. */
  entry: string;
  timeoutSeconds: number;
  /** Extra memory over the stack default, when a task needs it. */
  memoryMb?: number;
  permissions(ctx: PermissionContext): IamStatement[];
}

/**
 * `arn:<partition>:personalize:<region>:<account>:<type>/*` for every monitored region and type
 * (`campaign`, `recommender`, `solution` – a solution version's ARN lies under its solution).
 */
export function personalizeArns(ctx: PermissionContext, types: readonly string[]): string[] {
  return ctx.regions.flatMap((region) => types.map((t) => `arn:${ctx.partition}:personalize:${region}:${ctx.accountId}:${t}/*`));
}
