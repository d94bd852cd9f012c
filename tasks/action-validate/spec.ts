import type { TaskSpec } from '../shared/task-spec';

/** Pure validation: needs no AWS permission beyond its logs (added by the infrastructure). */
export const spec: TaskSpec = {
  name: 'action-validate',
  description: 'Validates an ACTION request (direct input or request event) and resolves its approval mode',
  entry: 'tasks/action-validate/handler.ts',
  timeoutSeconds: 10,
  environment: [],
  permissions: () => [],
};
