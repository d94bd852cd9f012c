/**
 * SNS (query protocol), EventBridge, Step Functions callbacks and DynamoDB of the simulated
 * account, through the real SDK clients: messages and events are recorded, StartExecution is
 * idempotent by name, task tokens answer once, conditional writes fail like DynamoDB's.
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { InvalidParameterException, NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { HOUR_MS, SimAccount, simClientConfig, startSimServer, type SimExecution, type SimServer, type TaskResult } from '../sim';

const REGION = 'us-west-2';
let account: SimAccount;
let server: SimServer;
const cfg = () => simClientConfig(server.url, REGION, { maxAttempts: 1 });

beforeEach(async () => {
  account = new SimAccount();
  server = await startSimServer(account);
});
afterEach(async () => {
  await server.close();
});

describe('SNS Publish', () => {
  it('records subject, message and attributes on an existing topic', async () => {
    const topicArn = account.sns.createTopic(REGION, 'personalize-monitor-notifications');
    const sns = new SNSClient(cfg());

    const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'Idle campaign', Message: 'campaign x is idle', MessageAttributes: { kind: { DataType: 'String', StringValue: 'idle' } } }));
    sns.destroy();

    expect(out.MessageId).toEqual(expect.any(String));
    expect(account.sns.messages(topicArn)).toEqual([
      expect.objectContaining({ messageId: out.MessageId, subject: 'Idle campaign', message: 'campaign x is idle', messageAttributes: { kind: { DataType: 'String', StringValue: 'idle' } }, region: REGION }),
    ]);
  });

  it('unknown topic → NotFoundException; a subject with a line break → InvalidParameterException', async () => {
    const topicArn = account.sns.createTopic(REGION, 't');
    const sns = new SNSClient(cfg());
    await expect(sns.send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'm' }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'two\nlines', Message: 'm' }))).rejects.toBeInstanceOf(InvalidParameterException);
    sns.destroy();
  });
});

describe('EventBridge PutEvents', () => {
  it('returns an EventId per entry, records them, reports malformed entries individually', async () => {
    const events = new EventBridgeClient(cfg());
    const seen: string[] = [];
    account.events.onEvent = (e) => seen.push(e.detailType);

    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'personalize.monitor', DetailType: 'DeletePersonalizeCampaign', Detail: JSON.stringify({ ARN: 'arn:x', Reason: 'idle' }) },
          { Source: 'personalize.monitor', DetailType: 'Broken', Detail: '{not json' },
        ],
      }),
    );
    events.destroy();

    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries![0].EventId).toEqual(expect.any(String));
    expect(out.Entries![1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(account.events.list({ source: 'personalize.monitor' })).toEqual([expect.objectContaining({ detailType: 'DeletePersonalizeCampaign', detail: { ARN: 'arn:x', Reason: 'idle' }, region: REGION })]);
    expect(seen).toEqual(['DeletePersonalizeCampaign']);
  });

  it('more than 10 entries → ValidationException', async () => {
    const events = new EventBridgeClient(cfg());
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    const err = await events.send(new PutEventsCommand({ Entries: entries })).catch((e) => e);
    events.destroy();
    expect(err).toBeInstanceOf(EventBridgeServiceException);
    expect(err.name).toBe('ValidationException');
  });
});

describe('Step Functions', () => {
  const machine = `arn:aws:states:${REGION}:123456789012:stateMachine:pm-action`;

  it('StartExecution is idempotent by name and input; other input → ExecutionAlreadyExists', async () => {
    const sfn = new SFNClient(cfg());
    const started: SimExecution[] = [];
    account.hooks = { onStartExecution: (e) => started.push(e) };

    const a = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'delete-c1-20250602', input: '{"arn":"c1"}' }));
    account.clock.advance(HOUR_MS);
    const b = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'delete-c1-20250602', input: '{"arn":"c1"}' }));
    // Caught at once: a rejection left pending while other awaits run is reported as unhandled.
    const conflict = sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'delete-c1-20250602', input: '{"arn":"other"}' })).catch((e: unknown) => e);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: a.executionArn }));

    expect(b).toMatchObject({ executionArn: a.executionArn, startDate: a.startDate });
    expect(a.executionArn).toBe(`arn:aws:states:${REGION}:123456789012:execution:pm-action:delete-c1-20250602`);
    expect(await conflict).toBeInstanceOf(ExecutionAlreadyExists);
    expect(described).toMatchObject({ status: 'RUNNING', input: '{"arn":"c1"}', name: 'delete-c1-20250602' });
    expect(started).toHaveLength(1);

    account.sfn.completeExecution(a.executionArn!, { status: 'SUCCEEDED', output: { done: true } });
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: a.executionArn }))).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
    // A closed execution's name cannot be reused, even with the same input.
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'delete-c1-20250602', input: '{"arn":"c1"}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    sfn.destroy();
  });

  it('a task token answers once: later → TaskTimedOut; unknown → InvalidToken; expired → TaskTimedOut', async () => {
    const sfn = new SFNClient(cfg());
    const results: TaskResult[] = [];
    account.hooks = { onTaskResult: (r) => results.push(r) };
    account.sfn.registerTaskToken('tok-1', { executionArn: 'arn:exec:1' });
    account.sfn.registerTaskToken('tok-2', { expiresAt: account.clock.now() + HOUR_MS });

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'tok-1' }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: 'tok-1', output: '{"approved":true}' }));
    const again = sfn.send(new SendTaskFailureCommand({ taskToken: 'tok-1', error: 'Rejected' })).catch((e: unknown) => e);
    const unknown = sfn.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' })).catch((e: unknown) => e);
    expect(await again).toBeInstanceOf(TaskTimedOut);
    expect(await unknown).toBeInstanceOf(InvalidToken);
    account.clock.advance(HOUR_MS);
    await expect(sfn.send(new SendTaskFailureCommand({ taskToken: 'tok-2', error: 'Rejected' }))).rejects.toBeInstanceOf(TaskTimedOut);
    sfn.destroy();

    expect(results).toEqual([expect.objectContaining({ token: 'tok-1', kind: 'success', output: '{"approved":true}', executionArn: 'arn:exec:1' })]);
    expect(account.sfn.tokenOpen('tok-1')).toBe(false);
  });
});

describe('DynamoDB (approvals table)', () => {
  const TABLE = 'pm-approvals';
  beforeEach(() => account.dynamodb.createTable({ region: REGION, name: TABLE, partitionKey: 'id' }));

  it('conditional put, PENDING → APPROVED once, second decision fails the condition', async () => {
    const ddb = new DynamoDBClient(cfg());
    const item = { id: { S: 'abc' }, status: { S: 'PENDING' }, token: { S: 't' }, expiresAt: { N: '1750000000' } };

    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
    const dup = ddb.send(new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(id)' })).catch((e: unknown) => e);
    const decide = (to: string) =>
      ddb.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { id: { S: 'abc' } },
          UpdateExpression: 'SET #s = :to, decidedAt = :now',
          ConditionExpression: '#s = :pending AND expiresAt > :now',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':to': { S: to }, ':pending': { S: 'PENDING' }, ':now': { N: '1749000000' } },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    const first = await decide('APPROVED');
    const second = await decide('REJECTED').catch((e) => e);
    const stored = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'abc' } } }));

    expect(await dup).toBeInstanceOf(ConditionalCheckFailedException);
    expect(first.Attributes).toMatchObject({ status: { S: 'APPROVED' }, decidedAt: { N: '1749000000' } });
    expect(second).toBeInstanceOf(ConditionalCheckFailedException);
    expect(second.Item).toMatchObject({ status: { S: 'APPROVED' } });
    expect(stored.Item?.status).toEqual({ S: 'APPROVED' });

    await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: 'abc' } } }));
    expect((await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'abc' } } }))).Item).toBeUndefined();
    ddb.destroy();
  });

  it('refuses what DynamoDB refuses: reserved words unquoted, unused placeholder values, unknown tables', async () => {
    const ddb = new DynamoDBClient(cfg());
    const reserved = await ddb.send(new UpdateItemCommand({ TableName: TABLE, Key: { id: { S: 'x' } }, UpdateExpression: 'SET status = :s', ExpressionAttributeValues: { ':s': { S: 'A' } } })).catch((e) => e);
    const unused = await ddb.send(new UpdateItemCommand({ TableName: TABLE, Key: { id: { S: 'x' } }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': { S: 'A' }, ':b': { S: 'B' } } })).catch((e) => e);
    const missingTable = await ddb.send(new GetItemCommand({ TableName: 'nope', Key: { id: { S: 'x' } } })).catch((e) => e);
    ddb.destroy();

    expect([reserved, unused, missingTable].map((e: DynamoDBServiceException) => e.name)).toEqual(['ValidationException', 'ValidationException', 'ResourceNotFoundException']);
    expect(reserved.message).toMatch(/reserved keyword/);
  });
});
