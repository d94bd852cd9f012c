/**
 * The ACTION's notify step: the friendly email of every Notify* state of the ACTION machine
 * (report, approved, rejected, expired, skipped, done, failed).
 */
import type { SNSClient } from '../aws/sns';
import type { ActionRequest, ActionRun } from '../../core/actions';
import type { Logger } from '../shared/logger';
import { OUTCOMES, composeNotification, errorText, publishNotification, type NotificationDetail, type Outcome } from '../action-shared/notifications';
import type { ApprovalResult } from '../../core/contracts/action';
import { actionRecord } from '../../core/records';

/** What a Notify* state passes: the outcome, the request, the run (prices, lifetime) and what explains the outcome. */
export interface NotifyInput {
  outcome: Outcome;
  request: ActionRequest;
  run?: ActionRun;
  /** A re-check result (`reason`), a caught error (`Error`, `Cause`), or any small object. */
  detail?: NotificationDetail;
  /** The approval step's result (`{ approved: false }` until a person approved). */
  approval?: ApprovalResult;
}

export interface NotifyResult {
  outcome: Outcome;
  subject: string;
}

export interface NotifyDeps {
  sns: SNSClient;
  topicArn: string;
  logger: Logger;
  /** Epoch ms of the outcome (default: the wall clock, which the local runner keeps simulated). */
  clock?: () => number;
}

/** Composes and publishes the email. @throws on an unknown outcome (a definition bug) or when SNS fails. */
export async function notify(event: NotifyInput, deps: NotifyDeps): Promise<NotifyResult> {
  if (!(OUTCOMES as readonly string[]).includes(event.outcome)) {
    throw new Error(`unknown outcome ${JSON.stringify(event.outcome)} (expected one of ${OUTCOMES.join(', ')})`);
  }
  // The record first: the outcome happened whether or not the email can be sent.
  deps.logger.record(
    actionRecord(event.outcome, event.request, event.run?.executionArn ?? 'unknown', (deps.clock ?? Date.now)(), recordDetail(event), event.approval),
  );
  const n = composeNotification(event.outcome, event.request, {
    prices: event.run,
    approvalLifetimeHours: event.run?.approvalLifetimeHours,
    executionArn: event.run?.executionArn,
    detail: event.detail,
  });
  await publishNotification(deps.sns, deps.topicArn, n);
  deps.logger.info('notified', { outcome: event.outcome, resourceArn: event.request.resourceArn, action: event.request.action });
  return { outcome: event.outcome, subject: n.subject };
}

/** The record's short detail: the new minimum, and the re-check's reason or the error. */
function recordDetail(event: NotifyInput): string {
  const { request, detail } = event;
  const change = request.action === 'setMinCapacity' && request.newMin !== undefined ? `minimum → ${request.newMin}` : '';
  const reason = typeof detail?.reason === 'string' ? detail.reason : errorText(detail);
  return [change, reason ?? ''].filter(Boolean).join('; ');
}
