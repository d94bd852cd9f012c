import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { actionFacts, describeAction } from '../core/actions';
import { escapeHtml } from '../core/approval-page';
import { newApprovalId, putApproval } from '../tasks/action-shared/approvals-table';
import { SECURITY_HEADERS, createApprovalHandler, type FunctionUrlEvent, type HttpResponse } from '../tasks/approval/routes';
import { Logger } from '../tasks/shared/logger';
import { fakeApprovalsTable } from './support/approvals-table-fake';
import { NOW, RUN, request } from './support/action-fixtures';

const TABLE = 'personalize-monitor-approvals';
const TOKEN = 'AAAAKgAAAAIAAAAAAAAAAT0kTOKEN-never-shown-9f8e7d6c5b4a';
const HOUR = 3_600_000;

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
let items: ReturnType<typeof fakeApprovalsTable>;
let logLines: string[];
let responses: HttpResponse[];
let clock: number;

function endpoint() {
  const handle = createApprovalHandler({
    ddb: new DynamoDBClient({}),
    sfn: new SFNClient({}),
    table: TABLE,
    now: () => clock,
    logger: new Logger('approval', {}, 'DEBUG', (line) => logLines.push(line)),
  });
  return async (event: FunctionUrlEvent) => {
    const res = await handle(event);
    responses.push(res);
    return res;
  };
}

function get(path: string, query?: Record<string, string>): FunctionUrlEvent {
  return { rawPath: path, queryStringParameters: query, requestContext: { domainName: 'abc.lambda-url.us-east-1.on.aws', http: { method: 'GET' } } };
}

function post(path: string, body: string, base64 = false): FunctionUrlEvent {
  return {
    rawPath: path,
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: { domainName: 'abc.lambda-url.us-east-1.on.aws', http: { method: 'POST' } },
  };
}

async function seed(overrides: { expiresAt?: number; reason?: string } = {}): Promise<string> {
  const id = newApprovalId();
  const req = request({ reason: overrides.reason ?? 'No requests for 24 hours' });
  const expiresAt = overrides.expiresAt ?? NOW + 24 * HOUR;
  await putApproval(new DynamoDBClient({}), TABLE, {
    id,
    taskToken: TOKEN,
    status: 'PENDING',
    summary: { title: describeAction(req), resourceArn: req.resourceArn, region: req.region, facts: actionFacts(req, RUN, expiresAt) },
    executionArn: RUN.executionArn,
    createdAt: new Date(NOW).toISOString(),
    expiresAt,
    ttl: Math.floor(expiresAt / 1000) + 7 * 86_400,
  });
  ddb.resetHistory();
  return id;
}

const writes = () => ddb.commandCalls(UpdateItemCommand).length + ddb.commandCalls(PutItemCommand).length;
const sfnCalls = () => sfn.commandCalls(SendTaskSuccessCommand).length + sfn.commandCalls(SendTaskFailureCommand).length;
const statusOf = (id: string) => items.get(id)?.status?.S;

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  items = fakeApprovalsTable(ddb);
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  logLines = [];
  responses = [];
  clock = NOW + HOUR;
});

afterEach(() => {
  // The task token never leaves DynamoDB and the SFN call: not in a page, a header or a log line.
  for (const r of responses) {
    expect(r.body).not.toContain(TOKEN);
    expect(JSON.stringify(r.headers)).not.toContain(TOKEN);
    expect(r.headers).toMatchObject(SECURITY_HEADERS);
  }
  for (const line of logLines) expect(line).not.toContain(TOKEN);
});

describe('approval endpoint: GET never decides', () => {
  it('shows the confirmation page with the facts and ONE button, and changes nothing', async () => {
    const id = await seed();
    const res = await endpoint()(get(`/approvals/${id}`, { decision: 'approve' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Delete campaign shop-ranking');
    expect(res.body).toContain('us-east-1');
    expect(res.body).toContain('$146.00');
    expect(res.body).toContain('Link expires');
    expect(res.body.match(/<form /g)).toHaveLength(1);
    expect(res.body).toContain(`<form method="post" action="/approvals/${id}">`);
    expect(res.body).toContain('name="decision" value="approve"');
    expect(writes()).toBe(0);
    expect(sfnCalls()).toBe(0);
    expect(statusOf(id)).toBe('PENDING');
  });

  it('offers both buttons for a bare link', async () => {
    const id = await seed();
    const res = await endpoint()(get(`/approvals/${id}`));
    expect(res.body.match(/<form /g)).toHaveLength(2);
    expect(res.body).toContain('value="reject"');
    expect(writes() + sfnCalls()).toBe(0);
  });

  it('escapes everything it renders', async () => {
    const id = await seed({ reason: '<script>alert("x")</script> & more' });
    const res = await endpoint()(get(`/approvals/${id}`, { decision: 'reject' }));
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain(escapeHtml('<script>alert("x")</script> & more'));
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
  });
});

describe('approval endpoint: POST decides once', () => {
  it('approve: conditional write, then SendTaskSuccess exactly once', async () => {
    const id = await seed();
    const res = await endpoint()(post(`/approvals/${id}`, 'decision=approve'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Approved/);
    expect(statusOf(id)).toBe('APPROVED');
    expect(items.get(id)?.decidedAt?.S).toBe(new Date(clock).toISOString());
    const calls = sfn.commandCalls(SendTaskSuccessCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ taskToken: TOKEN, output: JSON.stringify({ approved: true, decidedAt: new Date(clock).toISOString() }) });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('reject: SendTaskFailure with error ApprovalRejected', async () => {
    const id = await seed();
    const res = await endpoint()(post(`/approvals/${id}`, 'decision=reject', true));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Rejected/);
    expect(statusOf(id)).toBe('REJECTED');
    expect(sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input).toMatchObject({ taskToken: TOKEN, error: 'ApprovalRejected', cause: expect.stringMatching(/Rejected on the approval page/) });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('a second click answers 409 with what was decided and when, and calls nothing', async () => {
    const id = await seed();
    const call = endpoint();
    await call(post(`/approvals/${id}`, 'decision=approve'));
    clock += 60_000;
    const again = await call(post(`/approvals/${id}`, 'decision=reject'));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`already approved at ${new Date(clock - 60_000).toISOString()}`);
    expect(sfnCalls()).toBe(1);
    expect(statusOf(id)).toBe('APPROVED');
    expect((await call(get(`/approvals/${id}`, { decision: 'approve' }))).statusCode).toBe(409);
  });

  it('two concurrent approvals: only one wins the conditional write', async () => {
    const id = await seed();
    const call = endpoint();
    const [a, b] = await Promise.all([call(post(`/approvals/${id}`, 'decision=approve')), call(post(`/approvals/${id}`, 'decision=approve'))]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('when the execution no longer waits (TaskTimedOut) the page says expired (410) and the record is EXPIRED', async () => {
    const id = await seed();
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    const res = await endpoint()(post(`/approvals/${id}`, 'decision=approve'));
    expect(res.statusCode).toBe(410);
    expect(res.body).toMatch(/expired/);
    expect(statusOf(id)).toBe('EXPIRED');
  });

  it('when Step Functions is unavailable the decision is undone (503) and a retry works', async () => {
    const id = await seed();
    sfn.on(SendTaskSuccessCommand).rejectsOnce(Object.assign(new Error('busy'), { name: 'ThrottlingException' })).resolves({});
    const call = endpoint();
    const first = await call(post(`/approvals/${id}`, 'decision=approve'));
    expect(first.statusCode).toBe(503);
    expect(statusOf(id)).toBe('PENDING');
    const second = await call(post(`/approvals/${id}`, 'decision=approve'));
    expect(second.statusCode).toBe(200);
    expect(statusOf(id)).toBe('APPROVED');
  });
});

describe('approval endpoint: everything else gets a clear page and changes nothing', () => {
  it('unknown id → 404', async () => {
    const res = await endpoint()(get(`/approvals/${newApprovalId()}`, { decision: 'approve' }));
    expect(res.statusCode).toBe(404);
    expect((await endpoint()(post(`/approvals/${newApprovalId()}`, 'decision=approve'))).statusCode).toBe(404);
    expect(sfnCalls()).toBe(0);
  });

  it.each(['abc', 'x'.repeat(44), `${'A'.repeat(42)}!`, ''])('id of the wrong shape %j → 400', async (id) => {
    const res = await endpoint()(get(`/approvals/${id}`, { decision: 'approve' }));
    expect(res.statusCode).toBe(400);
  });

  it('expired → 410 for GET and POST, nothing sent', async () => {
    const id = await seed({ expiresAt: NOW + HOUR });
    clock = NOW + 2 * HOUR;
    expect((await endpoint()(get(`/approvals/${id}`, { decision: 'approve' }))).statusCode).toBe(410);
    const res = await endpoint()(post(`/approvals/${id}`, 'decision=approve'));
    expect(res.statusCode).toBe(410);
    expect(res.body).toMatch(/expired/);
    expect(sfnCalls()).toBe(0);
    expect(statusOf(id)).toBe('PENDING');
  });

  it.each(['PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'])('%s → 405 with Allow: GET, POST', async (method) => {
    const id = await seed();
    const res = await endpoint()({ rawPath: `/approvals/${id}`, requestContext: { http: { method } } });
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('GET, POST');
    expect(writes() + sfnCalls()).toBe(0);
  });

  it('body over 1 KB → 413', async () => {
    const id = await seed();
    const res = await endpoint()(post(`/approvals/${id}`, `decision=approve&pad=${'x'.repeat(1100)}`));
    expect(res.statusCode).toBe(413);
    expect((await endpoint()(post(`/approvals/${id}`, 'y'.repeat(5000), true))).statusCode).toBe(413);
    expect(writes() + sfnCalls()).toBe(0);
  });

  it.each([
    ['GET', 'approved'],
    ['POST', 'yes'],
    ['POST', ''],
  ])('%s with decision %j → 400', async (method, decision) => {
    const id = await seed();
    const event = method === 'GET' ? get(`/approvals/${id}`, { decision }) : post(`/approvals/${id}`, decision ? `decision=${decision}` : 'other=1');
    expect((await endpoint()(event)).statusCode).toBe(400);
    expect(writes() + sfnCalls()).toBe(0);
  });

  it.each(['/', '/favicon.ico', '/approvals', '/approvals/a/b', '/admin'])('path %s → 404', async (path) => {
    expect((await endpoint()(get(path))).statusCode).toBe(404);
  });

  it('every response forbids caching and framing', async () => {
    const id = await seed();
    const res = await endpoint()(get(`/approvals/${id}`, { decision: 'approve' }));
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.headers['X-Frame-Options']).toBe('DENY');
    expect(res.headers['Content-Security-Policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers['Referrer-Policy']).toBe('no-referrer');
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('logs one line per request with a reference, never the id or the token', async () => {
    const id = await seed();
    await endpoint()(post(`/approvals/${id}`, 'decision=approve'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(id);
    expect(logLines.some((l) => JSON.parse(l).approvalRef)).toBe(true);
  });

  it('an internal failure answers 500 and logs the cause without secrets', async () => {
    const id = await seed();
    ddb.reset();
    ddb.rejects(Object.assign(new Error('table unavailable'), { name: 'InternalServerError' }));
    const res = await endpoint()(post(`/approvals/${id}`, 'decision=approve'));
    expect(res.statusCode).toBe(500);
    expect(logLines.some((l) => l.includes('table unavailable'))).toBe(true);
  });
});
