/**
 * EventBridge Scheduler invokes the health-check canary's Lambda directly, every
 * healthCheckIntervalMinutes. Built from the MONITOR schedule's pieces (infra/monitor-schedule.ts:
 * DLQ retention, scheduled input; infra/iam.ts: trust and policy documents; names): its own role
 * (trust scheduler.amazonaws.com, this account only) that may only invoke this function (and put
 * failed invocations in its dead-letter queue), no retries (a retried canary run makes duplicate
 * requests), a short event age, and `depends_on` the role policy (deploy-traps 6-8).
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { assumeRolePolicy, policyDocument } from './iam';
import { DLQ_RETENTION_SECONDS, SCHEDULED_RUN_INPUT } from './monitor-schedule';
import { canaryScheduleName, resourceName } from './names';
import { terraformJson } from './terraform-strings';

/** A canary invocation not delivered within a minute is dropped (the next run comes soon; Scheduler's minimum is 60). */
export const CANARY_MAX_EVENT_AGE_SECONDS = 60;
/** No retry: a retried run would ask every resource twice. */
export const CANARY_RETRY_ATTEMPTS = 0;

/** `rate(1 minute)` or `rate(N minutes)`. */
export function canaryScheduleExpression(intervalMinutes: number): string {
  if (!(Number.isInteger(intervalMinutes) && intervalMinutes >= 1)) throw new Error(`healthCheckIntervalMinutes must be a whole number ≥ 1, got ${intervalMinutes}`);
  return intervalMinutes === 1 ? 'rate(1 minute)' : `rate(${intervalMinutes} minutes)`;
}

export interface CanaryScheduleProps {
  stackName: string;
  /** ARN of the canary function. */
  functionArn: string;
  intervalMinutes: number;
  accountId: string;
}

/** The canary's schedule, its role and its dead-letter queue. */
export class CanarySchedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly deadLetterQueue: SqsQueue;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: CanaryScheduleProps) {
    super(scope, id);
    const name = canaryScheduleName(props.stackName);
    const expression = canaryScheduleExpression(props.intervalMinutes);

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: resourceName('sqsQueue', props.stackName, 'canary-dlq'),
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });

    this.role = new IamRole(this, 'role', {
      name: resourceName('iamRole', props.stackName, 'canary-scheduler'),
      description: `Lets EventBridge Scheduler invoke ${props.stackName}'s health-check canary`,
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', props.accountId),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: resourceName('iamPolicy', props.stackName, 'canary-scheduler-policy'),
      role: this.role.name,
      policy: policyDocument(
        [
          { sid: 'InvokeCanary', actions: ['lambda:InvokeFunction'], resources: [props.functionArn] },
          // Scheduler delivers failed invocations to the DLQ with the schedule's role.
          { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        ],
        `role of schedule ${name}`,
      ),
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name,
      description: `Runs the Personalize Monitor health-check canary (${expression})`,
      scheduleExpression: expression,
      state: 'ENABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.functionArn,
        roleArn: this.role.arn,
        input: terraformJson(SCHEDULED_RUN_INPUT),
        retryPolicy: { maximumEventAgeInSeconds: CANARY_MAX_EVENT_AGE_SECONDS, maximumRetryAttempts: CANARY_RETRY_ATTEMPTS },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      dependsOn: [this.policy],
    });
  }
}
