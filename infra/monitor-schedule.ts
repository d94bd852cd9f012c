/**
 * EventBridge Scheduler starts the MONITOR on its rate. Own role (trust scheduler.amazonaws.com,
 * this account only), a Standard SQS dead-letter queue for starts that keep failing, and
 * `depends_on` the role policy so the first trigger cannot beat IAM (deploy-traps 6-8).
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { assumeRolePolicy, policyDocument } from './iam';
import { resourceName } from './names';
import { terraformJson } from './terraform-strings';

/** A run older than this is superseded by the next scheduled one: drop it to the DLQ. */
export const SCHEDULE_MAX_EVENT_AGE_SECONDS = 300;
/** Start attempts after the first (Scheduler allows 0-185). */
export const SCHEDULE_RETRY_ATTEMPTS = 2;
/** Failed starts are kept this long for inspection (SQS maximum). */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
/** Input of a scheduled run: no overrides, the deployed behaviour applies. */
export const SCHEDULED_RUN_INPUT = {};

export interface MonitorScheduleProps {
  stackName: string;
  stateMachineArn: string;
  scheduleExpression: string;
  enabled: boolean;
  accountId: string;
}

/** The schedule, its role and its dead-letter queue. */
export class MonitorSchedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly deadLetterQueue: SqsQueue;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: MonitorScheduleProps) {
    super(scope, id);
    const name = resourceName('schedule', props.stackName, 'monitor');

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: resourceName('sqsQueue', props.stackName, 'schedule-dlq'),
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });

    this.role = new IamRole(this, 'role', {
      name: resourceName('iamRole', props.stackName, 'scheduler'),
      description: `Lets EventBridge Scheduler start ${props.stackName}'s MONITOR`,
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', props.accountId),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: resourceName('iamPolicy', props.stackName, 'scheduler-policy'),
      role: this.role.name,
      policy: policyDocument(
        [
          { sid: 'StartMonitor', actions: ['states:StartExecution'], resources: [props.stateMachineArn] },
          { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        ],
        `role of schedule ${name}`,
      ),
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name,
      description: `Runs the Personalize Monitor (${props.scheduleExpression})`,
      scheduleExpression: props.scheduleExpression,
      state: props.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.stateMachineArn,
        roleArn: this.role.arn,
        input: terraformJson(SCHEDULED_RUN_INPUT),
        retryPolicy: { maximumEventAgeInSeconds: SCHEDULE_MAX_EVENT_AGE_SECONDS, maximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      dependsOn: [this.policy],
    });
  }
}
