import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { APPROVAL_ID_PATTERN } from '../tasks/action-shared/approvals-table';
import { requestApproval } from '../tasks/action-request-approval/request';
import { approvalLink } from '../tasks/action-request-approval/email';
import { Logger } from '../tasks/shared/logger';
import { NOW, RUN, capacityRequest, request } from './support/action-fixtures';

const TOKEN = 'AAAAKgAAAAIAAAAAAAAAAT0kTOKEN-from-step-functions';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:personalize-monitor-notifications';
const BASE = 'https://abc123.lambda-url.us-east-1.on.aws/';
const ddb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
let logLines: string[];

function deps() {
  return {
    ddb: new DynamoDBClient({}),
    sns: new SNSClient({}),
    now: () => NOW + 5_000,
    logger: new Logger('action-request-approval', {}, 'DEBUG', (l) => logLines.push(l)),
    table: 'personalize-monitor-approvals',
    topicArn: TOPIC,
    baseUrl: BASE,
  };
}

beforeEach(() => {
  ddb.reset();
  sns.reset();
  ddb.on(PutItemCommand).resolves({});
  sns.on(PublishCommand).resolves({});
  logLines = [];
});

describe('request approval', () => {
  it('stores a PENDING approval under a fresh 256-bit id, only if the id is new', async () => {
    await requestApproval({ taskToken: TOKEN, request: request(), run: RUN, enteredAt: '2026-11-22T10:00:01Z' }, deps());
    const put = ddb.commandCalls(PutItemCommand)[0].args[0].input;
    const id = put.Item?.id.S as string;
    expect(id).toMatch(APPROVAL_ID_PATTERN);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(put.ConditionExpression).toBe('attribute_not_exists(id)');
    expect(put.TableName).toBe('personalize-monitor-approvals');
    expect(put.Item).toMatchObject({ taskToken: { S: TOKEN }, status: { S: 'PENDING' }, executionArn: { S: RUN.executionArn } });
    // Expires with the waiting state's timeout (entered + 24 h); TTL some days later, in seconds.
    const expiresAt = Date.parse('2026-11-22T10:00:01Z') + 24 * 3_600_000;
    expect(Number(put.Item?.expiresAt.N)).toBe(expiresAt);
    expect(Number(put.Item?.ttl.N)).toBe(Math.floor(expiresAt / 1000) + 7 * 86_400);
    expect(JSON.parse(put.Item?.summary.S as string)).toMatchObject({ title: 'Delete campaign shop-ranking', region: 'us-east-1' });
  });

  it('never reuses an id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      await requestApproval({ taskToken: TOKEN, request: request(), run: RUN }, deps());
    }
    for (const c of ddb.commandCalls(PutItemCommand)) ids.add(c.args[0].input.Item?.id.S as string);
    expect(ids.size).toBe(50);
  });

  it('emails what and where, the facts, the expiry and both links (never the token)', async () => {
    await requestApproval({ taskToken: TOKEN, request: capacityRequest(), run: RUN, enteredAt: '2026-11-22T10:00:00Z' }, deps());
    const id = ddb.commandCalls(PutItemCommand)[0].args[0].input.Item?.id.S as string;
    const mail = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(mail.TopicArn).toBe(TOPIC);
    expect(mail.Subject).toBe('Personalize Monitor - Approval needed: Set minimum RPS of recommender home-picks to 4 (us-east-1)');
    expect(mail.Subject!.length).toBeLessThanOrEqual(100);
    const body = mail.Message as string;
    expect(body).toContain('arn:aws:personalize:us-east-1:123456789012:recommender/home-picks');
    expect(body).toMatch(/Region:\s+us-east-1/);
    expect(body).toMatch(/Utilization:\s+42%/);
    expect(body).toMatch(/Minimum:\s+10 → 4/);
    expect(body).toMatch(/Estimated monthly saving:\s+\$876\.00/);
    expect(body).toMatch(/Link expires:\s+2026-11-23T10:00:00.000Z/);
    expect(body).toContain(`Approve: https://abc123.lambda-url.us-east-1.on.aws/approvals/${id}?decision=approve`);
    expect(body).toContain(`Reject:  https://abc123.lambda-url.us-east-1.on.aws/approvals/${id}?decision=reject`);
    expect(body).not.toContain(TOKEN);
    for (const line of logLines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(id);
    }
  });

  it('shows idle hours for an idle finding and cuts long subjects to 100 characters', async () => {
    const long = request({ name: 'c'.repeat(63), resourceArn: `arn:aws:personalize:us-east-1:123456789012:campaign/${'c'.repeat(63)}` });
    await requestApproval({ taskToken: TOKEN, request: long, run: RUN }, deps());
    const mail = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(mail.Subject!.length).toBe(100);
    expect(mail.Subject!.endsWith('...')).toBe(true);
    expect(mail.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(mail.Message).toMatch(/Idle for:\s+24 hours/);
  });

  it('refuses to run without a task token (a definition without .waitForTaskToken)', async () => {
    await expect(requestApproval({ taskToken: '', request: request(), run: RUN }, deps())).rejects.toThrow(/waitForTaskToken/);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('builds links without a double slash and with the id encoded', () => {
    expect(approvalLink('https://x.on.aws//', 'abc_-', 'reject')).toBe('https://x.on.aws/approvals/abc_-?decision=reject');
  });
});
