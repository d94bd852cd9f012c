/**
 * IAM policy documents generated from declarations (`IamStatement`), with the least-privilege
 * rules enforced at synth time: no `*` or `service:*` action, and a `*` resource only with a
 * stated reason (the API has no resource type).
 */
import type { IamStatement } from '../core/contracts/iam';
import { terraformJson } from './terraform-strings';

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Checks statements; throws naming the first rule broken and where. */
export function checkStatements(statements: readonly IamStatement[], where: string): void {
  if (statements.length === 0) throw new Error(`${where}: a policy needs at least one statement`);
  for (const st of statements) {
    const label = `${where}: statement ${st.sid ?? st.actions.join(',')}`;
    if (st.actions.length === 0) throw new Error(`${label} has no action`);
    for (const action of st.actions) {
      if (!ACTION_PATTERN.test(action)) throw new Error(`${label}: action "${action}" must name one API (service:Action, no wildcard)`);
    }
    if (st.resources.length === 0) throw new Error(`${label} has no resource`);
    if (st.resources.includes('*') && !st.why) throw new Error(`${label} uses resource "*" without saying why (the API must have no resource type)`);
    if (st.sid !== undefined && !/^[A-Za-z0-9]+$/.test(st.sid)) throw new Error(`${label}: Sid "${st.sid}" may only hold letters and digits`);
  }
}

/** A readable, unique Sid per statement (`lambda:InvokeFunction` → `LambdaInvokeFunction`). */
function sids(statements: readonly IamStatement[]): string[] {
  const used = new Map<string, number>();
  return statements.map((st) => {
    const base =
      st.sid ??
      st.actions[0]
        .split(':')
        .map((p) => p.replace(/[^A-Za-z0-9]/g, ''))
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join('');
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}${n}`;
  });
}

/** The policy document JSON (Terraform-escaped) for the given statements. */
export function policyDocument(statements: readonly IamStatement[], where: string): string {
  checkStatements(statements, where);
  const ids = sids(statements);
  return terraformJson({
    Version: '2012-10-17',
    Statement: statements.map((st, i) => ({
      Sid: ids[i],
      Effect: 'Allow',
      Action: st.actions.length === 1 ? st.actions[0] : st.actions,
      Resource: st.resources.length === 1 ? st.resources[0] : st.resources,
      ...(st.conditions ? { Condition: st.conditions } : {}),
    })),
  });
}

/** Trust policy letting an AWS service assume a role, optionally only on behalf of `sourceAccount`. */
export function assumeRolePolicy(servicePrincipal: string, sourceAccount?: string): string {
  return terraformJson({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: servicePrincipal },
        Action: 'sts:AssumeRole',
        ...(sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } } : {}),
      },
    ],
  });
}

/** Actions X-Ray tracing needs (no resource type). */
export const XRAY_WRITE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
