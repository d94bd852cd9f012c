/** The approval email: what and where, the facts, the expiry, and two links. Pure. */
import { actionFacts, type ActionRequest } from '../../core/actions';
import type { Prices } from '../../core/cost';
import { factLines, subjectLine, type Notification } from '../action-shared/notifications';

/** `<base>/approvals/<id>?decision=approve|reject` (a trailing slash on the base is ignored). */
export function approvalLink(baseUrl: string, id: string, decision: 'approve' | 'reject'): string {
  return `${baseUrl.replace(/\/+$/, '')}/approvals/${encodeURIComponent(id)}?decision=${decision}`;
}

/** The email asking a person to approve or reject one action. */
export function composeApprovalEmail(request: ActionRequest, prices: Prices, id: string, baseUrl: string, expiresAt: number): Notification {
  const expiry = new Date(expiresAt).toISOString();
  const message = [
    `Personalize Monitor asks for your approval before it acts on a resource in ${request.region}.`,
    '',
    factLines(actionFacts(request, prices, expiresAt)),
    '',
    `Approve: ${approvalLink(baseUrl, id, 'approve')}`,
    `Reject:  ${approvalLink(baseUrl, id, 'reject')}`,
    '',
    'Each link opens a confirmation page; nothing happens until you press the button on that page.',
    `If nobody decides before ${expiry}, the request expires and nothing is changed.`,
    'Before acting, the monitor checks the resource again and skips the action if it is in use or has changed.',
  ].join('\n');
  return { subject: subjectLine('Approval needed', request), message };
}
