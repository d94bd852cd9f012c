/**
 * The approvals table's contract: an unguessable id → the waiting execution's task token, what is
 * to be approved, and until when. Written by `action-request-approval`, decided by `approval`,
 * created by infra/approvals.ts with the same key and TTL attribute.
 */
import type { ActionKind, Fact } from './action';

/** Random bytes per id: 256 bits (the design asks for at least 128). */
export const APPROVAL_ID_BYTES = 32;
/** base64url of 32 bytes, unpadded: exactly 43 characters. */
export const APPROVAL_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Days a decided or expired record is kept for the record (then DynamoDB TTL removes it). */
export const APPROVAL_RETENTION_DAYS = 7;

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
/** What a person can decide on the approval page. */
export type ApprovalDecision = 'approve' | 'reject';

/** What the approval page shows: the same facts as the email. */
export interface ApprovalSummary {
  title: string;
  resourceArn: string;
  region: string;
  facts: Fact[];
  /** The action and the resource's name (for the approval's record; absent in approvals stored by versions before them). */
  action?: ActionKind;
  name?: string;
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

/** Partition key of the table (string): the random approval id from the link. */
export const APPROVALS_KEY = 'id' satisfies keyof ApprovalRecord;
/** Attribute DynamoDB expires items by (epoch seconds). */
export const APPROVALS_TTL_ATTRIBUTE = 'ttl' satisfies keyof ApprovalRecord;
