/**
 * Friendly emails about actions (not raw event JSON): one subject line that says what happened,
 * to what and where, then a sentence on what it means and the facts behind it.
 */
import { publishStructured, type SNSClient } from '../aws/sns';
import { chatContentFromEmail, snsJsonMessage } from '../../core/chat-message';
import { DEFAULT_BEHAVIOUR } from '../../config/schema';
import { actionFacts, describeAction, type ActionRequest, type Fact } from '../../core/actions';
import type { Outcome } from '../../core/contracts/action';
import type { Prices } from '../../core/cost';
import { snsSubject } from '../../core/sns-text';

export { OUTCOMES, type Outcome } from '../../core/contracts/action';

/** First words of every action email subject. */
const SUBJECT_PREFIX = 'Personalize Monitor';
const ELLIPSIS = '…';

const TITLES: Record<Outcome, string> = {
  report: 'Report only',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Approval expired',
  skipped: 'Skipped',
  done: 'Done',
  failed: 'FAILED',
};

/** Extra information from the state: a re-check's reason, a caught error (`Error`/`Cause`), or a result. */
export type NotificationDetail = Record<string, unknown> | undefined;

export interface Notification {
  subject: string;
  message: string;
}

/** Cuts `text` to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - ELLIPSIS.length) + ELLIPSIS;
}

/**
 * Email subject: `Personalize Monitor - <title>: <action> (<region>)`, at most 100 printable ASCII
 * characters on one line (SNS rejects anything else, and the action would fail).
 */
export function subjectLine(title: string, request: ActionRequest): string {
  return snsSubject(`${SUBJECT_PREFIX} - ${title}: ${describeAction(request)} (${request.region})`);
}

/** A caught Step Functions error's readable message: Lambda causes are JSON with `errorMessage`. */
export function errorText(detail: NotificationDetail): string | undefined {
  if (!detail) return undefined;
  const cause = detail.Cause ?? detail.cause;
  if (typeof cause === 'string' && cause) {
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: unknown; errorType?: unknown };
      if (typeof parsed.errorMessage === 'string') return `${String(parsed.errorType ?? detail.Error ?? 'Error')}: ${parsed.errorMessage}`;
    } catch {
      // A plain-text cause (e.g. SendTaskFailure's) is readable as is.
    }
    return cause;
  }
  const error = detail.Error ?? detail.error;
  return typeof error === 'string' ? error : undefined;
}

function reasonText(detail: NotificationDetail): string | undefined {
  const reason = detail?.reason;
  return typeof reason === 'string' && reason ? reason : undefined;
}

/** What the outcome means for the reader, in one or two sentences. */
function headline(outcome: Outcome, request: ActionRequest, detail: NotificationDetail, lifetimeHours: number): string {
  const action = describeAction(request);
  switch (outcome) {
    case 'report':
      return `${action} would be done now, but this action runs in report mode (dry-run or configured as "report"): nothing was changed.`;
    case 'approved':
      return `${action} was approved. It is carried out after a final re-check of the resource.`;
    case 'rejected':
      return `${action} was rejected${errorText(detail) ? ` (${errorText(detail)})` : ''}. Nothing was changed.`;
    case 'expired':
      return `Nobody approved or rejected "${action}" within ${lifetimeHours} hours. The request expired and nothing was changed.`;
    case 'skipped':
      return `${action} was skipped: ${reasonText(detail) ?? 'the re-check did not allow it.'} Nothing was changed.`;
    case 'done':
      return `${action} is done${reasonText(detail) ? `: ${reasonText(detail)}` : '.'}`;
    case 'failed':
      return `${action} did not complete: ${errorText(detail) ?? reasonText(detail) ?? 'unknown error'}. Check the execution history; the resource may need attention.`;
  }
}

/** Renders facts as aligned `Label: value` lines. */
export function factLines(facts: Fact[]): string {
  const width = Math.max(...facts.map((f) => f.label.length));
  return facts.map((f) => `${(f.label + ':').padEnd(width + 2)}${f.value}`).join('\n');
}

/** The friendly email for an outcome of an action. */
export function composeNotification(
  outcome: Outcome,
  request: ActionRequest,
  options: { prices?: Prices; approvalLifetimeHours?: number; executionArn?: string; detail?: NotificationDetail } = {},
): Notification {
  const prices = options.prices ?? DEFAULT_BEHAVIOUR;
  const lifetime = options.approvalLifetimeHours ?? DEFAULT_BEHAVIOUR.approvalLifetimeHours;
  const lines = [headline(outcome, request, options.detail, lifetime), '', factLines(actionFacts(request, prices))];
  if (options.executionArn) lines.push('', `Execution: ${options.executionArn}`);
  lines.push('', `Mode: ${request.mode}. Sent by Personalize Monitor.`);
  return { subject: subjectLine(TITLES[outcome], request), message: lines.join('\n') };
}

/** Approval links (`…/approvals/<id>?decision=…`) are for the email's recipient, never a chat channel. */
const APPROVAL_LINK_LINE = /^\s*(Approve|Reject):\s+https?:\/\/\S+\/approvals\/\S+\?decision=(approve|reject)\s*$/;

/**
 * The SNS body of a notification: `email` = the email text unchanged, `default` = an AWS
 * Chatbot custom notification for Slack (approval links left out of the chat copy).
 */
export function notificationBody(n: Notification): string {
  const chat = chatContentFromEmail(n.subject, n.message, {
    omitLine: (line) => APPROVAL_LINK_LINE.test(line),
    omittedNote: 'The approve / reject links were sent by email to the notification address only.',
    keywords: ['PersonalizeMonitor'],
  });
  return snsJsonMessage(n.message, chat);
}

/** Publishes a notification to the topic (email text for email subscribers, a chat card for AWS Chatbot). */
export async function publishNotification(sns: SNSClient, topicArn: string, n: Notification): Promise<void> {
  await publishStructured(sns, topicArn, n.subject, notificationBody(n));
}
