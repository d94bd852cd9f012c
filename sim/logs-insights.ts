/**
 * The subset of the CloudWatch Logs Insights query language (Logs Insights QL) the dashboard's
 * `log` widgets use, evaluated locally over captured log events (runner/runner.ts
 * CapturedLogEvent), so the runner and the demo show what CloudWatch would show for the same
 * query. Parsed strictly: anything outside the subset is refused with a LogsInsightsError naming
 * what and where (1-based character position in the query), never approximated or ignored.
 *
 * AWS documentation relied on (public):
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html (commands, `|`, `#` comments)
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Sort.html (natural sort order)
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Dedup.html (dedup rules)
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Stats.html (stats, multiple stats)
 * - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html (JSON fields)
 *
 * Query := ('SOURCE' string '|')+ command ('|' command)*
 *   fields  item (',' item)*            item := value-expr ['as' name]
 *   display name (',' name)*
 *   filter  bool-expr
 *   stats   agg ['as' name] (',' agg ['as' name])* ['by' name (',' name)*]
 *           agg := count(*) | count|count_distinct|sum|avg|min|max|latest|earliest '(' name ')'
 *   sort    name ('asc'|'desc') (',' name ('asc'|'desc'))*
 *   dedup   name (',' name)*             (only `limit` may follow)
 *   limit   integer 1..10000
 * bool-expr  := or ; or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | cmp
 * cmp        := value [('='|'!='|'<'|'<='|'>'|'>=') value | ['not'] 'in' '[' literal, ... ']'
 *                     | 'like' (/regex/ | string) | '=~' /regex/]
 * value-expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ; unary := '-' unary | primary
 * primary    := number | string | true | false | name | ispresent|isempty|isblank '(' name ')' | '(' bool-expr ')'
 * name       := [A-Za-z_@][A-Za-z0-9_.@]* | `any text`
 *
 * Semantics (AWS's where documented; choices of this evaluator marked "Choice"):
 * - Only events of the SOURCE log groups with startMs <= timestamp <= endMs are scanned.
 * - A message that is a JSON object gives one field per leaf, nested keys joined with `.`, array
 *   elements by index (`a.0`). Built-ins `@timestamp` (epoch ms), `@message`, `@log` win over JSON
 *   keys of the same name. Choice: a JSON `null` is an absent field.
 * - Comparisons (=, !=, <, ..., in, like, =~) with an absent field are unknown, and a filter keeps
 *   only events whose condition is true (three-valued logic: `not unknown` is unknown, so
 *   `f != "x"` and `not (f = "x")` both drop events without f) – Logs Insights leaves events
 *   lacking the field out of comparisons. Numbers compare numerically (a numeric string against a
 *   number too), everything else as strings.
 * - Output order without `sort`: @timestamp descending (ties: the later event in input order first).
 *   Choice: stats groups appear in the order their first row arrives.
 * - `sort` follows the documented natural order (ascending: non-number values before number
 *   values; within text, digit runs compare by length then value, other runs by Unicode);
 *   `desc` reverses it; absent values last in both directions. The direction is required: the
 *   sort page documents no default, so the evaluator refuses to guess.
 * - `latest(f)` / `earliest(f)`: f of the event with the latest / earliest @timestamp in the
 *   group (ties: the later event in input order is the later); null when that event lacks f.
 * - The second stats may only use count, count_distinct, sum, avg, min, max (Logs Insights' rules
 *   for multiple stats). Choice: a third stats is refused (not verified against the service).
 * - Choice: `not like` is refused (write `not (f like /x/)`); aggregation arguments are field names.
 * - Choice: `stats` over no rows without `by` gives no row (the console shows no data).
 * - Columns: default `@timestamp`, `@message`; `fields` commands replace the default with the
 *   union of their names in order; a `stats` resets the columns to its own (by fields, then
 *   aggregations); the last `display` overrides both. Absent values are null in a row.
 */

import { applyArithmetic, type BinaryOp } from './metric-math';

/** A log event as CloudWatch Logs holds it (the runner captures these: runner/runner.ts CapturedLogEvent). */
export interface LogEventInput {
  logGroup: string;
  timestamp: number;
  message: string;
}

/** A field value in a result row (null: the row has no value for the column). */
export type LogValue = string | number | boolean | null;

/** What a query returns. */
export interface LogsQueryResult {
  /** Output columns in order (as Logs Insights would list them). */
  fields: string[];
  rows: Record<string, LogValue>[];
  /** Events in the time range and log groups the query names (before filters). */
  recordsScanned: number;
  /** Bytes of those events' messages (what Logs Insights bills: $ per GB scanned). */
  bytesScanned: number;
  /** Events that passed the filters (before stats/dedup/limit). */
  recordsMatched: number;
}

/** A query outside the subset, malformed, or refused by Logs Insights' own rules. */
export class LogsInsightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogsInsightsError';
  }
}

/** Logs Insights returns at most this many rows when the query has no `limit` (and `limit` may not exceed it). */
export const DEFAULT_RESULT_LIMIT = 10_000;

/** StartQuery's maximum query string length. */
export const MAX_QUERY_LENGTH = 10_000;

/** Commands of the subset. */
export const SUPPORTED_COMMANDS = ['fields', 'display', 'filter', 'stats', 'sort', 'dedup', 'limit'] as const;

/** Logs Insights commands this evaluator refuses (named as such in the error). */
const UNSUPPORTED_COMMANDS = ['parse', 'unnest', 'pattern', 'diff', 'anomaly', 'filterIndex', 'lookup', 'join', 'unmask', 'addtotals', 'fillnull', 'dropnull'];

const AGGREGATIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'latest', 'earliest'] as const;
type AggFn = (typeof AGGREGATIONS)[number];
/** Functions the second stats of a query may use (Logs Insights' rules for multiple stats). */
const SECOND_STATS_AGGREGATIONS: readonly AggFn[] = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'];
const MAX_STATS_COMMANDS = 2;

const PREDICATES = ['ispresent', 'isempty', 'isblank'] as const;
type Predicate = (typeof PREDICATES)[number];

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'as', 'by', 'asc', 'desc', 'true', 'false']);
const DEFAULT_COLUMNS = ['@timestamp', '@message'];

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { type: 'name'; text: string; quoted: boolean; pos: number }
  | { type: 'number'; value: number; text: string; pos: number }
  | { type: 'string'; value: string; text: string; pos: number }
  | { type: 'regex'; regex: RegExp; text: string; pos: number }
  | { type: 'op'; text: string; pos: number }
  | { type: 'end'; text: ''; pos: number }
  /** Where tokenizing failed: raised when the parser reaches it (so `bin(5m)` reports bin). */
  | { type: 'bad'; text: string; pos: number; message: string };

const fail = (message: string): never => {
  throw new LogsInsightsError(message);
};
const at = (pos: number) => `at position ${pos + 1}`;

function describe(t: Token): string {
  return t.type === 'end' ? 'the end of the query' : `"${t.text}" ${at(t.pos)}`;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '/': '/' };

function readString(src: string, start: number): Token {
  const quote = src[start];
  let value = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === quote) return { type: 'string', value, text: src.slice(start, i + 1), pos: start };
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined || !(e in ESCAPES)) fail(`Unsupported escape "\\${e ?? ''}" in a string ${at(i)} (supported: \\n \\t \\r \\\\ \\" \\' \\/).`);
      value += ESCAPES[e];
      i++;
      continue;
    }
    value += c;
  }
  return fail(`Unterminated string starting ${at(start)}.`);
}

function readBackquoted(src: string, start: number): Token {
  const end = src.indexOf('`', start + 1);
  if (end < 0) fail(`Unterminated backquoted field name starting ${at(start)}.`);
  const text = src.slice(start + 1, end);
  if (text === '') fail(`Empty backquoted field name ${at(start)}.`);
  return { type: 'name', text, quoted: true, pos: start };
}

/** `/regex/`; a leading `(?i)` (Logs Insights' case-insensitive marker) becomes the `i` flag. */
function readRegex(src: string, start: number): Token {
  let i = start + 1;
  while (i < src.length && src[i] !== '/') i += src[i] === '\\' ? 2 : 1;
  if (i >= src.length) fail(`Unterminated regular expression starting ${at(start)}.`);
  const text = src.slice(start, i + 1);
  if (/[A-Za-z0-9_]/.test(src[i + 1] ?? '')) fail(`Unsupported regular expression flags after ${text} ${at(i + 1)} (use a leading (?i) for case-insensitive matching).`);
  let body = src.slice(start + 1, i);
  let flags = '';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags = 'i';
  }
  try {
    return { type: 'regex', regex: new RegExp(body, flags), text, pos: start };
  } catch (e) {
    return fail(`Invalid regular expression ${text} ${at(start)}: ${(e as Error).message}.`);
  }
}

const OPERATORS = ['!=', '<=', '>=', '=~', '|', ',', '(', ')', '[', ']', '=', '<', '>', '+', '-', '*', '/'];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  try {
    lex(src, tokens);
  } catch (e) {
    if (!(e instanceof LogsInsightsError)) throw e;
    const pos = tokens.length > 0 ? tokens[tokens.length - 1].pos + 1 : 0;
    tokens.push({ type: 'bad', text: '', pos, message: e.message });
    return tokens;
  }
  tokens.push({ type: 'end', text: '', pos: src.length });
  return tokens;
}

function lex(src: string, tokens: Token[]): void {
  let i = 0;
  const regexAllowed = () => {
    const prev = tokens[tokens.length - 1];
    return prev !== undefined && ((prev.type === 'name' && !prev.quoted && prev.text === 'like') || (prev.type === 'op' && prev.text === '=~'));
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    let t: Token | undefined;
    const rest = src.slice(i);
    const num = /^\d+(?:\.\d+)?/.exec(rest);
    const name = /^[A-Za-z_@][A-Za-z0-9_.@]*/.exec(rest);
    if (c === '"' || c === "'") t = readString(src, i);
    else if (c === '`') t = readBackquoted(src, i);
    else if (c === '/' && regexAllowed()) t = readRegex(src, i);
    else if (num) {
      if (/[A-Za-z_.@]/.test(src[i + num[0].length] ?? '')) fail(`Malformed number "${src.slice(i, i + num[0].length + 1)}" ${at(i)}.`);
      t = { type: 'number', value: Number(num[0]), text: num[0], pos: i };
    } else if (name) t = { type: 'name', text: name[0], quoted: false, pos: i };
    else {
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op) fail(`Unsupported character "${c}" ${at(i)}.`);
      t = { type: 'op', text: op as string, pos: i };
    }
    tokens.push(t);
    i = t.type === 'name' && t.quoted ? i + t.text.length + 2 : i + t.text.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
type ArithOp = BinaryOp;

/** An expression of `fields` or `filter`. */
export type Expr =
  | { kind: 'field'; name: string }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'arith'; op: ArithOp; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'in'; operand: Expr; values: (string | number | boolean)[]; negated: boolean }
  | { kind: 'match'; operand: Expr; pattern: RegExp | string }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'predicate'; fn: Predicate; field: string };

/** One aggregation of a stats command; `name` is its output column. */
export interface Aggregation {
  fn: AggFn;
  /** The field, or `*` for count(*). */
  field: string;
  name: string;
}

/** One command after the SOURCE commands. */
export type Command =
  | { kind: 'fields'; items: { name: string; expr: Expr }[]; pos: number }
  | { kind: 'display'; names: string[]; pos: number }
  | { kind: 'filter'; expr: Expr; pos: number }
  | { kind: 'stats'; aggregations: Aggregation[]; by: string[]; pos: number }
  | { kind: 'sort'; keys: { name: string; desc: boolean }[]; pos: number }
  | { kind: 'dedup'; names: string[]; pos: number }
  | { kind: 'limit'; count: number; pos: number };

/** A parsed query: the log groups it reads and its commands in order. */
export interface ParsedQuery {
  sources: string[];
  commands: Command[];
}

const BOOLEAN_KINDS = new Set<Expr['kind']>(['compare', 'in', 'match', 'and', 'or', 'not', 'predicate']);
const isBoolean = (e: Expr) => BOOLEAN_KINDS.has(e.kind) || (e.kind === 'literal' && typeof e.value === 'boolean');

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  private k = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  peek(): Token {
    const t = this.tokens[this.k];
    if (t.type === 'bad') fail(t.message);
    return t;
  }
  next(): Token {
    const t = this.peek();
    this.k++;
    return t;
  }
  /** The token after the next one (undefined past a tokenizing error). */
  peek2(): Token | undefined {
    const t = this.tokens[this.k + 1];
    return t?.type === 'bad' ? undefined : t;
  }
  isOp(text: string, t: Token = this.peek()): boolean {
    return t.type === 'op' && t.text === text;
  }
  isKw(word: string, t: Token = this.peek()): boolean {
    return t.type === 'name' && !t.quoted && t.text === word;
  }
  expectOp(text: string, context: string): Token {
    const t = this.next();
    if (!this.isOp(text, t)) fail(`Expected "${text}" ${context}, found ${describe(t)}.`);
    return t;
  }
  /** The source text from position `start` up to the next token. */
  textFrom(start: number): string {
    return this.src.slice(start, this.peek().pos).trim();
  }

  fieldName(context: string): string {
    const t = this.next();
    if (t.type !== 'name' || (!t.quoted && KEYWORDS.has(t.text))) return fail(`Expected a field name ${context}, found ${describe(t)}.`);
    if (this.isOp('(')) fail(`Unsupported function ${t.text}() ${at(t.pos)} ${context} (only field names are allowed there).`);
    return t.text;
  }
  nameList(context: string): string[] {
    const names = [this.fieldName(context)];
    while (this.isOp(',')) {
      this.next();
      names.push(this.fieldName(context));
    }
    return names;
  }
  alias(): string | undefined {
    if (!this.isKw('as')) return undefined;
    this.next();
    return this.fieldName('after "as"');
  }

  // Expressions ------------------------------------------------------------------------------
  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKw('or')) {
      const t = this.next();
      left = { kind: 'or', left: this.bool(left, t), right: this.bool(this.parseAnd(), t) };
    }
    return left;
  }
  parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw('and')) {
      const t = this.next();
      left = { kind: 'and', left: this.bool(left, t), right: this.bool(this.parseNot(), t) };
    }
    return left;
  }
  parseNot(): Expr {
    if (!this.isKw('not')) return this.parseComparison();
    const t = this.next();
    return { kind: 'not', operand: this.bool(this.parseNot(), t) };
  }
  private bool(e: Expr, op: Token): Expr {
    if (!isBoolean(e)) fail(`The operand of "${op.text}" ${at(op.pos)} must be a condition (a comparison, in, like, =~ or ispresent/isempty/isblank).`);
    return e;
  }
  private value(e: Expr, op: Token): Expr {
    if (isBoolean(e)) fail(`The operand of "${op.text}" ${at(op.pos)} must be a value, not a condition.`);
    return e;
  }
  parseComparison(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.type === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      return { kind: 'compare', op: t.text as CompareOp, left: this.value(left, t), right: this.value(this.parseAdditive(), t) };
    }
    if (this.isOp('=~') || this.isKw('like')) {
      this.next();
      const p = this.next();
      if (p.type === 'regex') return { kind: 'match', operand: this.value(left, t), pattern: p.regex };
      if (p.type === 'string' && t.text === 'like') return { kind: 'match', operand: this.value(left, t), pattern: p.value };
      return fail(`"${t.text}" ${at(t.pos)} takes ${t.text === 'like' ? 'a /regex/ or a string' : 'a /regex/'}, found ${describe(p)}.`);
    }
    if (this.isKw('in')) {
      this.next();
      return { kind: 'in', operand: this.value(left, t), values: this.literalList(t), negated: false };
    }
    const after = this.peek2();
    if (this.isKw('not') && after && this.isKw('in', after)) {
      this.next();
      this.next();
      return { kind: 'in', operand: this.value(left, t), values: this.literalList(t), negated: true };
    }
    if (this.isKw('not')) fail(`Unsupported "not ${after?.text ?? ''}" ${at(t.pos)} (only "not in" follows a value; write "not (f like /x/)").`);
    return left;
  }
  private literalList(op: Token): (string | number | boolean)[] {
    this.expectOp('[', `after "in" ${at(op.pos)}`);
    const values: (string | number | boolean)[] = [];
    for (;;) {
      values.push(this.literal());
      if (this.isOp(']')) break;
      this.expectOp(',', 'between the values of an "in" list');
    }
    this.next();
    return values;
  }
  private literal(): string | number | boolean {
    const t = this.next();
    if (t.type === 'string' || t.type === 'number') return t.value;
    if (this.isKw('true', t) || this.isKw('false', t)) return t.text === 'true';
    if (this.isOp('-', t) && this.peek().type === 'number') return -(this.next() as { value: number }).value;
    return fail(`Expected a literal (string, number, true or false) in the "in" list, found ${describe(t)}.`);
  }
  parseAdditive(): Expr {
    let left = this.parseTerm();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { kind: 'arith', op: t.text as ArithOp, left: this.value(left, t), right: this.value(this.parseTerm(), t) };
    }
    return left;
  }
  parseTerm(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/')) {
      const t = this.next();
      left = { kind: 'arith', op: t.text as ArithOp, left: this.value(left, t), right: this.value(this.parseUnary(), t) };
    }
    return left;
  }
  parseUnary(): Expr {
    if (!this.isOp('-')) return this.parsePrimary();
    const t = this.next();
    return { kind: 'negate', operand: this.value(this.parseUnary(), t) };
  }
  parsePrimary(): Expr {
    const t = this.next();
    if (t.type === 'number' || t.type === 'string') return { kind: 'literal', value: t.value };
    if (this.isOp('(', t)) {
      const inner = this.parseOr();
      this.expectOp(')', `to close the "(" ${at(t.pos)}`);
      return inner;
    }
    if (t.type === 'name' && this.isOp('(')) return this.parseCall(t);
    if (this.isKw('true', t) || this.isKw('false', t)) return { kind: 'literal', value: t.text === 'true' };
    if (t.type === 'name' && (t.quoted || !KEYWORDS.has(t.text))) return { kind: 'field', name: t.text };
    if (t.type === 'end') return fail('The query ends where a value (field, literal, function or "(") was expected.');
    if (this.isOp('/', t)) return fail(`Unsupported "/" ${at(t.pos)} where a value was expected (a /regex/ is only allowed after like or =~).`);
    return fail(`Expected a value (field, literal, function or "("), found ${describe(t)}.`);
  }
  private parseCall(fn: Token): Expr {
    const lower = fn.text.toLowerCase();
    if (!(PREDICATES as readonly string[]).includes(lower)) {
      const where = (AGGREGATIONS as readonly string[]).includes(lower) ? ' outside stats' : '';
      fail(`Unsupported function ${fn.text}()${where} ${at(fn.pos)}; the evaluator supports ${PREDICATES.join(', ')} in expressions and ${AGGREGATIONS.join(', ')} in stats.`);
    }
    this.next(); // '('
    const field = this.fieldName(`as the argument of ${fn.text}`);
    this.expectOp(')', `after the argument of ${fn.text}`);
    return { kind: 'predicate', fn: lower as Predicate, field };
  }

  // Commands ---------------------------------------------------------------------------------
  parseCommand(): Command {
    const t = this.next();
    if (t.type !== 'name' || t.quoted) return fail(`Expected a command, found ${describe(t)}.`);
    const pos = t.pos;
    switch (t.text) {
      case 'fields':
        return { kind: 'fields', items: this.fieldItems(), pos };
      case 'display':
        return { kind: 'display', names: this.nameList('in display'), pos };
      case 'filter': {
        const expr = this.parseOr();
        if (!isBoolean(expr)) fail(`filter ${at(pos)} needs a condition (a comparison, in, like, =~ or ispresent/isempty/isblank), found "${this.textFrom(t.pos + 6)}".`);
        return { kind: 'filter', expr, pos };
      }
      case 'stats':
        return this.parseStats(pos);
      case 'sort':
        return { kind: 'sort', keys: this.sortKeys(), pos };
      case 'dedup':
        return { kind: 'dedup', names: this.nameList('in dedup'), pos };
      case 'limit':
        return { kind: 'limit', count: this.limitCount(), pos };
      case 'SOURCE':
        return fail(`SOURCE ${at(pos)} must come before every other command.`);
    }
    if (UNSUPPORTED_COMMANDS.includes(t.text)) fail(`Unsupported command "${t.text}" ${at(pos)}; the evaluator supports SOURCE, ${SUPPORTED_COMMANDS.join(', ')}.`);
    return fail(`Unknown command "${t.text}" ${at(pos)}; the evaluator supports SOURCE, ${SUPPORTED_COMMANDS.join(', ')}.`);
  }
  private fieldItems(): { name: string; expr: Expr }[] {
    const items: { name: string; expr: Expr }[] = [];
    do {
      if (items.length > 0) this.next(); // ','
      const start = this.peek();
      const expr = this.parseAdditive();
      const n = this.peek();
      const condition = (n.type === 'op' && ['=', '!=', '<', '<=', '>', '>=', '=~'].includes(n.text)) || ['like', 'in', 'not', 'and', 'or'].some((w) => this.isKw(w, n));
      if (isBoolean(expr) || condition) fail(`fields ${at(start.pos)} takes values, not conditions (found ${condition ? describe(n) : `"${this.textFrom(start.pos)}"`}).`);
      const written = expr.kind === 'field' ? expr.name : this.textFrom(start.pos);
      items.push({ expr, name: this.alias() ?? written });
    } while (this.isOp(','));
    return items;
  }
  private parseStats(pos: number): Command {
    const aggregations: Aggregation[] = [];
    do {
      if (aggregations.length > 0) this.next(); // ','
      aggregations.push(this.aggregation());
    } while (this.isOp(','));
    let by: string[] = [];
    if (this.isKw('by')) {
      this.next();
      by = this.nameList('in stats ... by');
    }
    return { kind: 'stats', aggregations, by, pos };
  }
  private aggregation(): Aggregation {
    const fn = this.next();
    if (fn.type !== 'name' || !this.isOp('(')) return fail(`Expected an aggregation function such as count(*) in stats, found ${describe(fn)}.`);
    const lower = fn.text.toLowerCase();
    if (!(AGGREGATIONS as readonly string[]).includes(lower)) {
      fail(`Unsupported aggregation function ${fn.text}() ${at(fn.pos)}; the evaluator supports ${AGGREGATIONS.join(', ')}.`);
    }
    this.next(); // '('
    let field: string;
    if (lower === 'count' && this.isOp('*')) {
      this.next();
      field = '*';
    } else field = this.fieldName(`as the argument of ${fn.text}() (a field name)`);
    const close = this.expectOp(')', `after the argument of ${fn.text}()`);
    const written = this.src.slice(fn.pos, close.pos + 1);
    return { fn: lower as AggFn, field, name: this.alias() ?? written };
  }
  private sortKeys(): { name: string; desc: boolean }[] {
    const keys: { name: string; desc: boolean }[] = [];
    do {
      if (keys.length > 0) this.next(); // ','
      const name = this.fieldName('in sort');
      const dir = this.peek();
      if (!this.isKw('asc', dir) && !this.isKw('desc', dir)) {
        fail(`sort needs "asc" or "desc" after ${name}, found ${describe(dir)} (the Logs Insights documentation gives no default order, so the evaluator requires it).`);
      }
      this.next();
      keys.push({ name, desc: dir.text === 'desc' });
    } while (this.isOp(','));
    return keys;
  }
  private limitCount(): number {
    const t = this.next();
    if (t.type !== 'number' || !Number.isInteger(t.value) || t.value < 1 || t.value > DEFAULT_RESULT_LIMIT) {
      return fail(`limit takes a whole number from 1 to ${DEFAULT_RESULT_LIMIT}, found ${describe(t)}.`);
    }
    return t.value;
  }
}

function validate(commands: Command[]): void {
  let stats = 0;
  let dedup: Command | undefined;
  for (const c of commands) {
    if (dedup && c.kind !== 'limit') fail(`Only limit may follow dedup (the dedup ${at(dedup.pos)}); found ${c.kind} ${at(c.pos)}.`);
    if (c.kind === 'dedup') dedup = c;
    if (c.kind !== 'stats') continue;
    stats++;
    if (stats > MAX_STATS_COMMANDS) fail(`A query may have at most ${MAX_STATS_COMMANDS} stats commands; the stats ${at(c.pos)} is one more.`);
    const bad = stats === 2 ? c.aggregations.find((a) => !SECOND_STATS_AGGREGATIONS.includes(a.fn)) : undefined;
    if (bad) fail(`${bad.fn}() is not allowed in the second stats command ${at(c.pos)} (allowed there: ${SECOND_STATS_AGGREGATIONS.join(', ')}).`);
  }
}

/** Parses a query of the subset; throws LogsInsightsError naming what is wrong and where. */
export function parseLogsInsightsQuery(query: string): ParsedQuery {
  if (query.length > MAX_QUERY_LENGTH) fail(`The query is ${query.length} characters long; at most ${MAX_QUERY_LENGTH} are allowed.`);
  const p = new Parser(query, tokenize(query));
  const sources: string[] = [];
  while (p.isKw('SOURCE')) {
    const kw = p.next();
    const name = p.next();
    if (name.type !== 'string') fail(`SOURCE ${at(kw.pos)} takes a quoted log group name, found ${describe(name)}.`);
    sources.push((name as { value: string }).value);
    p.expectOp('|', `after the SOURCE command ${at(kw.pos)} (a command must follow)`);
  }
  if (sources.length === 0) fail(`The query must start with SOURCE '<log group name>', found ${describe(p.peek())}.`);
  const commands: Command[] = [];
  for (;;) {
    if (p.peek().type === 'end') fail(`The query ends after "|" ${at(p.peek().pos - 1)}; a command must follow it.`);
    commands.push(p.parseCommand());
    const t = p.next();
    if (t.type === 'end') break;
    if (!p.isOp('|', t)) fail(`Unexpected ${describe(t)} (commands are separated by "|").`);
  }
  validate(commands);
  return { sources, commands };
}

/** Log groups named by the query's SOURCE commands (the whole query is parsed: an invalid one throws). */
export function sourcesOf(query: string): string[] {
  return parseLogsInsightsQuery(query).sources;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** One row: an event (ts = @timestamp, seq = index in the input) or a stats output row. */
interface Row {
  values: Map<string, LogValue>;
  ts: number;
  seq: number;
}
type Truth = boolean | null;

function flatten(value: unknown, prefix: string, out: Map<string, LogValue>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.set(prefix, value);
}

function eventRow(e: LogEventInput, seq: number): Row {
  const values = new Map<string, LogValue>();
  if (e.message.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(e.message);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) flatten(parsed, '', values);
    } catch {
      // not JSON: only the built-in fields
    }
  }
  values.set('@timestamp', e.timestamp);
  values.set('@message', e.message);
  values.set('@log', e.logGroup);
  return { values, ts: e.timestamp, seq };
}

/** A value, or undefined when absent (null counts as absent). */
function get(row: Row, name: string): string | number | boolean | undefined {
  return row.values.get(name) ?? undefined;
}

function toNumber(v: LogValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** Compares two present values: numerically when one is a number and the other is numeric, else as strings. */
function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  const an = toNumber(a);
  const bn = toNumber(b);
  if ((typeof a === 'number' || typeof b === 'number') && an !== undefined && bn !== undefined) return an - bn;
  const as = String(a);
  const bs = String(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

function applyCompare(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}


function evalValue(e: Expr, row: Row): string | number | boolean | undefined {
  switch (e.kind) {
    case 'field':
      return get(row, e.name);
    case 'literal':
      return e.value;
    case 'negate': {
      const n = toNumber(evalValue(e.operand, row));
      return n === undefined ? undefined : -n;
    }
    case 'arith': {
      const a = toNumber(evalValue(e.left, row));
      const b = toNumber(evalValue(e.right, row));
      return a === undefined || b === undefined ? undefined : applyArithmetic(e.op, a, b);
    }
    default: {
      const t = evalTruth(e, row);
      return t === null ? undefined : t;
    }
  }
}

function evalPredicate(fn: Predicate, v: string | number | boolean | undefined): boolean {
  if (fn === 'ispresent') return v !== undefined;
  if (fn === 'isempty') return v === undefined || v === '';
  return v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Three-valued: null when a comparison involves an absent value. */
function evalTruth(e: Expr, row: Row): Truth {
  switch (e.kind) {
    case 'compare': {
      const a = evalValue(e.left, row);
      const b = evalValue(e.right, row);
      return a === undefined || b === undefined ? null : applyCompare(e.op, compareValues(a, b));
    }
    case 'in': {
      const v = evalValue(e.operand, row);
      if (v === undefined) return null;
      return e.values.some((x) => compareValues(v, x) === 0) !== e.negated;
    }
    case 'match': {
      const v = evalValue(e.operand, row);
      if (v === undefined) return null;
      return typeof e.pattern === 'string' ? String(v).includes(e.pattern) : e.pattern.test(String(v));
    }
    case 'and': {
      const a = evalTruth(e.left, row);
      const b = evalTruth(e.right, row);
      return a === false || b === false ? false : a === null || b === null ? null : true;
    }
    case 'or': {
      const a = evalTruth(e.left, row);
      const b = evalTruth(e.right, row);
      return a === true || b === true ? true : a === null || b === null ? null : false;
    }
    case 'not': {
      const a = evalTruth(e.operand, row);
      return a === null ? null : !a;
    }
    case 'predicate':
      return evalPredicate(e.fn, get(row, e.field));
    case 'literal':
      return typeof e.value === 'boolean' ? e.value : null;
    default:
      return null;
  }
}

function applyFields(cmd: Extract<Command, { kind: 'fields' }>, rows: Row[]): void {
  for (const row of rows) {
    const computed = cmd.items.map((item) => evalValue(item.expr, row));
    cmd.items.forEach((item, i) => {
      const v = computed[i];
      if (v === undefined) row.values.delete(item.name);
      else row.values.set(item.name, v);
    });
  }
}

/** Natural order of the sort documentation, ascending, for two present values. */
export function naturalCompare(a: string | number | boolean, b: string | number | boolean): number {
  const an = toNumber(a);
  const bn = toNumber(b);
  if (an !== undefined && bn !== undefined) return an - bn || (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
  if (an !== undefined) return 1;
  if (bn !== undefined) return -1;
  const ac = String(a).match(/\d+|\D+/g) ?? [];
  const bc = String(b).match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ac.length, bc.length); i++) {
    const x = ac[i];
    const y = bc[i];
    if (/^\d/.test(x) && /^\d/.test(y) && x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return ac.length - bc.length;
}

function sortRows(rows: Row[], keys: { name: string; desc: boolean }[]): Row[] {
  return [...rows].sort((r1, r2) => {
    for (const key of keys) {
      const a = get(r1, key.name);
      const b = get(r2, key.name);
      if (a === undefined && b === undefined) continue;
      if (a === undefined) return 1; // absent values last, in both directions
      if (b === undefined) return -1;
      const c = naturalCompare(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  });
}

function dedupRows(rows: Row[], names: string[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const vals = names.map((n) => get(row, n));
    if (vals.some((v) => v === undefined)) return true; // nulls are never duplicates
    const key = JSON.stringify(vals.map((v) => [typeof v, v]));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const later = (a: Row, b: Row) => a.ts > b.ts || (a.ts === b.ts && a.seq > b.seq);

function minMax(values: (string | number | boolean)[], max: boolean): LogValue {
  if (values.length === 0) return null;
  const numeric = values.every((v) => toNumber(v) !== undefined);
  let best = values[0];
  for (const v of values.slice(1)) {
    const c = numeric ? (toNumber(v) as number) - (toNumber(best) as number) : String(v) < String(best) ? -1 : String(v) > String(best) ? 1 : 0;
    if (max ? c > 0 : c < 0) best = v;
  }
  return numeric ? (toNumber(best) as number) : best;
}

function aggregate(agg: Aggregation, rows: Row[]): LogValue {
  if (agg.fn === 'latest' || agg.fn === 'earliest') {
    const pick = rows.reduce((best, r) => ((agg.fn === 'latest' ? later(r, best) : later(best, r)) ? r : best));
    return pick.values.get(agg.field) ?? null;
  }
  if (agg.field === '*') return rows.length;
  const present = rows.map((r) => get(r, agg.field)).filter((v): v is string | number | boolean => v !== undefined);
  const numbers = present.map(toNumber).filter((n): n is number => n !== undefined);
  switch (agg.fn) {
    case 'count':
      return present.length;
    case 'count_distinct':
      return new Set(present.map((v) => `${typeof v}:${String(v)}`)).size;
    case 'sum':
      return numbers.length === 0 ? null : numbers.reduce((s, n) => s + n, 0);
    case 'avg':
      return numbers.length === 0 ? null : numbers.reduce((s, n) => s + n, 0) / numbers.length;
    case 'min':
      return minMax(present, false);
    default:
      return minMax(present, true);
  }
}

function runStats(cmd: Extract<Command, { kind: 'stats' }>, rows: Row[]): Row[] {
  const groups = new Map<string, { by: LogValue[]; rows: Row[] }>();
  for (const row of rows) {
    const by = cmd.by.map((n) => row.values.get(n) ?? null);
    const key = JSON.stringify(by.map((v) => [typeof v, v]));
    const g = groups.get(key) ?? { by, rows: [] };
    g.rows.push(row);
    groups.set(key, g);
  }
  return [...groups.values()].map((g, i) => {
    const values = new Map<string, LogValue>();
    cmd.by.forEach((n, j) => values.set(n, g.by[j]));
    for (const agg of cmd.aggregations) values.set(agg.name, aggregate(agg, g.rows));
    return { values, ts: Number.NaN, seq: i };
  });
}

const union = (a: string[], b: string[]) => [...a, ...b.filter((x) => !a.includes(x))];

/** Events before the first stats that pass every filter there (fields are applied, sort/dedup/limit ignored). */
function countMatched(commands: Command[], scanned: LogEventInput[]): number {
  let rows = scanned.map(eventRow);
  for (const cmd of commands) {
    if (cmd.kind === 'stats') break;
    if (cmd.kind === 'fields') applyFields(cmd, rows);
    if (cmd.kind === 'filter') rows = rows.filter((r) => evalTruth(cmd.expr, r) === true);
  }
  return rows.length;
}

/**
 * Runs a query of the subset over log events, as Logs Insights would over the same events in
 * [startMs, endMs] (inclusive). Throws LogsInsightsError when the query is outside the subset.
 */
export function runLogsInsightsQuery(query: string, events: readonly LogEventInput[], range: { startMs: number; endMs: number }): LogsQueryResult {
  const { sources, commands } = parseLogsInsightsQuery(query);
  const scannedWithSeq = events
    .map((e, seq) => ({ e, seq }))
    .filter(({ e }) => sources.includes(e.logGroup) && e.timestamp >= range.startMs && e.timestamp <= range.endMs);
  const scanned = scannedWithSeq.map(({ e }) => e);
  let rows = scannedWithSeq.map(({ e, seq }) => eventRow(e, seq)).sort((a, b) => (later(a, b) ? -1 : later(b, a) ? 1 : 0));
  let base = DEFAULT_COLUMNS;
  let selected: string[] | undefined;
  let displayed: string[] | undefined;
  for (const cmd of commands) {
    switch (cmd.kind) {
      case 'fields':
        applyFields(cmd, rows);
        selected = union(selected ?? [], cmd.items.map((i) => i.name));
        break;
      case 'display':
        displayed = cmd.names;
        break;
      case 'filter':
        rows = rows.filter((r) => evalTruth(cmd.expr, r) === true);
        break;
      case 'stats':
        rows = runStats(cmd, rows);
        base = [...cmd.by, ...cmd.aggregations.map((a) => a.name)];
        selected = undefined;
        displayed = undefined;
        break;
      case 'sort':
        rows = sortRows(rows, cmd.keys);
        break;
      case 'dedup':
        rows = dedupRows(rows, cmd.names);
        break;
      case 'limit':
        rows = rows.slice(0, cmd.count);
        break;
    }
  }
  const columns = displayed ?? selected ?? base;
  return {
    fields: columns,
    rows: rows.slice(0, DEFAULT_RESULT_LIMIT).map((r) => Object.fromEntries(columns.map((c) => [c, r.values.get(c) ?? null]))),
    recordsScanned: scanned.length,
    bytesScanned: scanned.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8'), 0),
    recordsMatched: countMatched(commands, scanned),
  };
}
