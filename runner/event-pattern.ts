/**
 * EventBridge event patterns and input transformers, as the runner applies the stack's rules to
 * events put on the simulated account. Supports the pattern syntax rules commonly use: exact
 * values, `prefix`, `suffix`, `anything-but`, `exists`, `numeric`, `equals-ignore-case`, `$or`.
 */

/** An event as EventBridge delivers it to targets. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** True when `event` matches `pattern`. Unknown operators throw (a rule we cannot evaluate must not silently never fire). */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(expected) || !expected.some((p) => matchObject(p as Record<string, unknown>, value))) return false;
      continue;
    }
    const actual = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchValues(expected, actual)) return false;
    } else if (expected && typeof expected === 'object') {
      if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
      if (!matchObject(expected as Record<string, unknown>, actual)) return false;
    } else {
      throw new Error(`event pattern: value of "${key}" must be an array or an object, got ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

/** A leaf: the event value (or any element of an event array) matches any of the pattern's values. */
function matchValues(expected: unknown[], actual: unknown): boolean {
  const existsRule = expected.find((e) => e && typeof e === 'object' && 'exists' in (e as object)) as { exists: boolean } | undefined;
  if (existsRule) return existsRule.exists ? actual !== undefined : actual === undefined;
  if (actual === undefined) return false;
  const candidates = Array.isArray(actual) ? actual : [actual];
  return candidates.some((a) => expected.some((e) => matchOne(e, a)));
}

function matchOne(rule: unknown, actual: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return rule === actual;
  const r = rule as Record<string, unknown>;
  if ('prefix' in r) return typeof actual === 'string' && actual.startsWith(String(r.prefix));
  if ('suffix' in r) return typeof actual === 'string' && actual.endsWith(String(r.suffix));
  if ('equals-ignore-case' in r) return typeof actual === 'string' && actual.toLowerCase() === String(r['equals-ignore-case']).toLowerCase();
  if ('anything-but' in r) {
    const but = r['anything-but'];
    if (Array.isArray(but)) return !but.includes(actual as never);
    if (but && typeof but === 'object' && 'prefix' in (but as object)) return !(typeof actual === 'string' && actual.startsWith(String((but as { prefix: string }).prefix)));
    return actual !== but;
  }
  if ('numeric' in r) {
    if (typeof actual !== 'number') return false;
    const ops = r.numeric as (string | number)[];
    for (let i = 0; i < ops.length; i += 2) {
      const op = ops[i];
      const n = Number(ops[i + 1]);
      const ok = op === '=' ? actual === n : op === '<' ? actual < n : op === '<=' ? actual <= n : op === '>' ? actual > n : op === '>=' ? actual >= n : undefined;
      if (ok === undefined) throw new Error(`event pattern: unknown numeric operator ${String(op)}`);
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`event pattern: unsupported rule ${JSON.stringify(rule)}`);
}

/** Value at a simple JSONPath (`$`, `$.a.b`, `$.a[0]`); undefined when absent. */
export function simplePath(json: unknown, path: string): unknown {
  if (path === '$') return json;
  if (!path.startsWith('$.') && !path.startsWith('$[')) throw new Error(`unsupported JSONPath ${path} (only $.a.b[0] forms)`);
  const parts = path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  let cur: unknown = json;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = part.startsWith('[') ? (cur as unknown[])[Number(part.slice(1, -1))] : (cur as Record<string, unknown>)[part.slice(1)];
  }
  return cur;
}

/** What a target receives: the whole event, `input`, `input_path`, or the transformer's template filled in. */
export function targetInput(
  event: BusEvent,
  target: { input?: string; inputPath?: string; inputTransformer?: { inputPaths: Record<string, string>; inputTemplate: string } },
): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath !== undefined) return simplePath(event, target.inputPath);
  if (target.inputTransformer) {
    const values: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(target.inputTransformer.inputPaths)) values[k] = simplePath(event, p);
    const filled = target.inputTransformer.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => {
      if (name === 'aws.events.event.json') return JSON.stringify(event);
      if (!(name in values)) return whole;
      const v = values[name];
      return typeof v === 'string' ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : JSON.stringify(v ?? null);
    });
    try {
      return JSON.parse(filled);
    } catch {
      return filled;
    }
  }
  return event;
}
