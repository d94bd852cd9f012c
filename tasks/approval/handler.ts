/**
 * Lambda `approval`, behind a function URL (auth NONE): the pages behind the email links.
 *   GET  /approvals/<id>[?decision=approve|reject] → confirmation page; changes nothing
 *        (mail scanners follow links).
 *   POST /approvals/<id>, form `decision=approve|reject` → conditional write PENDING →
 *        APPROVED/REJECTED, then SendTaskSuccess / SendTaskFailure(ApprovalRejected).
 * The id is the only secret in a link; the task token stays in DynamoDB and in the SFN call.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { confirmationPage, messagePage, type Page, type PageDecision } from '../../core/approval-page';
import { shortHash } from '../../core/arn';
import { Logger } from '../shared/logger';
import { ENV, requireEnv } from '../action-shared/env';
import { describeError, errorName } from '../action-shared/errors';
import {
  APPROVAL_ID_PATTERN,
  decideApproval,
  getApproval,
  rewriteDecision,
  type ApprovalRecord,
} from '../action-shared/approvals-table';

/** The parts of a Lambda function URL event (payload v2) the endpoint reads. */
export interface FunctionUrlEvent {
  rawPath?: string;
  rawQueryString?: string;
  queryStringParameters?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { domainName?: string; http?: { method?: string } };
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Largest request body accepted (the form sends ~16 bytes). */
export const MAX_BODY_BYTES = 1024;
/** Error name the ACTION definition catches as a rejection. */
export const REJECTED_ERROR = 'ApprovalRejected';
/** SFN answers meaning the execution no longer waits for this token. */
const TOKEN_GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);
const PATH = /^\/approvals\/([^/]*)\/?$/;
const DECISIONS: readonly PageDecision[] = ['approve', 'reject'];

/** Headers on every response: no caching, no framing, no scripts, no referrer, no sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export interface ApprovalDeps {
  ddb: DynamoDBClient;
  sfn: SFNClient;
  table: string;
  now: () => number;
  logger: Logger;
}

function respond(page: Page, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { statusCode: page.statusCode, headers: { ...SECURITY_HEADERS, ...extraHeaders }, body: page.html };
}

function parseDecision(value: string | undefined | null): PageDecision | 'invalid' | undefined {
  if (value === undefined || value === null) return undefined;
  return (DECISIONS as readonly string[]).includes(value) ? (value as PageDecision) : 'invalid';
}

const badDecision = (): Page =>
  messagePage(400, 'Unknown decision', ['The link or form asked for a decision other than "approve" or "reject". Use the links in the email.']);

/** The page for an approval that can no longer be decided (decided, expired). */
function closedPage(record: ApprovalRecord, now: number): Page | undefined {
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

/** The request body as text, or undefined when it is too large. */
function bodyText(event: FunctionUrlEvent): string | undefined {
  const raw = event.body ?? '';
  // Base64 is 4/3 of the data: refuse obviously large bodies before decoding them.
  if (raw.length > Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES ? undefined : text;
}

/** Tells the waiting execution. Returns `sent`, `gone` (it no longer waits) or `unavailable`. */
async function sendTaskResult(sfn: SFNClient, record: ApprovalRecord, decision: PageDecision, decidedAt: string): Promise<{ outcome: 'sent' | 'gone' | 'unavailable'; error?: string }> {
  try {
    if (decision === 'approve') {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: record.taskToken, output: JSON.stringify({ approved: true, decidedAt }) }));
    } else {
      await sfn.send(new SendTaskFailureCommand({ taskToken: record.taskToken, error: REJECTED_ERROR, cause: `Rejected on the approval page at ${decidedAt}` }));
    }
    return { outcome: 'sent' };
  } catch (err) {
    // Only the error's name: SFN messages could echo the request.
    const name = errorName(err);
    return { outcome: TOKEN_GONE.has(name) ? 'gone' : 'unavailable', error: name };
  }
}

/** Builds the endpoint over injectable clients. */
export function createApprovalHandler(deps: ApprovalDeps): (event: FunctionUrlEvent) => Promise<HttpResponse> {
  const { logger } = deps;

  async function decide(id: string, record: ApprovalRecord, decision: PageDecision, now: number): Promise<Page> {
    const decidedAt = new Date(now).toISOString();
    const won = await decideApproval(deps.ddb, deps.table, id, decision, decidedAt, now);
    if (!won) {
      // Decided by someone else meanwhile, expired, or deleted: explain from what is stored now.
      const latest = await getApproval(deps.ddb, deps.table, id);
      if (!latest) return messagePage(404, 'Unknown approval request', ['This approval request does not exist (it may have been removed after it expired).']);
      return closedPage(latest, now) ?? messagePage(409, 'Not decided', ['The request changed while you decided. Reload the link from the email.'], latest.summary);
    }
    const sent = await sendTaskResult(deps.sfn, record, decision, decidedAt);
    logger.info('approval decided', { approvalRef: shortHash(id, 12), decision, executionArn: record.executionArn, sent: sent.outcome, sfnError: sent.error });
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

  async function route(event: FunctionUrlEvent, now: number): Promise<HttpResponse> {
    const method = (event.requestContext?.http?.method ?? '').toUpperCase();
    const match = PATH.exec(event.rawPath ?? '');
    if (!match) return respond(messagePage(404, 'Not found', ['There is nothing here. Use the links in the approval email.']));
    if (method !== 'GET' && method !== 'POST') {
      return respond(messagePage(405, 'Method not allowed', ['Open the link from the email in a browser.']), { Allow: 'GET, POST' });
    }
    const id = match[1];
    if (!APPROVAL_ID_PATTERN.test(id)) return respond(messagePage(400, 'Malformed link', ['This link is damaged or incomplete. Copy the whole link from the email.']));
    const body = bodyText(event);
    if (body === undefined) return respond(messagePage(413, 'Request too large', [`At most ${MAX_BODY_BYTES} bytes are accepted.`]));

    const decision = method === 'GET' ? parseDecision(event.queryStringParameters?.decision) : parseDecision(new URLSearchParams(body).get('decision'));
    if (decision === 'invalid' || (method === 'POST' && decision === undefined)) return respond(badDecision());

    const record = await getApproval(deps.ddb, deps.table, id);
    if (!record) return respond(messagePage(404, 'Unknown approval request', ['This approval request does not exist (it may have been removed after it expired).']));
    const closed = closedPage(record, now);
    if (closed) return respond(closed);
    if (method === 'GET') return respond(confirmationPage(record.summary, `/approvals/${id}`, decision, record.expiresAt));
    return respond(await decide(id, record, decision as PageDecision, now));
  }

  return async (event) => {
    const now = deps.now();
    try {
      const res = await route(event, now);
      logger.info('approval request', { method: event.requestContext?.http?.method, status: res.statusCode, approvalRef: refOf(event.rawPath) });
      return res;
    } catch (err) {
      logger.error('approval request failed', { method: event.requestContext?.http?.method, approvalRef: refOf(event.rawPath), error: describeError(err) });
      return respond(messagePage(500, 'Something went wrong', ['The request could not be handled and nothing was decided. Try the link again later.']));
    }
  };
}

/** A short hash of the id in the path, so logs can be correlated without holding the id. */
function refOf(rawPath: string | undefined): string | undefined {
  const id = PATH.exec(rawPath ?? '')?.[1];
  return id ? shortHash(id, 12) : undefined;
}

const logger = new Logger('approval');
let instance: ((event: FunctionUrlEvent) => Promise<HttpResponse>) | undefined;

/** Lambda entry point (clients created once per container). */
export async function handler(event: FunctionUrlEvent): Promise<HttpResponse> {
  instance ??= createApprovalHandler({ ddb: new DynamoDBClient({}), sfn: new SFNClient({}), table: requireEnv(ENV.approvalsTable), now: Date.now, logger });
  return instance(event);
}
