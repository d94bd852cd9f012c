/**
 * What a Lambda task declares about itself. The infrastructure builds one function, one role and
 * one log group per spec, and generates the role's policy from `permissions` (least privilege:
 * a test proves there is no `*` action).
 */

import type { IamStatement, PermissionContext } from '../../core/contracts/iam';
import type { TaskEnvName } from './task-env';

export type { IamStatement, PermissionContext } from '../../core/contracts/iam';

export interface TaskSpec {
  /** Short kebab-case name: function `<stackName>-<name>`, folder `tasks/<name>/`. */
  name: string;
  description: string;
  /** Path of the handler module from the repository root, exporting `handler`. */
  entry: string;
  timeoutSeconds: number;
  /** Extra memory over the stack default, when a task needs it. */
  memoryMb?: number;
  /** Environment variables its code reads (tasks/shared/task-env.ts); its function gets only these. */
  environment: readonly TaskEnvName[];
  permissions(ctx: PermissionContext): IamStatement[];
}

/**
 * `arn:<partition>:personalize:<region>:<account>:<type>/*` for every monitored region and type
 * (`campaign`, `recommender`, `solution` – a solution version's ARN lies under its solution).
 */
export function personalizeArns(ctx: PermissionContext, types: readonly string[]): string[] {
  return ctx.regions.flatMap((region) => types.map((t) => `arn:${ctx.partition}:personalize:${region}:${ctx.accountId}:${t}/*`));
}
