/**
 * The approvals table: an unguessable id → the waiting execution's task token, what is to be
 * approved, and until when. Shared by `action-request-approval` (writes) and `approval` (decides).
 * The table's key is `id` (string); `ttl` (epoch seconds) is its TTL attribute.
 */
import { randomBytes } from 'node:crypto';
import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Fact } from '../../core/actions';

/** Random bytes per id: 256 bits (the design asks for at least 128). */
export const APPROVAL_ID_BYTES = 32;
/** base64url of 32 bytes, unpadded: exactly 43 characters. */
export const APPROVAL_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Days a decided or expired record is kept for the record (then DynamoDB TTL removes it). */
export const APPROVAL_RETENTION_DAYS = 7;

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
export type Decision = 'approve' | 'reject';

/** What the approval page shows: the same facts as the email. */
export interface ApprovalSummary {
  title: string;
  resourceArn: string;
  region: string;
  facts: Fact[];
}

/** One approval as stored. `taskToken` is a bearer credential: never log or render it. */
export interface ApprovalRecord {
  id: string;
  taskToken: string;
  status: ApprovalStatus;
  summary: ApprovalSummary;
  executionArn: string;
  createdAt: string;
  /** Epoch ms after which a decision is refused (equals the waiting state's timeout). */
  expiresAt: number;
  /** Epoch seconds: DynamoDB deletes the item some time after this. */
  ttl: number;
  decidedAt?: string;
}

/** A new approval id: 256 random bits, base64url (safe in a URL path). */
export function newApprovalId(): string {
  return randomBytes(APPROVAL_ID_BYTES).toString('base64url');
}

/** Stores a new PENDING approval; the condition guarantees an id is never reused. */
export async function putApproval(ddb: DynamoDBClient, table: string, r: ApprovalRecord): Promise<void> {
  const item: Record<string, AttributeValue> = {
    id: { S: r.id },
    taskToken: { S: r.taskToken },
    status: { S: r.status },
    summary: { S: JSON.stringify(r.summary) },
    executionArn: { S: r.executionArn },
    createdAt: { S: r.createdAt },
    expiresAt: { N: String(r.expiresAt) },
    ttl: { N: String(r.ttl) },
  };
  await ddb.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
}

function str(item: Record<string, AttributeValue>, key: string): string | undefined {
  return item[key]?.S;
}

function num(item: Record<string, AttributeValue>, key: string): number | undefined {
  const n = item[key]?.N;
  return n === undefined ? undefined : Number(n);
}

/** Reads an approval (strongly consistent: a decision just written must be seen); undefined when unknown. */
export async function getApproval(ddb: DynamoDBClient, table: string, id: string): Promise<ApprovalRecord | undefined> {
  const out = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
  const item = out.Item;
  if (!item) return undefined;
  const summaryText = str(item, 'summary');
  return {
    id: str(item, 'id') ?? id,
    taskToken: str(item, 'taskToken') ?? '',
    status: (str(item, 'status') ?? 'PENDING') as ApprovalStatus,
    summary: summaryText ? (JSON.parse(summaryText) as ApprovalSummary) : { title: 'Unknown action', resourceArn: '', region: '', facts: [] },
    executionArn: str(item, 'executionArn') ?? '',
    createdAt: str(item, 'createdAt') ?? '',
    expiresAt: num(item, 'expiresAt') ?? 0,
    ttl: num(item, 'ttl') ?? 0,
    ...(str(item, 'decidedAt') ? { decidedAt: str(item, 'decidedAt') } : {}),
  };
}

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * PENDING → APPROVED / REJECTED, only while the approval has not expired. Returns false when the
 * condition failed (decided meanwhile, expired, or gone): the caller re-reads and explains.
 */
export async function decideApproval(ddb: DynamoDBClient, table: string, id: string, decision: Decision, decidedAt: string, now: number): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #status = :decided, decidedAt = :decidedAt',
        ConditionExpression: 'attribute_exists(id) AND #status = :pending AND expiresAt > :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decided': { S: decision === 'approve' ? 'APPROVED' : 'REJECTED' },
          ':pending': { S: 'PENDING' },
          ':decidedAt': { S: decidedAt },
          ':now': { N: String(now) },
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * Rewrites this caller's own decision (matched by `decidedAt`): back to PENDING when the workflow
 * could not be told (so the person can try again), or to EXPIRED when the workflow no longer waits.
 */
export async function rewriteDecision(ddb: DynamoDBClient, table: string, id: string, decidedAt: string, to: 'PENDING' | 'EXPIRED'): Promise<void> {
  try {
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: id } },
        UpdateExpression: to === 'PENDING' ? 'SET #status = :to REMOVE decidedAt' : 'SET #status = :to',
        ConditionExpression: 'decidedAt = :decidedAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': { S: to }, ':decidedAt': { S: decidedAt } },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}
