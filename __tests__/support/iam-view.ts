/** IAM documents of a synthesized stack, with references replaced by fake values (tests only). */
import { block, expressions, referencedAddresses, resolveReferences, resourcesOf, type TfJson, type TfResource } from './terraform';

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyView {
  /** Address of the policy resource. */
  address: string;
  /** Address of the role it is attached to (role policies only). */
  roleAddress?: string;
  raw: string;
  document: { Version: string; Statement: Statement[] };
}

export const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The single resource address a `${type.name.attr}` string refers to. */
export function addressIn(value: unknown): string {
  const [expr, ...more] = expressions(String(value));
  const addresses = expr ? referencedAddresses(expr) : [];
  if (more.length || addresses.length !== 1) throw new Error(`expected exactly one reference in ${JSON.stringify(value)}`);
  return addresses[0];
}

function parse(tf: TfJson, address: string, raw: string, roleAddress?: string): PolicyView {
  return { address, roleAddress, raw, document: JSON.parse(resolveReferences(raw, tf)) };
}

/** Inline role policies. */
export function rolePolicies(tf: TfJson): PolicyView[] {
  return resourcesOf(tf, 'aws_iam_role_policy').map((p) => parse(tf, p.address, String(p.body.policy), addressIn(p.body.role)));
}

/** Trust policies of roles. */
export function trustPolicies(tf: TfJson): PolicyView[] {
  return resourcesOf(tf, 'aws_iam_role').map((r) => parse(tf, r.address, String(r.body.assume_role_policy), r.address));
}

/** Resource policies (SNS topics). */
export function resourcePolicies(tf: TfJson): PolicyView[] {
  return resourcesOf(tf, 'aws_sns_topic_policy').map((p) => parse(tf, p.address, String(p.body.policy)));
}

/** The inline policies of the role a resource runs with (`role`, `role_arn` or `target.role_arn`). */
export function policiesOfRoleUsedBy(tf: TfJson, r: TfResource): PolicyView[] {
  const roleRef = r.body.role ?? r.body.role_arn ?? (r.body.target ? block(r.body.target).role_arn : undefined);
  const role = addressIn(roleRef);
  return rolePolicies(tf).filter((p) => p.roleAddress === role);
}

/** All Allow statements of some policies, flattened. */
export function statementsOf(policies: PolicyView[]): Statement[] {
  return policies.flatMap((p) => p.document.Statement);
}

/** True when some statement allows `action` on exactly `resource` (or on `*` when resource is `*`). */
export function allows(statements: Statement[], action: string, resource: string): boolean {
  return statements.some((s) => s.Effect === 'Allow' && list(s.Action).includes(action) && list(s.Resource).includes(resource));
}
