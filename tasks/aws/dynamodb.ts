/** Amazon DynamoDB: the item operations the tasks call; a failed condition is a result, not an error. */
import {
  GetItemCommand,
  PutItemCommand,
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
