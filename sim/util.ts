/**
 * Small helpers shared by the simulated services: input checks, timestamps on the wire,
 * opaque pagination tokens, ARNs.
 */
import { SimError } from './errors';

/** Error factory of one service, so each service raises its own exception names. */
export type ErrorFactory = (message: string) => SimError;

/** Epoch ms → the JSON protocols' timestamp (epoch seconds, fractional). */
export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

/** A timestamp from a JSON request (epoch seconds number or ISO string) → epoch ms. */
export function parseTimestamp(value: unknown, field: string, invalid: ErrorFactory): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string') {
    const asNumber = Number(value);
    if (value.trim() !== '' && Number.isFinite(asNumber)) return Math.round(asNumber * 1000);
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw invalid(`${field}: expected a timestamp, got ${JSON.stringify(value)}`);
}

/** A required non-empty string member. */
export function requireString(input: Record<string, unknown>, field: string, missing: ErrorFactory): string {
  const v = input[field];
  if (typeof v !== 'string' || v.length === 0) throw missing(`${field} is required (string)`);
  return v;
}

/** An optional string member. */
export function optionalString(input: Record<string, unknown>, field: string, invalid: ErrorFactory): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${field}: expected a string`);
  return v;
}

/** An optional integer member within [min, max]. */
export function optionalInt(
  input: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  invalid: ErrorFactory,
): number | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`${field}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** An optional array member. */
export function optionalArray(input: Record<string, unknown>, field: string, invalid: ErrorFactory): unknown[] | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalid(`${field}: expected a list`);
  return v;
}

/** Object members of a request (anything else is a client error). */
export function asRecord(v: unknown, field: string, invalid: ErrorFactory): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${field}: expected a structure`);
  return v as Record<string, unknown>;
}

interface TokenBody {
  /** What the listing was (filters), so a token from another listing is rejected. */
  s: string;
  o: number;
}

/** Opaque pagination token for position `offset` of the listing identified by `scope`. */
export function encodeToken(scope: string, offset: number): string {
  const body: TokenBody = { s: scope, o: offset };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Offset from a token made by `encodeToken` for the same scope; anything else is invalid. */
export function decodeToken(token: string | undefined, scope: string, invalid: ErrorFactory): number {
  if (token === undefined || token === '') return 0;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (body.s === scope && typeof body.o === 'number' && Number.isInteger(body.o) && body.o >= 0) return body.o;
  } catch {
    // fall through: not one of ours
  }
  throw invalid(`invalid pagination token: ${token.slice(0, 40)}`);
}

/** One page of `items` from a token, with the next token when more remain. */
export function paginate<T>(
  items: T[],
  pageSize: number,
  token: string | undefined,
  scope: string,
  invalid: ErrorFactory,
): { page: T[]; nextToken?: string } {
  const offset = decodeToken(token, scope, invalid);
  if (offset > items.length) throw invalid(`pagination token points past the end of the listing`);
  const page = items.slice(offset, offset + pageSize);
  const next = offset + page.length;
  return next < items.length ? { page, nextToken: encodeToken(scope, next) } : { page };
}

/** Partition of a region (`cn-*` → aws-cn, `us-gov-*` → aws-us-gov, else aws). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** Fields of an ARN `arn:partition:service:region:account:resource`, or undefined. */
export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** Random-looking but deterministic id (uuid format) from a counter and a seed. */
export function deterministicUuid(seed: number, counter: number): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(Math.imul(seed ^ 0x5bd1e995, counter + 1));
  const b = hex(Math.imul(counter ^ 0x27d4eb2d, seed + 7));
  const c = hex(Math.imul(seed + counter, 0x165667b1));
  const d = hex(Math.imul(counter + 13, 0x9e3779b1) ^ seed);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`;
}
