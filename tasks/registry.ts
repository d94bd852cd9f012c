/**
 * Every Lambda task of the product. The infrastructure creates one function per entry;
 * tests bind the state machines' Tasks to these handlers.
 */
import type { TaskSpec } from './shared/task-spec';
import { spec as validateInput } from './validate-input/spec';
import { spec as collect } from './collect/spec';
import { spec as summarizeRun } from './summarize-run/spec';
import { spec as buildDashboard } from './build-dashboard/spec';
import { spec as actionValidate } from './action-validate/spec';
import { spec as actionRequestApproval } from './action-request-approval/spec';
import { spec as actionRecheck } from './action-recheck/spec';
import { spec as actionAct } from './action-act/spec';
import { spec as actionCheckSettled } from './action-check-settled/spec';
import { spec as actionFinish } from './action-finish/spec';
import { spec as actionNotify } from './action-notify/spec';
import { spec as approval } from './approval/spec';
import { spec as canary } from './canary/spec';
import { spec as dataFeed } from './data-feed/spec';

export const TASKS: readonly TaskSpec[] = [validateInput, collect, summarizeRun, buildDashboard,
  actionValidate, actionRequestApproval, actionRecheck, actionAct, actionCheckSettled, actionFinish, actionNotify, approval, canary, dataFeed];

/** The health-check canary's task: deployed only with healthCheck 'on' (main.ts leaves it out otherwise). */
export const CANARY_TASK = canary.name;

/** Looks a task up by name; throws naming the known ones. */
export function taskByName(name: string): TaskSpec {
  const t = TASKS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown task "${name}" (known: ${TASKS.map((x) => x.name).join(', ')})`);
  return t;
}
