/**
 * Simulated DynamoDB item store: PutItem / GetItem / UpdateItem / DeleteItem with condition and
 * update expressions (the subset an approvals table needs: comparisons, AND/OR/NOT,
 * attribute_exists / attribute_not_exists / begins_with, SET with `+`/`-`, if_not_exists,
 * list_append, REMOVE), the service's checks on unused or undefined placeholders, Query (key
 * conditions, paging at 1 MB) and BatchWriteItem (the state table needs them), and CreateTable /
 * DescribeTable for setup.
 *
 * Capacity: every Query and BatchWriteItem records the capacity units it consumed under on-demand
 * rules (`DynamoDbModel.capacity()`, and `ConsumedCapacity` in the answer when
 * `ReturnConsumedCapacity` is TOTAL): a write costs 1 WCU per started 1 KB of each item; a read
 * costs 1 RCU per started 4 KB (strongly consistent) or half of that (eventually consistent),
 * a Query summing the sizes of all items it read before rounding up. See
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 */
import { SimError } from './errors';
import type { OperationTable } from './operations';
import { partitionOf, requireString, toEpochSeconds } from './util';

/** A DynamoDB AttributeValue as it travels on the wire. */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** Largest item the service accepts. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** A Query (or Scan) page reads at most this much data, then answers with LastEvaluatedKey. */
export const MAX_QUERY_PAGE_BYTES = 1024 * 1024;
/** Requests one BatchWriteItem may carry. */
export const MAX_BATCH_WRITE_REQUESTS = 25;

/** Capacity consumed by one call (Query, BatchWriteItem), as the simulator recorded it. */
export interface CapacityRecord {
  time: number;
  region: string;
  table: string;
  operation: string;
  readUnits: number;
  writeUnits: number;
}

const validation = (m: string) => new SimError('ValidationException', m);
const conditionFailed = (item?: Item) =>
  new SimError('ConditionalCheckFailedException', 'The conditional request failed', { fields: item ? { Item: item } : {} });

interface Table {
  name: string;
  region: string;
  partitionKey: string;
  sortKey?: string;
  createdAt: number;
  items: Map<string, Item>;
}

/** DynamoDB of one account. */
export class DynamoDbModel {
  private readonly tables = new Map<string, Table>();
  private readonly consumed: CapacityRecord[] = [];
  /**
   * Test hook: BatchWriteItem leaves the requests this returns true for unprocessed (in
   * `UnprocessedItems`), as DynamoDB does under load. Default none.
   */
  unprocessed?: (table: string, request: Record<string, unknown>) => boolean;

  constructor(private readonly accountId: string, private readonly now: () => number) {}

  /** Create a table with its key attribute names (idempotent for the same key schema). */
  createTable(spec: { region: string; name: string; partitionKey: string; sortKey?: string }): void {
    const key = `${spec.region}|${spec.name}`;
    const existing = this.tables.get(key);
    if (existing) {
      if (existing.partitionKey !== spec.partitionKey || existing.sortKey !== spec.sortKey) throw new SimError('ResourceInUseException', `Table already exists: ${spec.name}`);
      return;
    }
    this.tables.set(key, { ...spec, createdAt: this.now(), items: new Map() });
  }

  /** Items of a table (copies). */
  items(region: string, name: string): Item[] {
    return [...this.table(region, name).items.values()].map((i) => structuredClone(i));
  }

  table(region: string, name: string): Table {
    const t = this.tables.get(`${region}|${name}`);
    if (!t) throw new SimError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    return t;
  }

  /** Records capacity consumed by one call (the operations below call it). */
  recordCapacity(record: CapacityRecord): void {
    this.consumed.push(record);
  }

  /**
   * Capacity consumed since the start (or `clearCapacity`), optionally of one table or since a
   * simulated time: totals and the calls (Query and BatchWriteItem only).
   */
  capacity(filter: { table?: string; since?: number } = {}): { readUnits: number; writeUnits: number; calls: CapacityRecord[] } {
    const calls = this.consumed.filter((c) => (!filter.table || c.table === filter.table) && (filter.since === undefined || c.time >= filter.since));
    return {
      readUnits: calls.reduce((n, c) => n + c.readUnits, 0),
      writeUnits: calls.reduce((n, c) => n + c.writeUnits, 0),
      calls: calls.map((c) => ({ ...c })),
    };
  }

  /** Forgets the recorded capacity (e.g. between benchmark runs). */
  clearCapacity(): void {
    this.consumed.length = 0;
  }

  tableArn(t: Table): string {
    return `arn:${partitionOf(t.region)}:dynamodb:${t.region}:${this.accountId}:table/${t.name}`;
  }
}

function keyOf(table: Table, source: Item, exact: boolean): string {
  const names = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  if (exact && Object.keys(source).length !== names.length) throw validation('The provided key element does not match the schema');
  return JSON.stringify(
    names.map((n) => {
      const v = source[n];
      if (!v || (v.S === undefined && v.N === undefined && v.B === undefined)) throw validation(`One of the required keys was not given a value: ${n}`);
      return v;
    }),
  );
}

// ---------- expressions ----------

type Token = { t: 'op' | 'name' | 'value' | 'num' | 'word'; v: string };

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(<>|<=|>=|[=<>(),.[\]+-]|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*)/y;
  let pos = 0;
  while (pos < expr.length) {
    if (/^\s*$/.test(expr.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw validation(`Invalid expression: Syntax error; token: "${expr.slice(pos).trim().slice(0, 20)}", near: "${expr.slice(Math.max(0, pos - 10), pos + 10)}"`);
    const v = m[1];
    pos = re.lastIndex;
    if (v.startsWith('#')) out.push({ t: 'name', v });
    else if (v.startsWith(':')) out.push({ t: 'value', v });
    else if (/^[0-9]+$/.test(v)) out.push({ t: 'num', v });
    else if (/^[A-Za-z_]/.test(v)) out.push({ t: 'word', v });
    else out.push({ t: 'op', v });
  }
  return out;
}

type PathSeg = string | number;
type Operand =
  | { k: 'path'; path: PathSeg[] }
  | { k: 'value'; ref: string }
  | { k: 'size'; path: PathSeg[] }
  | { k: 'ifNotExists'; path: PathSeg[]; fallback: Operand }
  | { k: 'listAppend'; a: Operand; b: Operand }
  | { k: 'arith'; op: '+' | '-'; a: Operand; b: Operand };
type Cond =
  | { k: 'and' | 'or'; a: Cond; b: Cond }
  | { k: 'not'; a: Cond }
  | { k: 'cmp'; op: string; a: Operand; b: Operand }
  | { k: 'between'; a: Operand; lo: Operand; hi: Operand }
  | { k: 'in'; a: Operand; list: Operand[] }
  | { k: 'fn'; fn: 'attribute_exists' | 'attribute_not_exists'; path: PathSeg[] }
  | { k: 'fn2'; fn: 'begins_with' | 'contains'; path: PathSeg[]; b: Operand };

/** Parser over one expression; records which placeholders it used. */
class Parser {
  i = 0;
  private readonly toks: Token[];

  constructor(
    expr: string,
    private readonly names: Record<string, string>,
    private readonly used: { names: Set<string>; values: Set<string> },
  ) {
    this.toks = tokenize(expr);
    if (this.toks.length === 0) throw validation('Invalid expression: The expression can not be empty;');
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(): Token | undefined {
    return this.toks[this.i];
  }
  private next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw validation('Invalid expression: unexpected end of expression');
    return t;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'word' && t.v.toUpperCase() === w;
  }
  expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) throw validation(`Invalid expression: expected "${v}", got "${t.v}"`);
  }
  expectEnd(): void {
    if (!this.done()) throw validation(`Invalid expression: unexpected token "${this.peek()!.v}"`);
  }

  condition(): Cond {
    let left = this.andCond();
    while (this.isWord('OR')) {
      this.i++;
      left = { k: 'or', a: left, b: this.andCond() };
    }
    return left;
  }
  private andCond(): Cond {
    let left = this.notCond();
    while (this.isWord('AND')) {
      this.i++;
      left = { k: 'and', a: left, b: this.notCond() };
    }
    return left;
  }
  private notCond(): Cond {
    if (this.isWord('NOT')) {
      this.i++;
      return { k: 'not', a: this.notCond() };
    }
    const t = this.peek();
    if (t?.t === 'op' && t.v === '(') {
      this.i++;
      const c = this.condition();
      this.expectOp(')');
      return c;
    }
    if (t?.t === 'word' && ['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains'].includes(t.v)) {
      this.i++;
      this.expectOp('(');
      const path = this.path();
      if (t.v === 'begins_with' || t.v === 'contains') {
        this.expectOp(',');
        const b = this.operand();
        this.expectOp(')');
        return { k: 'fn2', fn: t.v, path, b };
      }
      this.expectOp(')');
      return { k: 'fn', fn: t.v as 'attribute_exists' | 'attribute_not_exists', path };
    }
    const a = this.operand();
    if (this.isWord('BETWEEN')) {
      this.i++;
      const lo = this.operand();
      if (!this.isWord('AND')) throw validation('Invalid expression: BETWEEN needs AND');
      this.i++;
      return { k: 'between', a, lo, hi: this.operand() };
    }
    if (this.isWord('IN')) {
      this.i++;
      this.expectOp('(');
      const list = [this.operand()];
      while (this.peek()?.v === ',') {
        this.i++;
        list.push(this.operand());
      }
      this.expectOp(')');
      return { k: 'in', a, list };
    }
    const op = this.next();
    if (op.t !== 'op' || !['=', '<>', '<', '<=', '>', '>='].includes(op.v)) throw validation(`Invalid expression: expected a comparator, got "${op.v}"`);
    return { k: 'cmp', op: op.v, a, b: this.operand() };
  }

  operand(): Operand {
    const t = this.peek();
    if (t?.t === 'value') {
      this.i++;
      this.used.values.add(t.v);
      return { k: 'value', ref: t.v };
    }
    if (t?.t === 'word' && t.v === 'size') {
      this.i++;
      this.expectOp('(');
      const path = this.path();
      this.expectOp(')');
      return { k: 'size', path };
    }
    return { k: 'path', path: this.path() };
  }

  /** SET right-hand side: operand [+|- operand], with if_not_exists and list_append. */
  setValue(): Operand {
    const a = this.setOperand();
    const t = this.peek();
    if (t?.t === 'op' && (t.v === '+' || t.v === '-')) {
      this.i++;
      return { k: 'arith', op: t.v, a, b: this.setOperand() };
    }
    return a;
  }
  private setOperand(): Operand {
    const t = this.peek();
    if (t?.t === 'word' && (t.v === 'if_not_exists' || t.v === 'list_append')) {
      this.i++;
      this.expectOp('(');
      if (t.v === 'if_not_exists') {
        const path = this.path();
        this.expectOp(',');
        const fallback = this.setValue();
        this.expectOp(')');
        return { k: 'ifNotExists', path, fallback };
      }
      const a = this.setValue();
      this.expectOp(',');
      const b = this.setValue();
      this.expectOp(')');
      return { k: 'listAppend', a, b };
    }
    return this.operand();
  }

  path(): PathSeg[] {
    const segs: PathSeg[] = [this.segment()];
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && t.v === '.') {
        this.i++;
        segs.push(this.segment());
      } else if (t?.t === 'op' && t.v === '[') {
        this.i++;
        const n = this.next();
        if (n.t !== 'num') throw validation('Invalid expression: list index must be a number');
        this.expectOp(']');
        segs.push(Number(n.v));
      } else return segs;
    }
  }
  private segment(): string {
    const t = this.next();
    if (t.t === 'name') {
      this.used.names.add(t.v);
      const real = this.names[t.v];
      if (real === undefined) throw validation(`Invalid expression: An expression attribute name used in the document path is not defined; attribute name: ${t.v}`);
      return real;
    }
    if (t.t === 'word') {
      if (RESERVED.has(t.v.toUpperCase())) throw validation(`Invalid expression: Attribute name is a reserved keyword; reserved keyword: ${t.v}`);
      return t.v;
    }
    throw validation(`Invalid expression: expected an attribute name, got "${t.v}"`);
  }
}

/** A few of DynamoDB's reserved words that commonly bite (status, name, ttl...). */
const RESERVED = new Set(['STATUS', 'NAME', 'TTL', 'TIMESTAMP', 'DATA', 'ACTION', 'TOKEN', 'DATE', 'TIME', 'KEY', 'VALUE', 'USER', 'COUNT', 'SIZE', 'TYPE', 'STATE', 'RESULT', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE']);

function getPath(item: Item | undefined, path: PathSeg[]): AttributeValue | undefined {
  let cur: AttributeValue | undefined = item ? { M: item } : undefined;
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') cur = Array.isArray(cur.L) ? (cur.L[seg] as AttributeValue | undefined) : undefined;
    else cur = cur.M && typeof cur.M === 'object' ? (cur.M as Item)[seg] : undefined;
  }
  return cur;
}

function setPath(item: Item, path: PathSeg[], value: AttributeValue | undefined): void {
  let container: AttributeValue = { M: item };
  for (let i = 0; i < path.length - 1; i++) {
    const next = getPath((container.M as Item) ?? {}, [path[i]]) ?? (typeof path[i] === 'number' ? (container.L as AttributeValue[])[path[i] as number] : undefined);
    if (!next) throw validation('The document path provided in the update expression is invalid for update');
    container = next;
  }
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    if (!Array.isArray(container.L)) throw validation('The document path provided in the update expression is invalid for update');
    if (value === undefined) container.L.splice(last, 1);
    else container.L[Math.min(last, container.L.length)] = value;
  } else {
    if (!container.M || typeof container.M !== 'object') throw validation('The document path provided in the update expression is invalid for update');
    if (value === undefined) delete (container.M as Item)[last];
    else (container.M as Item)[last] = value;
  }
}

function avEquals(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) === Number(b.N);
  return JSON.stringify(a) === JSON.stringify(b);
}

function avCompare(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (!a || !b) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) - Number(b.N);
  if (typeof a.S === 'string' && typeof b.S === 'string') return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  return undefined;
}

interface EvalEnv {
  item: Item | undefined;
  values: Record<string, AttributeValue>;
}

function evalOperand(o: Operand, env: EvalEnv): AttributeValue | undefined {
  switch (o.k) {
    case 'value': {
      const v = env.values[o.ref];
      if (v === undefined) throw validation(`Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${o.ref}`);
      return v;
    }
    case 'path':
      return getPath(env.item, o.path);
    case 'size': {
      const v = getPath(env.item, o.path);
      if (!v) return undefined;
      const n = typeof v.S === 'string' ? v.S.length : Array.isArray(v.L) ? v.L.length : v.M ? Object.keys(v.M as object).length : Array.isArray(v.SS) ? v.SS.length : undefined;
      return n === undefined ? undefined : { N: String(n) };
    }
    case 'ifNotExists':
      return getPath(env.item, o.path) ?? evalOperand(o.fallback, env);
    case 'listAppend': {
      const a = evalOperand(o.a, env);
      const b = evalOperand(o.b, env);
      if (!Array.isArray(a?.L) || !Array.isArray(b?.L)) throw validation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append');
      return { L: [...a.L, ...b.L] };
    }
    case 'arith': {
      const a = evalOperand(o.a, env);
      const b = evalOperand(o.b, env);
      if (a?.N === undefined || b?.N === undefined) throw validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${o.op}`);
      const r = o.op === '+' ? Number(a.N) + Number(b.N) : Number(a.N) - Number(b.N);
      return { N: String(r) };
    }
  }
}

function evalCond(c: Cond, env: EvalEnv): boolean {
  switch (c.k) {
    case 'and':
      return evalCond(c.a, env) && evalCond(c.b, env);
    case 'or':
      return evalCond(c.a, env) || evalCond(c.b, env);
    case 'not':
      return !evalCond(c.a, env);
    case 'fn':
      return c.fn === 'attribute_exists' ? getPath(env.item, c.path) !== undefined : getPath(env.item, c.path) === undefined;
    case 'fn2': {
      const a = getPath(env.item, c.path);
      const b = evalOperand(c.b, env);
      if (!a || !b) return false;
      if (c.fn === 'begins_with') return typeof a.S === 'string' && typeof b.S === 'string' && a.S.startsWith(b.S);
      if (typeof a.S === 'string' && typeof b.S === 'string') return a.S.includes(b.S);
      if (Array.isArray(a.L)) return a.L.some((x) => avEquals(x as AttributeValue, b));
      if (Array.isArray(a.SS) && typeof b.S === 'string') return a.SS.includes(b.S);
      return false;
    }
    case 'between': {
      const a = evalOperand(c.a, env);
      const lo = avCompare(a, evalOperand(c.lo, env));
      const hi = avCompare(a, evalOperand(c.hi, env));
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case 'in': {
      const a = evalOperand(c.a, env);
      return c.list.some((o) => avEquals(a, evalOperand(o, env)));
    }
    case 'cmp': {
      const a = evalOperand(c.a, env);
      const b = evalOperand(c.b, env);
      if (c.op === '=') return avEquals(a, b);
      if (c.op === '<>') return !!a && !!b && !avEquals(a, b);
      const d = avCompare(a, b);
      if (d === undefined) return false;
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
    }
  }
}

type UpdateAction = { k: 'set'; path: PathSeg[]; value: Operand } | { k: 'remove'; path: PathSeg[] };

function parseUpdate(p: Parser): UpdateAction[] {
  const actions: UpdateAction[] = [];
  const seen = new Set<string>();
  const parser = p;
  while (!p.done()) {
    const word = parser.peek()!;
    const clause = word.t === 'word' ? word.v.toUpperCase() : '';
    if (clause === 'ADD' || clause === 'DELETE') throw validation(`Invalid UpdateExpression: ${clause} is not supported by the simulator; use SET`);
    if (clause !== 'SET' && clause !== 'REMOVE') throw validation(`Invalid UpdateExpression: Syntax error; token: "${word.v}"`);
    if (seen.has(clause)) throw validation(`Invalid UpdateExpression: The "${clause}" section can only be used once in an update expression;`);
    seen.add(clause);
    parser.i++;
    for (;;) {
      const path = p.path();
      if (clause === 'SET') {
        parser.expectOp('=');
        actions.push({ k: 'set', path, value: p.setValue() });
      } else actions.push({ k: 'remove', path });
      const t = parser.peek();
      if (t?.t === 'op' && t.v === ',') {
        parser.i++;
        continue;
      }
      break;
    }
  }
  return actions;
}

interface Expressions {
  condition?: Cond;
  key?: Cond;
  filter?: Cond;
  update?: UpdateAction[];
  projection?: PathSeg[][];
  values: Record<string, AttributeValue>;
}

/** Parse the request's expressions and check placeholders like DynamoDB does. */
function parseExpressions(input: Record<string, unknown>, which: { update?: boolean; query?: boolean }): Expressions {
  if (input.Expected !== undefined || input.AttributeUpdates !== undefined) throw validation('Legacy parameters (Expected, AttributeUpdates) are not supported by the simulator; use expressions');
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const used = { names: new Set<string>(), values: new Set<string>() };
  const out: Expressions = { values };
  if (typeof input.ConditionExpression === 'string') {
    const p = new Parser(input.ConditionExpression, names, used);
    out.condition = p.condition();
    p.expectEnd();
  }
  if (which.query) {
    if (input.KeyConditions !== undefined || input.QueryFilter !== undefined) throw validation('Legacy parameters (KeyConditions, QueryFilter) are not supported by the simulator; use KeyConditionExpression');
    const p = new Parser(requireString(input, 'KeyConditionExpression', validation), names, used);
    out.key = p.condition();
    p.expectEnd();
    if (typeof input.FilterExpression === 'string') {
      const f = new Parser(input.FilterExpression, names, used);
      out.filter = f.condition();
      f.expectEnd();
    }
  }
  if (which.update) {
    const expr = requireString(input, 'UpdateExpression', validation);
    out.update = parseUpdate(new Parser(expr, names, used));
  }
  if (typeof input.ProjectionExpression === 'string') {
    const p = new Parser(input.ProjectionExpression, names, used);
    const paths = [p.path()];
    while (!p.done()) {
      p.expectOp(',');
      paths.push(p.path());
    }
    out.projection = paths;
  }
  const unusedNames = Object.keys(names).filter((n) => !used.names.has(n));
  if (unusedNames.length > 0) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
  const unusedValues = Object.keys(values).filter((v) => !used.values.has(v));
  if (unusedValues.length > 0) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  for (const v of used.values) if (values[v] === undefined) throw validation(`Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${v}`);
  return out;
}

function checkCondition(exprs: Expressions, item: Item | undefined, input: Record<string, unknown>): void {
  if (exprs.condition && !evalCond(exprs.condition, { item, values: exprs.values })) {
    throw conditionFailed(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? item : undefined);
  }
}

function checkSize(item: Item): void {
  if (Buffer.byteLength(JSON.stringify(item)) > MAX_ITEM_BYTES) throw validation('Item size has exceeded the maximum allowed size');
}

/**
 * Size of an item as DynamoDB counts it for capacity: per attribute, the UTF-8 length of its name
 * plus its value (strings by UTF-8 length, numbers about one byte per two significant digits plus
 * one, binary by length, booleans and null one byte, lists and maps 3 bytes plus their elements).
 */
export function itemBytes(item: Item): number {
  let n = 0;
  for (const [name, value] of Object.entries(item)) n += Buffer.byteLength(name) + valueBytes(value);
  return n;
}

function valueBytes(v: AttributeValue): number {
  if (typeof v.S === 'string') return Buffer.byteLength(v.S);
  if (typeof v.N === 'string') return Math.ceil(v.N.replace(/[^0-9]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (typeof v.B === 'string') return Buffer.from(v.B, 'base64').length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (Array.isArray(v.SS)) return v.SS.reduce((n: number, x: string) => n + Buffer.byteLength(x), 0);
  if (Array.isArray(v.NS)) return v.NS.reduce((n: number, x: string) => n + valueBytes({ N: x }), 0);
  if (Array.isArray(v.L)) return 3 + v.L.reduce((n: number, x: AttributeValue) => n + 1 + valueBytes(x), 0);
  if (v.M && typeof v.M === 'object') return 3 + Object.entries(v.M as Item).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k) + valueBytes(x), 0);
  return Buffer.byteLength(JSON.stringify(v));
}

/** Read units of `bytes` read in one request: started 4 KB blocks, halved when eventually consistent (at least one block). */
function readUnits(bytes: number, consistent: boolean): number {
  const blocks = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? blocks : blocks / 2;
}

/** Write units of one item written or deleted: started 1 KB blocks (at least one). */
function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** What a key condition pins: the partition key's value placeholder (`=`, required) and the sort key condition (optional). */
function keyConditionParts(table: Table, key: Cond): { pkRef: string; sortCond?: Cond } {
  const isPath = (o: Operand, attr: string | undefined): boolean => o.k === 'path' && o.path.length === 1 && o.path[0] === attr;
  const pkRefOf = (c: Cond): string | undefined => (c.k === 'cmp' && c.op === '=' && isPath(c.a, table.partitionKey) && c.b.k === 'value' ? c.b.ref : undefined);
  const sortOk = (c: Cond): boolean =>
    (c.k === 'cmp' && c.op !== '<>' && isPath(c.a, table.sortKey) && c.b.k === 'value') ||
    (c.k === 'between' && isPath(c.a, table.sortKey)) ||
    (c.k === 'fn2' && c.fn === 'begins_with' && c.path.length === 1 && c.path[0] === table.sortKey);
  if (key.k === 'and') {
    const [pkRef, sortCond] = pkRefOf(key.a) ? [pkRefOf(key.a), key.b] : [pkRefOf(key.b), key.a];
    if (!pkRef) throw validation(`Query condition missed key schema element: ${table.partitionKey}`);
    if (!sortOk(sortCond)) throw validation('Query key condition not supported');
    return { pkRef, sortCond };
  }
  const pkRef = pkRefOf(key);
  if (!pkRef) throw validation(`Query condition missed key schema element: ${table.partitionKey}`);
  return { pkRef };
}

/** Orders the items of one partition by sort key (numbers numerically, strings and binary by bytes). */
function bySortKey(table: Table): (a: Item, b: Item) => number {
  const sk = table.sortKey;
  return (a, b) => {
    if (!sk) return 0;
    const x = a[sk];
    const y = b[sk];
    if (x?.N !== undefined && y?.N !== undefined) return Number(x.N) - Number(y.N);
    return Buffer.compare(Buffer.from(String(x?.S ?? x?.B ?? '')), Buffer.from(String(y?.S ?? y?.B ?? '')));
  };
}

function keyAttributes(table: Table, item: Item): Item {
  const out: Item = { [table.partitionKey]: item[table.partitionKey] };
  if (table.sortKey) out[table.sortKey] = item[table.sortKey];
  return out;
}

/** DynamoDB operations (AWS JSON 1.0, `DynamoDB_20120810.<Op>`). */
export function dynamoDbOperations(model: DynamoDbModel): OperationTable {
  const tableOf = (region: string, input: Record<string, unknown>) => model.table(region, requireString(input, 'TableName', validation));
  return {
    CreateTable: ({ region }, input) => {
      const name = requireString(input, 'TableName', validation);
      const schema = (input.KeySchema ?? []) as { AttributeName: string; KeyType: string }[];
      const hash = schema.find((k) => k.KeyType === 'HASH');
      if (!hash) throw validation('KeySchema must have a HASH key');
      model.createTable({ region, name, partitionKey: hash.AttributeName, sortKey: schema.find((k) => k.KeyType === 'RANGE')?.AttributeName });
      return { TableDescription: describe(model, model.table(region, name)) };
    },
    DescribeTable: ({ region }, input) => ({ Table: describe(model, tableOf(region, input)) }),
    PutItem: ({ region }, input) => {
      const table = tableOf(region, input);
      const item = input.Item as Item | undefined;
      if (!item || typeof item !== 'object') throw validation('Item is required');
      const key = keyOf(table, item, false);
      const exprs = parseExpressions(input, {});
      const old = table.items.get(key);
      checkCondition(exprs, old, input);
      checkSize(item);
      table.items.set(key, structuredClone(item));
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    },
    GetItem: ({ region }, input) => {
      const table = tableOf(region, input);
      const key = keyOf(table, (input.Key ?? {}) as Item, true);
      const exprs = parseExpressions(input, {});
      const item = table.items.get(key);
      if (!item) return {};
      if (!exprs.projection) return { Item: item };
      const projected: Item = {};
      for (const path of exprs.projection) {
        const v = getPath(item, path);
        if (v !== undefined && typeof path[0] === 'string') projected[path[0]] = path.length === 1 ? v : item[path[0]];
      }
      return { Item: projected };
    },
    UpdateItem: ({ region }, input) => {
      const table = tableOf(region, input);
      const keyItem = (input.Key ?? {}) as Item;
      const key = keyOf(table, keyItem, true);
      const exprs = parseExpressions(input, { update: true });
      const old = table.items.get(key);
      checkCondition(exprs, old, input);
      const next: Item = structuredClone(old ?? keyItem);
      const env = { item: old ?? structuredClone(keyItem), values: exprs.values };
      const touched = new Set<string>();
      for (const action of exprs.update!) {
        const top = String(action.path[0]);
        if (top === table.partitionKey || top === table.sortKey) throw validation(`One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`);
        touched.add(top);
        // Right-hand sides read the item as it was before this update (DynamoDB semantics).
        setPath(next, action.path, action.k === 'set' ? structuredClone(evalOperand(action.value, env)) : undefined);
      }
      checkSize(next);
      table.items.set(key, next);
      switch (input.ReturnValues) {
        case 'ALL_NEW':
          return { Attributes: next };
        case 'ALL_OLD':
          return old ? { Attributes: old } : {};
        case 'UPDATED_NEW':
          return { Attributes: Object.fromEntries([...touched].filter((k) => next[k] !== undefined).map((k) => [k, next[k]])) };
        case 'UPDATED_OLD':
          return old ? { Attributes: Object.fromEntries([...touched].filter((k) => old[k] !== undefined).map((k) => [k, old[k]])) } : {};
        default:
          return {};
      }
    },
    Query: ({ region, now }, input) => {
      const table = tableOf(region, input);
      if (input.IndexName !== undefined) throw validation('Secondary indexes are not simulated');
      const exprs = parseExpressions(input, { query: true });
      const { pkRef, sortCond } = keyConditionParts(table, exprs.key!);
      const pkValue = exprs.values[pkRef];
      if (!pkValue) throw validation('Invalid KeyConditionExpression: An expression attribute value used in expression is not defined');
      const limit = input.Limit === undefined ? Infinity : Number(input.Limit);
      if (!Number.isInteger(limit) && limit !== Infinity) throw validation('Limit must be an integer');
      if (limit < 1) throw validation('1 validation error detected: Value at \'limit\' failed to satisfy constraint: Member must have value greater than or equal to 1');
      const forward = input.ScanIndexForward !== false;
      const consistent = input.ConsistentRead === true;
      const order = bySortKey(table);
      let matching = [...table.items.values()].filter((i) => avEquals(i[table.partitionKey], pkValue) && (!sortCond || evalCond(sortCond, { item: i, values: exprs.values })));
      matching.sort(order);
      if (!forward) matching.reverse();
      const start = input.ExclusiveStartKey as Item | undefined;
      if (start) {
        keyOf(table, start, true);
        const after = matching.findIndex((i) => {
          const d = order(i, start);
          return forward ? d > 0 : d < 0;
        });
        matching = after < 0 ? [] : matching.slice(after);
      }
      const items: Item[] = [];
      let bytes = 0;
      let evaluated = 0;
      let stoppedEarly = false;
      for (const item of matching) {
        const size = itemBytes(item);
        if (evaluated >= limit || (evaluated > 0 && bytes + size > MAX_QUERY_PAGE_BYTES)) {
          stoppedEarly = true;
          break;
        }
        evaluated++;
        bytes += size;
        if (!exprs.filter || evalCond(exprs.filter, { item, values: exprs.values })) items.push(structuredClone(item));
      }
      if (!stoppedEarly && evaluated >= limit && evaluated < matching.length) stoppedEarly = true;
      const units = readUnits(bytes, consistent);
      model.recordCapacity({ time: now, region, table: table.name, operation: 'Query', readUnits: units, writeUnits: 0 });
      const out: Record<string, unknown> = { Items: items, Count: items.length, ScannedCount: evaluated };
      if (stoppedEarly && evaluated > 0) out.LastEvaluatedKey = keyAttributes(table, matching[evaluated - 1]);
      if (input.ReturnConsumedCapacity === 'TOTAL' || input.ReturnConsumedCapacity === 'INDEXES') {
        out.ConsumedCapacity = { TableName: table.name, CapacityUnits: units, ReadCapacityUnits: units };
      }
      return out;
    },
    BatchWriteItem: ({ region, now }, input) => {
      const requestItems = (input.RequestItems ?? {}) as Record<string, Record<string, { Item?: Item; Key?: Item }>[]>;
      const all = Object.entries(requestItems);
      const count = all.reduce((n, [, reqs]) => n + (Array.isArray(reqs) ? reqs.length : 0), 0);
      if (count === 0) throw validation('1 validation error detected: Value at \'requestItems\' failed to satisfy constraint: Member must have length greater than or equal to 1');
      if (count > MAX_BATCH_WRITE_REQUESTS) throw validation(`Too many items requested for the BatchWriteItem call (${count}; at most ${MAX_BATCH_WRITE_REQUESTS})`);
      // Validate everything before writing anything (the call is all-or-nothing on validation).
      const planned = all.map(([name, reqs]) => {
        const table = model.table(region, name);
        const seen = new Set<string>();
        const ops = reqs.map((r) => {
          const put = r.PutRequest as { Item?: Item } | undefined;
          const del = r.DeleteRequest as { Key?: Item } | undefined;
          if ((put ? 1 : 0) + (del ? 1 : 0) !== 1) throw validation('Each WriteRequest must have exactly one of PutRequest or DeleteRequest');
          const source = put ? put.Item : del!.Key;
          if (!source || typeof source !== 'object') throw validation(put ? 'PutRequest needs an Item' : 'DeleteRequest needs a Key');
          const key = keyOf(table, source, !put);
          if (seen.has(key)) throw validation('Provided list of item keys contains duplicates');
          seen.add(key);
          if (put) checkSize(source);
          return { key, put: put ? source : undefined, request: r };
        });
        return { table, ops };
      });
      const unprocessed: Record<string, unknown[]> = {};
      const consumed: { TableName: string; CapacityUnits: number; WriteCapacityUnits: number }[] = [];
      for (const { table, ops } of planned) {
        let units = 0;
        for (const op of ops) {
          if (model.unprocessed?.(table.name, op.request)) {
            (unprocessed[table.name] ??= []).push(op.request);
            continue;
          }
          if (op.put) {
            units += writeUnits(itemBytes(op.put));
            table.items.set(op.key, structuredClone(op.put));
          } else {
            const old = table.items.get(op.key);
            units += writeUnits(old ? itemBytes(old) : 0);
            table.items.delete(op.key);
          }
        }
        model.recordCapacity({ time: now, region, table: table.name, operation: 'BatchWriteItem', readUnits: 0, writeUnits: units });
        consumed.push({ TableName: table.name, CapacityUnits: units, WriteCapacityUnits: units });
      }
      return { UnprocessedItems: unprocessed, ...(input.ReturnConsumedCapacity === 'TOTAL' || input.ReturnConsumedCapacity === 'INDEXES' ? { ConsumedCapacity: consumed } : {}) };
    },
    DeleteItem: ({ region }, input) => {
      const table = tableOf(region, input);
      const key = keyOf(table, (input.Key ?? {}) as Item, true);
      const exprs = parseExpressions(input, {});
      const old = table.items.get(key);
      checkCondition(exprs, old, input);
      table.items.delete(key);
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    },
  };
}

function describe(model: DynamoDbModel, t: Table): Record<string, unknown> {
  return {
    TableName: t.name,
    TableArn: model.tableArn(t),
    TableStatus: 'ACTIVE',
    CreationDateTime: toEpochSeconds(t.createdAt),
    ItemCount: t.items.size,
    KeySchema: [{ AttributeName: t.partitionKey, KeyType: 'HASH' }, ...(t.sortKey ? [{ AttributeName: t.sortKey, KeyType: 'RANGE' }] : [])],
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
  };
}
