import { LOCAL_ACCOUNT_ID, LOCAL_PARTITION, TfStack } from '../../runner/terraform';

/**
 * Reading cdk.tf.json in tests: resources by type, Terraform expressions inside strings, a
 * reference graph, and fake values for references (to validate or execute what was synthesized).
 */

export type TfJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider: Record<string, Record<string, unknown>[]>;
  terraform: Record<string, unknown>;
};

export const FAKE_ACCOUNT = LOCAL_ACCOUNT_ID;
export const FAKE_PARTITION = LOCAL_PARTITION;

/** A resource with its address, e.g. `aws_lambda_function.collect_function_28C38903`. */
export interface TfResource {
  type: string;
  name: string;
  address: string;
  body: Record<string, unknown>;
}

/** Every resource of `type` (empty when none). */
export function resourcesOf(tf: TfJson, type: string): TfResource[] {
  return Object.entries(tf.resource[type] ?? {}).map(([name, body]) => ({ type, name, address: `${type}.${name}`, body }));
}

/** All resources. */
export function allResources(tf: TfJson): TfResource[] {
  return Object.keys(tf.resource).flatMap((t) => resourcesOf(tf, t));
}

/** The one resource of `type` whose `attr` equals `value`; throws naming the candidates otherwise. */
export function resourceWhere(tf: TfJson, type: string, attr: string, value: unknown): TfResource {
  const found = resourcesOf(tf, type).filter((r) => r.body[attr] === value);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} with ${attr} = ${JSON.stringify(value)}, found ${found.length} (have: ${resourcesOf(tf, type).map((r) => JSON.stringify(r.body[attr])).join(', ')})`);
  }
  return found[0];
}

/** cdktf writes a single nested block as an object or a one-element array: accept both. */
export function block(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new Error(`expected one block, got ${value.length}`);
    return value[0] as Record<string, unknown>;
  }
  if (!value || typeof value !== 'object') throw new Error(`expected a block, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** The `${...}` expressions of a Terraform string (nested braces counted, `$${` escapes skipped). */
export function expressions(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$' && text[i + 2] === '{') {
      i += 2; // escaped literal
      continue;
    }
    if (text[i] !== '$' || text[i + 1] !== '{') continue;
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    if (depth !== 0) throw new Error(`unterminated expression in ${text.slice(i, i + 80)}`);
    out.push(text.slice(i + 2, j - 1));
    i = j - 1;
  }
  return out;
}

/** Resource / data addresses an expression refers to (`aws_x.y`, `data.aws_x.y`). */
export function referencedAddresses(expression: string): string[] {
  return [...expression.matchAll(/(?<![\w.])((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g)].map((m) => m[1]);
}

/** Every string inside a value, at any depth (keys excluded, cdktf metadata `//` skipped). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : stringsIn(v)));
  }
  return [];
}

/** Edges address → addresses it needs (references + depends_on), over resources and data sources. */
export function dependencyGraph(tf: TfJson): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const add = (address: string, body: Record<string, unknown>) => {
    const deps = new Set<string>();
    const { depends_on: dependsOn, ...rest } = body as { depends_on?: string[] };
    for (const s of stringsIn(rest)) for (const e of expressions(s)) for (const a of referencedAddresses(e)) deps.add(a);
    for (const d of dependsOn ?? []) deps.add(d);
    graph.set(address, deps);
  };
  for (const r of allResources(tf)) add(r.address, r.body);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const [name, body] of Object.entries(byName)) add(`data.${type}.${name}`, body);
  return graph;
}

/** A cycle in the graph as a list of addresses, or undefined. */
export function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const stacks = new WeakMap<TfJson, TfStack>();

/**
 * The runner's resolver over this JSON (one way to turn references into the values an apply would
 * report), with a made-up URL for each function URL (https://<id>.lambda-url.<region>.on.aws/).
 */
function stackOf(tf: TfJson): TfStack {
  let stack = stacks.get(tf);
  if (!stack) {
    const region = String(tf.provider.aws?.[0]?.region ?? 'us-east-1');
    const functionUrls = Object.fromEntries(
      Object.keys(tf.resource.aws_lambda_function_url ?? {}).map((name) => [name, `https://${name.toLowerCase().replace(/[^a-z0-9]/g, '')}.lambda-url.${region}.on.aws/`]),
    );
    stack = new TfStack('cdk.tf.json', tf as unknown as Record<string, unknown>, { functionUrls });
    stacks.set(tf, stack);
  }
  return stack;
}

/** Replaces every Terraform reference with a fake value, then unescapes `$${` / `%%{` as Terraform would. */
export function resolveReferences(text: string, tf: TfJson): string {
  return stackOf(tf).resolveString(text, 'test');
}
