import type { TaskSpec } from '../shared/task-spec';

/** Pure validation: needs no AWS permission beyond its logs (added by the infrastructure). */
export const spec: TaskSpec = {
  name: 'validate-input',
  description: 'Validates per-run overrides of the MONITOR and resolves the run behaviour',
  entry: 'tasks/validate-input/handler.ts',
  timeoutSeconds: 10,
  environment: [],
  permissions: () => [],
};
