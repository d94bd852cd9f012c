/**
 * The approval pages behind the email links (Lambda function URL, auth NONE):
 *   GET  /approvals/<id>[?decision=approve|reject] → confirmation page; changes nothing
 *        (mail scanners follow links).
 *   POST /approvals/<id>, form `decision=approve|reject` → ./decide.
 * The id is the only secret in a link; the task token stays in DynamoDB and in the SFN call.
 */
import { confirmationPage, messagePage, type Page } from '../../core/approval-page';
import type { ApprovalDecision } from '../../core/contracts/approvals';
import { shortHash } from '../../core/arn';
import { describeError } from '../action-shared/errors';
import { APPROVAL_ID_PATTERN, getApproval } from '../action-shared/approvals-table';
import { closedPage, decide, type ApprovalDeps } from './decide';

export type { ApprovalDeps } from './decide';

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
const PATH = /^\/approvals\/([^/]*)\/?$/;
const DECISIONS: readonly ApprovalDecision[] = ['approve', 'reject'];

/** Headers on every response: no caching, no framing, no scripts, no referrer, no sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

function respond(page: Page, extraHeaders: Record<string, string> = {}): HttpResponse {
  return { statusCode: page.statusCode, headers: { ...SECURITY_HEADERS, ...extraHeaders }, body: page.html };
}

function parseDecision(value: string | undefined | null): ApprovalDecision | 'invalid' | undefined {
  if (value === undefined || value === null) return undefined;
  return (DECISIONS as readonly string[]).includes(value) ? (value as ApprovalDecision) : 'invalid';
}

const badDecision = (): Page =>
  messagePage(400, 'Unknown decision', ['The link or form asked for a decision other than "approve" or "reject". Use the links in the email.']);

/** The request body as text, or undefined when it is too large. */
function bodyText(event: FunctionUrlEvent): string | undefined {
  const raw = event.body ?? '';
  // Base64 is 4/3 of the data: refuse obviously large bodies before decoding them.
  if (raw.length > Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES ? undefined : text;
}

async function route(deps: ApprovalDeps, event: FunctionUrlEvent, now: number): Promise<HttpResponse> {
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
  return respond(await decide(deps, id, record, decision as ApprovalDecision, now));
}

/** Builds the endpoint over injectable clients. */
export function createApprovalHandler(deps: ApprovalDeps): (event: FunctionUrlEvent) => Promise<HttpResponse> {
  const { logger } = deps;
  return async (event) => {
    const now = deps.now();
    try {
      const res = await route(deps, event, now);
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
