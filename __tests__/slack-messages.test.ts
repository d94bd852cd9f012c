/**
 * Messages for Slack: the AWS Chatbot custom notification builder (valid JSON, escaped, within
 * limits), the SNS json structure the action emails are published with (email text unchanged),
 * and the simulator delivering the email text to email subscribers.
 */
import { PublishCommand, SNSClient, InvalidParameterException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { CHAT_LIMITS, SNS_MESSAGE_MAX_BYTES, chatCode, chatContentFromEmail, chatbotNotification, escapeChatText, limitText, snsJsonMessage } from '../core/chat-message';
import { composeNotification, notificationBody, publishNotification } from '../tasks/action-shared/notifications';
import { composeApprovalEmail } from '../tasks/action-request-approval/email';
import { deliveredTo } from '../sim/messaging';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { RUN, request } from './support/action-fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:pm-test-notifications';

describe('chatbotNotification', () => {
  it('is the custom schema, valid JSON, with client-markdown text', () => {
    const n = chatbotNotification({ title: 'Done: delete campaign x', description: 'it is *done*', nextSteps: ['Check the dashboard'], keywords: ['Personalize Monitor'] });
    expect(JSON.parse(JSON.stringify(n))).toEqual({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: 'Done: delete campaign x', description: 'it is *done*', nextSteps: ['Check the dashboard'], keywords: ['Personalize-Monitor'] },
    });
  });

  it('escapes Slack control characters and keeps every field within its limit', () => {
    const n = chatbotNotification({
      title: `<!channel> ${'t'.repeat(400)}\nsecond line`,
      description: 'd'.repeat(20_000),
      nextSteps: Array.from({ length: 9 }, (_, i) => `step ${i} ${'s'.repeat(500)}`),
      keywords: Array.from({ length: 20 }, (_, i) => `k${i}`),
    });
    expect(n.content.title.startsWith('&lt;!channel&gt; ')).toBe(true);
    expect(n.content.title).not.toContain('\n');
    expect(n.content.title.length).toBeLessThanOrEqual(CHAT_LIMITS.title);
    expect(n.content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.description);
    expect(n.content.description.endsWith('…')).toBe(true);
    expect(n.content.nextSteps).toHaveLength(CHAT_LIMITS.nextSteps);
    for (const s of n.content.nextSteps!) expect(s.length).toBeLessThanOrEqual(CHAT_LIMITS.nextStep);
    expect(n.content.keywords).toHaveLength(CHAT_LIMITS.keywords);
  });

  it('never cuts inside an escape or leaves a code span open', () => {
    expect(limitText('ab &amp; cd', 6)).toBe('ab …');
    expect(limitText('x `arn:aws:personalize:long` y', 12)).toBe('x …');
    expect(escapeChatText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(chatCode('my_campaign `x`')).toBe("`my_campaign 'x'`");
  });
});

describe('chatContentFromEmail', () => {
  it('turns fact lines into bold labels with code values and drops the subject prefix', () => {
    const c = chatContentFromEmail('Personalize Monitor - Done: x (us-east-1)', 'Lead sentence.\n\nResource:  arn:aws:personalize:us-east-1:1:campaign/a_b_c\nRegion:    us-east-1');
    expect(c.title).toBe('Done: x (us-east-1)');
    expect(c.description).toBe('Lead sentence.\n\n*Resource:* `arn:aws:personalize:us-east-1:1:campaign/a_b_c`\n*Region:* `us-east-1`');
  });
});

describe('snsJsonMessage / notificationBody', () => {
  const n = composeNotification('done', request(), { prices: RUN, executionArn: RUN.executionArn, detail: { reason: 'deleted' } });

  it('email = the email text exactly, default = a Chatbot custom notification', () => {
    const body = JSON.parse(notificationBody(n));
    expect(Object.keys(body).sort()).toEqual(['default', 'email']);
    expect(body.email).toBe(n.message);
    const chat = JSON.parse(body.default);
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    expect(chat.content.title).toBe(n.subject.replace('Personalize Monitor - ', ''));
    expect(chat.content.description).toContain('*Resource:* `arn:aws:personalize:us-east-1:123456789012:campaign/shop-ranking`');
    expect(chat.content.description).toMatch(/\*Estimated monthly saving:\* `\$146\.00/);
  });

  it('keeps approval links out of the chat copy (email keeps them)', () => {
    const mail = composeApprovalEmail(request(), RUN, 'req-1', 'https://abc.lambda-url.us-east-1.on.aws', Date.parse('2026-11-23T10:00:00Z'));
    const body = JSON.parse(notificationBody(mail));
    expect(body.email).toBe(mail.message);
    expect(body.email).toContain('/approvals/req-1?decision=approve');
    expect(body.default).not.toContain('/approvals/');
    expect(JSON.parse(body.default).content.description).toContain('sent by email to the notification address only');
  });

  it('stays within SNS\'s 256 KB by cutting the chat description, never the email', () => {
    const email = 'e'.repeat(200_000);
    const body = snsJsonMessage(email, { title: 't', description: 'd'.repeat(100_000) });
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
    expect(JSON.parse(body).email).toBe(email);
    expect(() => snsJsonMessage('e'.repeat(SNS_MESSAGE_MAX_BYTES), { title: 't', description: 'd' })).toThrow(/limit/);
  });
});

describe('publishNotification', () => {
  // A mocked prototype would also catch the simulator tests' clients below: mock only here.
  let sns: ReturnType<typeof mockClient>;
  beforeAll(() => (sns = mockClient(SNSClient)));
  afterEach(() => sns.reset());
  afterAll(() => sns.restore());

  it('publishes with MessageStructure json, the subject unchanged', async () => {
    sns.on(PublishCommand).resolves({});
    const n = composeNotification('failed', request(), { prices: RUN, detail: { Error: 'Boom' } });
    await publishNotification(new SNSClient({}), TOPIC, n);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, Subject: n.subject, MessageStructure: 'json' });
    expect(JSON.parse(input.Message!).email).toBe(n.message);
  });
});

describe('simulated SNS with MessageStructure json', () => {
  let account: SimAccount;
  let server: SimServer;
  beforeEach(async () => {
    account = new SimAccount();
    server = await startSimServer(account);
  });
  afterEach(async () => server.close());

  it('email subscribers get the email text; Chatbot (https) gets default', async () => {
    const topicArn = account.sns.createTopic('us-east-1', 'pm-test-notifications');
    const client = new SNSClient(simClientConfig(server.url, 'us-east-1', { maxAttempts: 1 }));
    const n = composeNotification('report', request(), { prices: RUN });
    await publishNotification(client, topicArn, n);
    client.destroy();
    const [m] = account.sns.messages(topicArn);
    expect(m.message).toBe(n.message);
    expect(m.subject).toBe(n.subject);
    expect(deliveredTo(m, 'email')).toBe(n.message);
    expect(JSON.parse(deliveredTo(m, 'https'))).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('rejects a json structure without default, or that is not JSON, like SNS', async () => {
    const topicArn = account.sns.createTopic('us-east-1', 't');
    const client = new SNSClient(simClientConfig(server.url, 'us-east-1', { maxAttempts: 1 }));
    await expect(client.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ email: 'x' }), MessageStructure: 'json' }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new PublishCommand({ TopicArn: topicArn, Message: 'not json', MessageStructure: 'json' }))).rejects.toBeInstanceOf(InvalidParameterException);
    client.destroy();
    expect(account.sns.messages(topicArn)).toEqual([]);
  });
});
