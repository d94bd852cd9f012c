/**
 * A person's decision on the approval page: the conditional write PENDING → APPROVED/REJECTED,
 * then the task result to the waiting execution (SendTaskSuccess / SendTaskFailure), and the
 * page that explains what happened.
 */
import { approvedRecord } from '../../core/records';
import { messagePage, type Page } from '../../core/approval-page';
import type { ApprovalDecision } from '../../core/contracts/approvals';
import { shortHash } from '../../core/arn';
import { APPROVAL_REJECTED_ERROR } from '../../core/contracts/errors';
import type { DynamoDBClient } from '../aws/dynamodb';
import { sendTaskFailure, sendTaskSuccess, type SFNClient } from '../aws/stepfunctions';
import type { Logger } from '../shared/logger';
import { errorName } from '../action-shared/errors';
import { decideApproval, getApproval, rewriteDecision, type ApprovalRecord } from '../action-shared/approvals-table';

/** SFN answers meaning the execution no longer waits for this token. */
const TOKEN_GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export interface ApprovalDeps {
  ddb: DynamoDBClient;
  sfn: SFNClient;
  table: string;
  now: () => number;
  logger: Logger;
}

/** The page for an approval that can no longer be decided (decided, expired). */
export function closedPage(record: ApprovalRecord, now: number): Page | undefined {
  if (record.status === 'APPROVED' || record.status === 'REJECTED') {
    const what = record.status === 'APPROVED' ? 'approved' : 'rejected';
    return messagePage(
      409,
      `Already ${what}`,
      [`This request was already ${what}${record.decidedAt ? ` at ${record.decidedAt}` : ''}. Nothing was changed by this click.`],
      record.summary,
    );
  }
  if (record.status === 'EXPIRED' || record.expiresAt <= now) {
    return messagePage(
      410,
      'This request expired',
      [`Nobody decided before ${new Date(record.expiresAt).toISOString()}, so the request expired and nothing was changed. The monitor will ask again if the finding persists.`],
      record.summary,
    );
  }
  return undefined;
}

/** Tells the waiting execution. Returns `sent`, `gone` (it no longer waits) or `unavailable`. */
async function sendTaskResult(sfn: SFNClient, record: ApprovalRecord, decision: ApprovalDecision, decidedAt: string): Promise<{ outcome: 'sent' | 'gone' | 'unavailable'; error?: string }> {
  try {
    if (decision === 'approve') await sendTaskSuccess(sfn, record.taskToken, { approved: true, decidedAt });
    else await sendTaskFailure(sfn, record.taskToken, APPROVAL_REJECTED_ERROR, `Rejected on the approval page at ${decidedAt}`);
    return { outcome: 'sent' };
  } catch (err) {
    // Only the error's name: SFN messages could echo the request.
    const name = errorName(err);
    return { outcome: TOKEN_GONE.has(name) ? 'gone' : 'unavailable', error: name };
  }
}

/** Records the decision and tells the execution; the page says what happened. */
export async function decide(deps: ApprovalDeps, id: string, record: ApprovalRecord, decision: ApprovalDecision, now: number): Promise<Page> {
  const decidedAt = new Date(now).toISOString();
  const won = await decideApproval(deps.ddb, deps.table, id, decision, decidedAt, now);
  if (!won) {
    // Decided by someone else meanwhile, expired, or deleted: explain from what is stored now.
    const latest = await getApproval(deps.ddb, deps.table, id);
    if (!latest) return messagePage(404, 'Unknown approval request', ['This approval request does not exist (it may have been removed after it expired).']);
    return closedPage(latest, now) ?? messagePage(409, 'Not decided', ['The request changed while you decided. Reload the link from the email.'], latest.summary);
  }
  const sent = await sendTaskResult(deps.sfn, record, decision, decidedAt);
  deps.logger.info('approval decided', { approvalRef: shortHash(id, 12), decision, executionArn: record.executionArn, sent: sent.outcome, sfnError: sent.error });
  const approved = decision === 'approve' && sent.outcome === 'sent' ? approvedRecord(record.summary, record.executionArn, decidedAt) : undefined;
  if (approved) deps.logger.record(approved);
  if (sent.outcome === 'gone') {
    await rewriteDecision(deps.ddb, deps.table, id, decidedAt, 'EXPIRED');
    return messagePage(410, 'This request expired', ['The workflow stopped waiting for a decision before yours arrived, so nothing was changed.'], record.summary);
  }
  if (sent.outcome === 'unavailable') {
    await rewriteDecision(deps.ddb, deps.table, id, decidedAt, 'PENDING');
    return messagePage(503, 'Please try again', ['Your decision could not be passed to the workflow just now, so it was not recorded. Open the link from the email again in a minute.'], record.summary);
  }
  return decision === 'approve'
    ? messagePage(200, 'Approved', ['Thank you. The monitor now checks the resource once more and then acts; it skips the action if the resource is in use again or has changed. You will get an email with the result.'], record.summary)
    : messagePage(200, 'Rejected', ['Thank you. Nothing will be changed; you will get a confirmation email.'], record.summary);
}
