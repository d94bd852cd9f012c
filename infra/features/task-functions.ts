/**
 * One Lambda function per task of `tasks/registry.ts`, each with only the environment variables
 * its spec declares. The approval function comes first: its URL goes into the environment of the
 * task that mails the links (and only there: the approval function holding its own URL is a
 * reference cycle, deploy-traps 14).
 */
import { TerraformOutput } from 'cdktf';
import { ApprovalEndpoint } from '../approvals';
import { NodejsFunction } from '../nodejs-function';
import type { LambdaTarget } from '../../workflows/asl';
import type { TaskSpec } from '../../tasks/shared/task-spec';
import type { TaskEnvName } from '../../tasks/shared/task-env';
import type { StackBase } from './base';

/** The task behind the approval URL. */
export const APPROVAL_TASK = 'approval';

export interface TaskFunctionsProps {
  tasks: readonly TaskSpec[];
  /** Values of the stack-wide variables; a declared variable without a value is left out (optional ones). */
  values: Partial<Record<TaskEnvName, string>>;
  bundleDir?: string;
}

/** Every task's function, by task name, and the approval endpoint. */
export class TaskFunctions {
  readonly byName = new Map<string, NodejsFunction>();
  approvalUrl?: string;

  constructor(base: StackBase, props: TaskFunctionsProps) {
    const { config } = base;
    // Derived from the config here (main.ts passes the rest): our alarm prefix, the deploy's
    // dryRun for the dashboard rule's rebuilds (which have no run to carry it), and whether collect
    // publishes the original's utilization metrics.
    const values: Partial<Record<TaskEnvName, string>> = {
      PM_ALARM_PREFIX: config.alarmPrefix,
      PM_DRY_RUN: String(config.dryRun),
      PM_PUBLISH_UTILIZATION_METRICS: String(config.publishUtilizationMetrics),
      PM_HEALTH_CHECK: config.healthCheck,
      PM_HEALTH_CHECK_INTERVAL_MINUTES: String(config.healthCheckIntervalMinutes),
      PM_DATA_FEED_CHECKS: String(config.dataFeedChecks),
      ...props.values,
    };
    // The alarm prefix reaches the tasks' IAM resource patterns through their permission context;
    // publishUtilizationMetrics decides whether collect may PutMetricData at all.
    const permissionContext = { ...base.permissionContext, alarmPrefix: config.alarmPrefix, publishUtilizationMetrics: config.publishUtilizationMetrics };
    for (const spec of [...props.tasks].sort((a, b) => Number(b.name === APPROVAL_TASK) - Number(a.name === APPROVAL_TASK))) {
      const environment = Object.fromEntries(spec.environment.flatMap((name) => (values[name] === undefined ? [] : [[name, values[name] as string]])));
      const fn = new NodejsFunction(base.stack, spec.name, {
        spec,
        stackName: config.stackName,
        permissionContext,
        memoryMb: config.lambdaMemoryMb,
        logRetentionDays: config.logRetentionDays,
        environment,
        bundleDir: props.bundleDir,
      });
      this.byName.set(spec.name, fn);
      if (spec.name === APPROVAL_TASK) {
        const endpoint = new ApprovalEndpoint(base.stack, 'approval-endpoint', { fn });
        this.approvalUrl = endpoint.url.functionUrl;
        values.PM_APPROVAL_BASE_URL = endpoint.url.functionUrl;
        new TerraformOutput(base.stack, 'approval_endpoint_url', { value: endpoint.url.functionUrl, description: 'Where approval links point' });
      }
    }
  }

  /** The function of a task, as a state machine Task sees it. @throws naming a task missing from the registry. */
  lambda(name: string): LambdaTarget {
    const fn = this.byName.get(name);
    if (!fn) throw new Error(`a state machine needs task "${name}", which is not in tasks/registry.ts`);
    return { arn: fn.function.arn, timeoutSeconds: fn.spec.timeoutSeconds };
  }
}
