/**
 * The ACTION's RequestApproval step (invoked with `.waitForTaskToken`): stores a PENDING approval
 * under a fresh unguessable id and emails the approve / reject links. Its return value is not
 * used: the state waits until the approval endpoint sends the task result, or times out.
 */
import type { DynamoDBClient } from '../aws/dynamodb';
import type { SNSClient } from '../aws/sns';
import { actionFacts, describeAction, type ActionRequest, type ActionRun } from '../../core/actions';
import { shortHash } from '../../core/arn';
import { DAY_MS, HOUR_MS } from '../../core/time';
import type { Logger } from '../shared/logger';
import { APPROVAL_RETENTION_DAYS, newApprovalId, putApproval, type ApprovalRecord } from '../action-shared/approvals-table';
import { publishNotification } from '../action-shared/notifications';
import { composeApprovalEmail } from './email';

/** What the RequestApproval state passes. */
export interface RequestApprovalInput {
  taskToken: string;
  request: ActionRequest;
  run: ActionRun;
  /** When the waiting state was entered (`$$.State.EnteredTime`): its timeout counts from here. */
  enteredAt?: string;
}

export interface RequestApprovalResult {
  /** Short hash of the id, for correlating logs (the id itself is a credential too). */
  approvalRef: string;
  expiresAt: string;
}

export interface RequestApprovalDeps {
  ddb: DynamoDBClient;
  sns: SNSClient;
  now: () => number;
  logger: Logger;
  table: string;
  topicArn: string;
  baseUrl: string;
}

/** Stores the approval and sends the email. @throws when the token is missing or AWS fails (the state fails). */
export async function requestApproval(event: RequestApprovalInput, deps: RequestApprovalDeps): Promise<RequestApprovalResult> {
  const { request, run } = event;
  if (typeof event.taskToken !== 'string' || event.taskToken.length === 0) {
    throw new Error('RequestApproval must be invoked with .waitForTaskToken and a taskToken in the payload');
  }
  const now = deps.now();
  const entered = event.enteredAt ? Date.parse(event.enteredAt) : NaN;
  // Expire with the waiting state's TimeoutSeconds, which counts from when the state was entered.
  const expiresAt = (Number.isFinite(entered) ? entered : now) + run.approvalLifetimeHours * HOUR_MS;
  const id = newApprovalId();
  const record: ApprovalRecord = {
    id,
    taskToken: event.taskToken,
    status: 'PENDING',
    summary: { title: describeAction(request), resourceArn: request.resourceArn, region: request.region, facts: actionFacts(request, run, expiresAt), action: request.action, name: request.name },
    executionArn: run.executionArn,
    createdAt: new Date(now).toISOString(),
    expiresAt,
    ttl: Math.floor((expiresAt + APPROVAL_RETENTION_DAYS * DAY_MS) / 1000),
  };
  await putApproval(deps.ddb, deps.table, record);
  const approvalRef = shortHash(id, 12);
  await publishNotification(deps.sns, deps.topicArn, composeApprovalEmail(request, run, id, deps.baseUrl, expiresAt));
  deps.logger.info('approval requested', {
    approvalRef,
    action: request.action,
    resourceArn: request.resourceArn,
    executionArn: run.executionArn,
    expiresAt: new Date(expiresAt).toISOString(),
  });
  return { approvalRef, expiresAt: new Date(expiresAt).toISOString() };
}
