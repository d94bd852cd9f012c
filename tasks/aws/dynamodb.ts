/**
 * Amazon DynamoDB: the item operations the tasks call; a failed condition is a result, not an
 * error. Items travel as AttributeValue maps (the callers marshal their own shapes).
 */
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type PutItemCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { errorName } from './errors';

export type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/** True when a ConditionExpression did not hold. */
export function isConditionFailure(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** PutItem. @throws ConditionalCheckFailedException when its condition failed. */
export async function putItem(client: DynamoDBClient, input: PutItemCommandInput): Promise<void> {
  await client.send(new PutItemCommand(input));
}

/** GetItem by key, strongly consistent; undefined when there is no such item. */
export async function getItem(client: DynamoDBClient, table: string, key: Item): Promise<Item | undefined> {
  return (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

/** UpdateItem; false when its condition failed. */
export async function updateItem(client: DynamoDBClient, input: UpdateItemCommandInput): Promise<boolean> {
  try {
    await client.send(new UpdateItemCommand(input));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Pages one Query may follow before giving up (a partition of 1 GB: far beyond a region's state). */
export const MAX_QUERY_PAGES = 1000;
/** Requests per BatchWriteItem (the service's limit). */
export const BATCH_WRITE_SIZE = 25;
/** Attempts of one chunk whose requests come back unprocessed (the first included). */
export const BATCH_WRITE_ATTEMPTS = 6;

export interface QueryOptions {
  /** Only items whose sort key begins with this (`begins_with(#sk, :p)`). */
  sortKeyPrefix?: { attribute: string; prefix: string };
  /** Only items whose sort key lies from `from` to `to`, both included (`#sk BETWEEN :from AND :to`); not with sortKeyPrefix. */
  sortKeyBetween?: { attribute: string; from: string; to: string };
  /** Items per page (DynamoDB's Limit); default: as many as fit its 1 MB page. */
  pageSize?: number;
  /** Called once per request sent (counting, e.g. an ApiCallCounter). */
  onRequest?: () => void;
  /** Capacity units each page consumed (ReturnConsumedCapacity TOTAL). */
  onConsumed?: (readUnits: number) => void;
}

/**
 * Every item of one partition (eventually consistent), following LastEvaluatedKey through every
 * page (DynamoDB answers at most 1 MB per page).
 * @throws the SDK error of a failing page; Error when the partition has more than MAX_QUERY_PAGES pages.
 */
export async function queryPartition(client: DynamoDBClient, table: string, partitionKey: { attribute: string; value: string }, options: QueryOptions = {}): Promise<Item[]> {
  const items: Item[] = [];
  const names: Record<string, string> = { '#pk': partitionKey.attribute };
  const values: Item = { ':pk': { S: partitionKey.value } };
  let condition = '#pk = :pk';
  if (options.sortKeyPrefix) {
    names['#sk'] = options.sortKeyPrefix.attribute;
    values[':p'] = { S: options.sortKeyPrefix.prefix };
    condition += ' AND begins_with(#sk, :p)';
  } else if (options.sortKeyBetween) {
    names['#sk'] = options.sortKeyBetween.attribute;
    values[':from'] = { S: options.sortKeyBetween.from };
    values[':to'] = { S: options.sortKeyBetween.to };
    condition += ' AND #sk BETWEEN :from AND :to';
  }
  let start: Item | undefined;
  for (let page = 0; page < MAX_QUERY_PAGES; page++) {
    options.onRequest?.();
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
        Limit: options.pageSize,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    items.push(...(out.Items ?? []));
    if (out.ConsumedCapacity?.CapacityUnits !== undefined) options.onConsumed?.(out.ConsumedCapacity.CapacityUnits);
    start = out.LastEvaluatedKey;
    if (!start || Object.keys(start).length === 0) return items;
  }
  throw new Error(`Query of ${table} partition ${partitionKey.value} did not end after ${MAX_QUERY_PAGES} pages`);
}

export interface BatchWriteOptions {
  /** Called once per request sent. */
  onRequest?: () => void;
  /** Capacity units each call consumed. */
  onConsumed?: (writeUnits: number) => void;
  /** Attempts per chunk while requests come back unprocessed (default BATCH_WRITE_ATTEMPTS). */
  attempts?: number;
  /** First backoff before retrying unprocessed requests (doubles each time, with jitter); default 50 ms. */
  baseDelayMs?: number;
  /** Waits (tests pass a fake); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchWriteResult {
  /** Requests DynamoDB applied. */
  written: number;
  /** Requests still unprocessed after every attempt (their changes are lost: the caller decides). */
  unprocessed: number;
}

/**
 * Puts `puts` and deletes `deletes` (keys) in calls of BATCH_WRITE_SIZE requests; requests that
 * come back in UnprocessedItems are sent again with exponential backoff and jitter, at most
 * `attempts` times per chunk (DynamoDB's advice for BatchWriteItem). A key must appear only once
 * across both lists (the service rejects a batch with duplicates).
 * @throws the SDK error of a failing call (chunks sent before it are written).
 */
export async function batchWrite(client: DynamoDBClient, table: string, puts: readonly Item[], deletes: readonly Item[], options: BatchWriteOptions = {}): Promise<BatchWriteResult> {
  const requests: WriteRequest[] = [...puts.map((Item) => ({ PutRequest: { Item } })), ...deletes.map((Key) => ({ DeleteRequest: { Key } }))];
  const attempts = options.attempts ?? BATCH_WRITE_ATTEMPTS;
  const base = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const result: BatchWriteResult = { written: 0, unprocessed: 0 };
  for (let i = 0; i < requests.length; i += BATCH_WRITE_SIZE) {
    let pending = requests.slice(i, i + BATCH_WRITE_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      options.onRequest?.();
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending }, ReturnConsumedCapacity: 'TOTAL' }));
      for (const c of out.ConsumedCapacity ?? []) if (c.CapacityUnits !== undefined) options.onConsumed?.(c.CapacityUnits);
      const left = out.UnprocessedItems?.[table] ?? [];
      result.written += pending.length - left.length;
      pending = left;
      if (pending.length === 0) break;
      if (attempt >= attempts) {
        result.unprocessed += pending.length;
        break;
      }
      await sleep(Math.round(base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)));
    }
  }
  return result;
}
