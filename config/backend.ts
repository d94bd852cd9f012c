/**
 * Where Terraform keeps the stack's state: the `backend` deploy key.
 *
 * - `{"type":"local","path":"…"}` — a state file; a relative path is resolved by Terraform from the
 *   stack directory (cdktf.out/stacks/<stackName>). Default: `../../../terraform.<stackName>.tfstate`,
 *   the checkout root, wherever the checkout lives (no absolute path in cdk.tf.json).
 * - `{"type":"s3","bucket":…,"key":…,"region":…,"dynamodbTable"?:…,"useLockfile"?:true}` — an
 *   existing S3 bucket (create it, versioned, before `terraform init`); a lock is required: a
 *   DynamoDB table (partition key `LockID`, String) and/or S3 native locking (`use_lockfile`, Terraform >= 1.10).
 *
 * Pure validation (no zod) so config/schema.ts can wrap it; every problem names its field.
 */
export type BackendConfig =
  | { type: 'local'; path: string }
  | { type: 's3'; bucket: string; key: string; region: string; dynamodbTable?: string; useLockfile?: boolean };

export const BACKEND_EXPECTED =
  'a JSON object {"type":"local","path":"<state file>"} or {"type":"s3","bucket":"<bucket>","key":"<state key>","region":"<region>","dynamodbTable":"<lock table>" and/or "useLockfile":true}';

/** The default: local state at the checkout root, written relative to cdktf.out/stacks/<stackName>. */
export function defaultBackend(stackName: string): BackendConfig {
  return { type: 'local', path: `../../../terraform.${stackName}.tfstate` };
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots, hyphens; starts and ends with a letter or digit; no `..`, not an IP. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** DynamoDB table names: 3-255 of letters, digits, `_`, `-`, `.`. */
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface BackendIssue {
  path: string[];
  message: string;
}

/** Validates a backend value (an object, or a string holding a JSON object, as from PM_BACKEND). */
export function parseBackend(
  input: unknown,
  opts: { regionPattern: RegExp; show: (v: unknown) => string },
): { value: BackendConfig } | { issues: BackendIssue[] } {
  const { show } = opts;
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      return { issues: [{ path: [], message: `is not valid JSON (${(err as Error).message}); expected ${BACKEND_EXPECTED}` }] };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issues: [{ path: [], message: `expected ${BACKEND_EXPECTED}, got ${show(input)}` }] };
  }
  const obj = value as Record<string, unknown>;
  const issues: BackendIssue[] = [];
  const add = (field: string, message: string) => issues.push({ path: field ? [field] : [], message });
  const allowedBy = { local: ['type', 'path'], s3: ['type', 'bucket', 'key', 'region', 'dynamodbTable', 'useLockfile'] } as const;
  const type = obj.type;
  if (type !== 'local' && type !== 's3') {
    return { issues: [{ path: ['type'], message: `expected "local" or "s3", got ${show(type)}` }] };
  }
  const unknown = Object.keys(obj).filter((k) => !(allowedBy[type] as readonly string[]).includes(k));
  if (unknown.length) add('', `unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')} for a ${type} backend; allowed: ${allowedBy[type].join(', ')}`);
  const str = (field: string, check: (v: string) => string | undefined): string | undefined => {
    const v = obj[field];
    if (typeof v !== 'string') {
      add(field, `expected a string, got ${show(v)}`);
      return undefined;
    }
    // deploy-traps 25: strings in cdk.tf.json are templates, and a backend block allows no interpolation.
    const problem = /[$%]\{/.test(v) ? `must not contain "\${" or "%{" (a backend block allows no Terraform expressions), got ${show(v)}` : check(v);
    if (problem) add(field, problem);
    return problem ? undefined : v;
  };
  if (type === 'local') {
    const p = str('path', (v) =>
      v.trim() === '' ? 'expected a state file path, got an empty string'
      : CONTROL.test(v) ? 'must not contain control characters'
      : /[\\/]$/.test(v) ? `expected a file path, got the directory ${show(v)}`
      : undefined,
    );
    return issues.length || p === undefined ? { issues } : { value: { type, path: p } };
  }
  const bucket = str('bucket', (v) =>
    BUCKET.test(v) && !v.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(v)
      ? undefined
      : `expected an S3 bucket name (3-63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit), got ${show(v)}`,
  );
  const key = str('key', (v) =>
    v.length < 1 || v.length > 1024 ? `expected an S3 object key of 1 to 1024 characters, got ${v.length} characters`
    : v.startsWith('/') || v.endsWith('/') || v.includes('//') ? `must not start or end with "/" or contain "//" (Terraform rejects it), got ${show(v)}`
    : CONTROL.test(v) ? 'must not contain control characters'
    : undefined,
  );
  const region = str('region', (v) => (opts.regionPattern.test(v) ? undefined : `expected an AWS region such as us-east-1, got ${show(v)}`));
  let dynamodbTable: string | undefined;
  if (obj.dynamodbTable !== undefined) {
    dynamodbTable = str('dynamodbTable', (v) => (TABLE.test(v) ? undefined : `expected a DynamoDB table name (3-255 letters, digits, "_", "-" or "."), got ${show(v)}`));
  }
  const useLockfile = obj.useLockfile;
  if (useLockfile !== undefined && typeof useLockfile !== 'boolean') add('useLockfile', `expected true or false, got ${show(useLockfile)}`);
  if (obj.dynamodbTable === undefined && useLockfile !== true && !issues.some((i) => i.path[0] === 'useLockfile')) {
    add('', 'an s3 backend needs a state lock: set "useLockfile": true (S3 native locking, Terraform >= 1.10) and/or "dynamodbTable": "<table with partition key LockID>"');
  }
  if (issues.length || bucket === undefined || key === undefined || region === undefined) return { issues };
  return {
    value: {
      type,
      bucket,
      key,
      region,
      ...(dynamodbTable !== undefined ? { dynamodbTable } : {}),
      ...(typeof useLockfile === 'boolean' ? { useLockfile } : {}),
    },
  };
}
