/**
 * The approvals table: an unguessable id → the waiting execution's task token, what is to be
 * approved, and until when. Shared by `action-request-approval` (writes) and `approval` (decides).
 * Key and TTL attribute: core/contracts/approvals.ts (the table is created with the same).
 */
import { randomBytes } from 'node:crypto';
import { getItem, putItem, updateItem, type AttributeValue, type DynamoDBClient } from '../aws/dynamodb';
import { APPROVALS_KEY, APPROVAL_ID_BYTES, type ApprovalDecision, type ApprovalRecord, type ApprovalStatus, type ApprovalSummary } from '../../core/contracts/approvals';

export {
  APPROVAL_ID_PATTERN,
  APPROVAL_RETENTION_DAYS,
  type ApprovalRecord,
  type ApprovalStatus,
  type ApprovalSummary,
} from '../../core/contracts/approvals';

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
  await putItem(ddb, { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id)' });
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
  const item = await getItem(ddb, table, { [APPROVALS_KEY]: { S: id } });
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

/**
 * PENDING → APPROVED / REJECTED, only while the approval has not expired. Returns false when the
 * condition failed (decided meanwhile, expired, or gone): the caller re-reads and explains.
 */
export async function decideApproval(ddb: DynamoDBClient, table: string, id: string, decision: ApprovalDecision, decidedAt: string, now: number): Promise<boolean> {
  return updateItem(ddb, {
    TableName: table,
    Key: { [APPROVALS_KEY]: { S: id } },
    UpdateExpression: 'SET #status = :decided, decidedAt = :decidedAt',
    ConditionExpression: 'attribute_exists(id) AND #status = :pending AND expiresAt > :now',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':decided': { S: decision === 'approve' ? 'APPROVED' : 'REJECTED' },
      ':pending': { S: 'PENDING' },
      ':decidedAt': { S: decidedAt },
      ':now': { N: String(now) },
    },
  });
}

/**
 * Rewrites this caller's own decision (matched by `decidedAt`): back to PENDING when the workflow
 * could not be told (so the person can try again), or to EXPIRED when the workflow no longer waits.
 */
export async function rewriteDecision(ddb: DynamoDBClient, table: string, id: string, decidedAt: string, to: 'PENDING' | 'EXPIRED'): Promise<void> {
  // A failed condition: someone else's decision is stored now; it stands.
  await updateItem(ddb, {
    TableName: table,
    Key: { [APPROVALS_KEY]: { S: id } },
    UpdateExpression: to === 'PENDING' ? 'SET #status = :to REMOVE decidedAt' : 'SET #status = :to',
    ConditionExpression: 'decidedAt = :decidedAt',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':to': { S: to }, ':decidedAt': { S: decidedAt } },
  });
}
