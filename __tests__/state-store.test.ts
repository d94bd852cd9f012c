/**
 * The state table end to end against the simulated DynamoDB: the adapters (queryPartition paging
 * at 1 MB, batchWrite in chunks of 25 with UnprocessedItems retried), the simulator's Query and
 * BatchWriteItem (key conditions, capacity units) and the state store (load/save, expiry).
 */
import { BatchWriteItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';
import { batchWrite, queryPartition, type Item } from '../tasks/aws/dynamodb';
import { RESOURCE_STATE_TTL_DAYS, statePartition } from '../core/contracts/state';
import type { MonitoredResource } from '../core/types';
import { ApiCallCounter } from '../tasks/collect/aws-calls';
import { DynamoStateStore, RegionState } from '../tasks/collect/state-store';

const HOME = 'us-east-1';
const TABLE = 'pm-state';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

let account: SimAccount;
let server: SimServer;
let client: DynamoDBClient;

beforeEach(async () => {
  account = new SimAccount({ startTime: NOW });
  server = await startSimServer(account);
  account.dynamodb.createTable({ region: HOME, name: TABLE, partitionKey: 'pk', sortKey: 'sk' });
  client = new DynamoDBClient(simClientConfig(server.url, HOME, { maxAttempts: 1 }));
});
afterEach(() => server.close());

const item = (pk: string, i: number, bytes = 10): Item => ({ pk: { S: pk }, sk: { S: `item#${String(i).padStart(5, '0')}` }, data: { S: 'x'.repeat(bytes) } });

function resource(i: number, region = 'eu-west-1'): MonitoredResource {
  return {
    arn: `arn:aws:personalize:${region}:123456789012:campaign/c${i}`,
    region,
    partition: 'aws',
    accountId: '123456789012',
    name: `c${i}`,
    type: 'campaign',
    status: 'ACTIVE',
    minCapacity: 1,
    requestMetric: 'GetRecommendations',
    createdAt: 0,
    lastUpdatedAt: 0,
  };
}

describe('simulated DynamoDB: Query and BatchWriteItem', () => {
  it('answers a Query in pages of at most 1 MB, with LastEvaluatedKey, and counts read units', async () => {
    // 300 items of ~5 KB: 1.5 MB in one partition, plus another partition that must not show.
    await batchWrite(client, TABLE, Array.from({ length: 300 }, (_, i) => item('a', i, 5000)), []);
    await batchWrite(client, TABLE, [item('b', 1)], []);
    account.dynamodb.clearCapacity();

    const pages: number[] = [];
    const items = await queryPartition(client, TABLE, { attribute: 'pk', value: 'a' }, { onConsumed: (u) => pages.push(u) });

    expect(items).toHaveLength(300);
    expect(new Set(items.map((i) => i.sk.S)).size).toBe(300);
    expect(pages.length).toBe(2);
    const queries = account.calls({ service: 'dynamodb', operation: 'Query' });
    expect(queries).toHaveLength(2);
    // ~5 KB per item, eventually consistent: 0.5 RCU per started 4 KB of the page.
    const { readUnits, calls } = account.dynamodb.capacity({ table: TABLE });
    expect(calls.map((c) => c.operation)).toEqual(['Query', 'Query']);
    expect(readUnits).toBeCloseTo(pages.reduce((a, b) => a + b, 0));
    expect(readUnits).toBeGreaterThan((300 * 5000) / 4096 / 2 - 1);
    expect(readUnits).toBeLessThan((300 * 5000) / 4096 / 2 + 2);
  });

  it('supports begins_with on the sort key, Limit with LastEvaluatedKey, ExclusiveStartKey and ScanIndexForward', async () => {
    await batchWrite(client, TABLE, [...Array.from({ length: 5 }, (_, i) => item('a', i)), { pk: { S: 'a' }, sk: { S: 'other' } }], []);
    const query = (extra: object) =>
      client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': { S: 'a' }, ':p': { S: 'item#' } },
          ...extra,
        }),
      );

    const first = await query({ Limit: 2 });
    expect(first.Items!.map((i) => i.sk.S)).toEqual(['item#00000', 'item#00001']);
    expect(first.LastEvaluatedKey).toEqual({ pk: { S: 'a' }, sk: { S: 'item#00001' } });
    const rest = await query({ ExclusiveStartKey: first.LastEvaluatedKey });
    expect(rest.Items!.map((i) => i.sk.S)).toEqual(['item#00002', 'item#00003', 'item#00004']);
    expect(rest.LastEvaluatedKey).toBeUndefined();
    const backwards = await query({ ScanIndexForward: false, ReturnConsumedCapacity: 'TOTAL' });
    expect(backwards.Items!.map((i) => i.sk.S)).toEqual(['item#00004', 'item#00003', 'item#00002', 'item#00001', 'item#00000']);
    expect(backwards.ConsumedCapacity).toEqual({ TableName: TABLE, CapacityUnits: 0.5, ReadCapacityUnits: 0.5 });
    // The partition key is required; an unused placeholder is rejected, as DynamoDB does.
    await expect(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'begins_with(sk, :p)', ExpressionAttributeValues: { ':p': { S: 'i' } } }))).rejects.toThrow(/missed key schema element: pk/);
    await expect(
      client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'a' }, ':x': { S: 'unused' } } })),
    ).rejects.toThrow(/unused in expressions/);
  });

  it('rejects a BatchWriteItem of more than 25 requests, and batchWrite sends chunks of 25 counting write units', async () => {
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: item('a', i) } }));
    await expect(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: tooMany } }))).rejects.toMatchObject({ name: 'ValidationException' });

    const units: number[] = [];
    const out = await batchWrite(client, TABLE, Array.from({ length: 60 }, (_, i) => item('a', i, 1500)), [{ pk: { S: 'a' }, sk: { S: 'missing' } }], { onConsumed: (u) => units.push(u) });

    expect(out).toEqual({ written: 61, unprocessed: 0 });
    expect(account.calls({ service: 'dynamodb', operation: 'BatchWriteItem' })).toHaveLength(4);
    // ~1.5 KB items: 2 WCU each; the delete of a missing item 1.
    expect(units.reduce((a, b) => a + b, 0)).toBe(60 * 2 + 1);
    expect(account.dynamodb.capacity().writeUnits).toBe(121);
    expect(account.dynamodb.items(HOME, TABLE)).toHaveLength(60);
  });

  it('retries UnprocessedItems with backoff, bounded, and reports what stayed unprocessed', async () => {
    let refusals = 3;
    account.dynamodb.unprocessed = () => refusals-- > 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);

    const out = await batchWrite(client, TABLE, [item('a', 1), item('a', 2)], [], { sleep, baseDelayMs: 10 });
    expect(out).toEqual({ written: 2, unprocessed: 0 });
    expect(waits.length).toBeGreaterThanOrEqual(1);

    account.dynamodb.unprocessed = () => true;
    const stuck = await batchWrite(client, TABLE, [item('a', 3)], [], { sleep, attempts: 3, baseDelayMs: 10 });
    expect(stuck).toEqual({ written: 0, unprocessed: 1 });
    expect(waits.slice(-2)[1]).toBeGreaterThan(waits.slice(-2)[0] / 2);
  });
});

describe('state store', () => {
  it('saves what changed and loads it back in another store (a cold container), counting its calls', async () => {
    const store = new DynamoStateStore(client, TABLE);
    const state = new RegionState('eu-west-1');
    for (let i = 0; i < 60; i++) state.setResource(resource(i).arn, { resource: resource(i), listedLastUpdated: 5, listedStatus: 'ACTIVE', describedAt: NOW });
    state.setSolutionVersion('arn:aws:personalize:eu-west-1:123456789012:solution/s/1', { recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items' });
    state.setTags(resource(0).arn, { team: 'a' }, NOW);
    const calls = new ApiCallCounter();

    const saved = await store.save(state, NOW, calls);

    // 60 resources + 1 solution version + the region's marker: 3 calls of at most 25.
    expect(saved).toEqual({ written: 62, deleted: 0, unprocessed: 0 });
    expect(calls.byOperation()).toEqual({ BatchWriteItem: 3 });
    expect(state.pendingChanges).toBe(0);
    expect(await store.save(state, NOW + 60_000, calls)).toEqual({ written: 0, deleted: 0, unprocessed: 0 });
    expect(calls.byOperation()).toEqual({ BatchWriteItem: 3 });

    const loaded = await new DynamoStateStore(client, TABLE).load('eu-west-1', NOW + 60_000, calls);
    expect(calls.byOperation()).toEqual({ BatchWriteItem: 3, Query: 1 });
    expect(loaded.resources.size).toBe(60);
    expect(loaded.resources.get(resource(7).arn)).toEqual({ resource: resource(7), listedLastUpdated: 5, listedStatus: 'ACTIVE', describedAt: NOW });
    expect(loaded.tagsOf(resource(0).arn, NOW + 60_000, 3_600_000)).toEqual({ team: 'a' });
    expect(loaded.solutionVersions.get('arn:aws:personalize:eu-west-1:123456789012:solution/s/1')).toEqual({ recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items' });
    expect(loaded.markerAt).toBe(NOW);
    // Other regions' partitions are separate.
    expect((await store.load('us-east-1', NOW)).resources.size).toBe(0);

    // A deletion is written as a DeleteRequest.
    loaded.deleteResource(resource(3).arn);
    expect(await store.save(loaded, NOW + 120_000)).toMatchObject({ deleted: 1 });
    expect((await store.load('eu-west-1', NOW + 120_000)).resources.has(resource(3).arn)).toBe(false);
  });

  it('treats items past expiresAt as absent (TTL deletion lags)', async () => {
    const store = new DynamoStateStore(client, TABLE);
    const state = new RegionState('eu-west-1');
    state.setResource(resource(1).arn, { resource: resource(1), listedLastUpdated: 5, listedStatus: 'ACTIVE', describedAt: NOW });
    await store.save(state, NOW);

    // Still stored in the table, but expired: RESOURCE_STATE_TTL_DAYS after the describe at most.
    const later = NOW + RESOURCE_STATE_TTL_DAYS * DAY;
    expect(account.dynamodb.items(HOME, TABLE).filter((i) => i.pk.S === statePartition('eu-west-1'))).toHaveLength(2);
    expect((await store.load('eu-west-1', later)).resources.size).toBe(0);
    expect((await store.load('eu-west-1', NOW + RESOURCE_STATE_TTL_DAYS * DAY - DAY - 1)).resources.size).toBe(1);
  });
});
