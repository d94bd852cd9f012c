/**
 * The metric math subset the simulator's GetMetricData evaluates (CloudWatch's "Metric math
 * syntax and functions"), parsed strictly: anything outside the subset is refused with a message
 * saying what and where, never approximated.
 *
 * Grammar (whitespace is free between tokens):
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | primary
 *   primary := number | id | '(' expr ')'
 *            | 'FILL' '(' expr ',' ['-'] number ')'
 *            | 'PERIOD' '(' id ')'
 *   number  := digits ['.' digits] | '.' digits        (no exponent)
 *   id      := [a-z][A-Za-z0-9_]*                       (a query Id of the same request)
 *
 * Where the subset stops (CloudWatch has all of these; the simulator refuses them): every other
 * function (METRICS, SUM, AVG, MIN, MAX, RATE, DIFF, IF, TIME_SERIES, SEARCH, ANOMALY_DETECTION_BAND, ...),
 * `^`, comparison and logical operators, strings, FILL's REPEAT / LINEAR modes and a series as
 * FILL's value, and arrays of time series.
 *
 * Semantics (those of CloudWatch where it defines them):
 * - a query Id is the time series of that query; a number or PERIOD(...) is a scalar;
 * - series ⊕ series is computed per timestamp: a timestamp missing in either operand is missing
 *   in the result (unless the operand was FILLed); scalar ⊕ series applies to every datapoint;
 * - division by zero gives no datapoint at that timestamp (scalar / 0 with no series involved
 *   is refused: it could never produce a datapoint);
 * - FILL(x, v) gives x's value where x has a datapoint and v at every other period of x over the
 *   requested range. Choice of the simulator: when x has no datapoint at all in the range, FILL
 *   still gives v at every period of the range (so an idle resource reads as 0 % utilization
 *   rather than as no data; on the real service graphs and alarms of a metric that never
 *   reported in the range may show no data instead – alarms should keep TreatMissingData).
 *   "Every period of the range" = the bucket starts CloudWatch would use for x's period that
 *   are not in the future and not past retention (see `bucketStarts` in sim/metrics.ts);
 * - PERIOD(m) is the period in seconds of the MetricStat query m (CloudWatch: "valid input is
 *   metrics, not the results of other expressions");
 * - the period of a series result is that of its series operand(s); with operands of different
 *   periods it is the largest (their timestamps only meet where both have buckets);
 * - an expression must produce a time series; a result that is only a scalar is refused.
 */

/** Parse or evaluation problem; GetMetricData turns it into the service's ValidationError. */
export class MetricMathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricMathError';
  }
}

export type BinaryOp = '+' | '-' | '*' | '/';

export type MathNode =
  | { kind: 'number'; value: number }
  | { kind: 'id'; id: string }
  | { kind: 'negate'; operand: MathNode }
  | { kind: 'binary'; op: BinaryOp; left: MathNode; right: MathNode }
  | { kind: 'fill'; series: MathNode; value: number }
  | { kind: 'period'; id: string };

/** Functions of the subset (CloudWatch function names are upper case). */
export const SUPPORTED_FUNCTIONS = ['FILL', 'PERIOD'] as const;

/** CloudWatch's own maximum length of MetricDataQuery.Expression. */
export const MAX_EXPRESSION_LENGTH = 2048;

const ID_PATTERN = /^[a-z][A-Za-z0-9_]*$/;

type Token =
  | { type: 'number'; value: number; text: string; pos: number }
  | { type: 'name'; text: string; pos: number }
  | { type: 'op'; text: '+' | '-' | '*' | '/' | '(' | ')' | ','; pos: number }
  | { type: 'end'; text: ''; pos: number }
  /** Where tokenizing failed: raised when the parser reaches it (so `SEARCH('…')` reports SEARCH). */
  | { type: 'bad'; text: string; pos: number; message: string };

function describe(t: Token): string {
  return t.type === 'end' ? 'the end of the expression' : `"${t.text}" at position ${t.pos + 1}`;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const num = /^(?:\d+(?:\.\d+)?|\.\d+)/.exec(src.slice(i));
    if (num) {
      const after = src[i + num[0].length];
      if (after !== undefined && /[A-Za-z0-9_.]/.test(after)) {
        const text = src.slice(i, i + num[0].length + 1);
        tokens.push({ type: 'bad', text, pos: i, message: `Malformed number "${text}" at position ${i + 1} (numbers are digits with an optional decimal part, no exponent).` });
        return tokens;
      }
      tokens.push({ type: 'number', value: Number(num[0]), text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      tokens.push({ type: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if ('+-*/(),'.includes(c)) {
      tokens.push({ type: 'op', text: c as '+', pos: i });
      i++;
      continue;
    }
    tokens.push({
      type: 'bad',
      text: c,
      pos: i,
      message: `Unsupported character "${c}" at position ${i + 1} (the simulator's metric math supports numbers, query ids, + - * /, parentheses, ${SUPPORTED_FUNCTIONS.join(' and ')}).`,
    });
    return tokens;
  }
  tokens.push({ type: 'end', text: '', pos: src.length });
  return tokens;
}

/** Parses one expression; throws MetricMathError naming the problem and its position. */
export function parseExpression(src: string): MathNode {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new MetricMathError(`The expression is ${src.length} characters long; at most ${MAX_EXPRESSION_LENGTH} are allowed.`);
  if (src.trim() === '') throw new MetricMathError('The expression is empty.');
  const tokens = tokenize(src);
  let k = 0;
  const peek = () => {
    const t = tokens[k];
    if (t.type === 'bad') throw new MetricMathError(t.message);
    return t;
  };
  const next = () => {
    const t = peek();
    k++;
    return t;
  };
  const isOp = (t: Token, text: string) => t.type === 'op' && t.text === text;
  const expect = (text: string, context: string) => {
    const t = next();
    if (!isOp(t, text)) throw new MetricMathError(`Expected "${text}" ${context}, found ${describe(t)}.`);
  };

  const parseExpr = (): MathNode => {
    let left = parseTerm();
    while (isOp(peek(), '+') || isOp(peek(), '-')) {
      const op = next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: parseTerm() };
    }
    return left;
  };
  const parseTerm = (): MathNode => {
    let left = parseUnary();
    while (isOp(peek(), '*') || isOp(peek(), '/')) {
      const op = next().text as BinaryOp;
      left = { kind: 'binary', op, left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): MathNode => {
    if (isOp(peek(), '-')) {
      next();
      return { kind: 'negate', operand: parseUnary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): MathNode => {
    const t = next();
    if (t.type === 'number') return { kind: 'number', value: t.value };
    if (isOp(t, '(')) {
      const inner = parseExpr();
      expect(')', `to close the "(" at position ${t.pos + 1}`);
      return inner;
    }
    if (t.type === 'name') {
      if (isOp(peek(), '(')) return parseCall(t);
      if (!ID_PATTERN.test(t.text)) {
        throw new MetricMathError(`"${t.text}" at position ${t.pos + 1} is neither a query id (ids start with a lower-case letter) nor a function call.`);
      }
      return { kind: 'id', id: t.text };
    }
    if (t.type === 'end') throw new MetricMathError('The expression ends where an operand (number, query id, function or "(") was expected.');
    throw new MetricMathError(`Expected an operand (number, query id, function or "("), found ${describe(t)}.`);
  };
  const parseCall = (fn: Token): MathNode => {
    if (!(SUPPORTED_FUNCTIONS as readonly string[]).includes(fn.text)) {
      throw new MetricMathError(`Unknown function ${fn.text} at position ${fn.pos + 1}; the simulator's metric math supports ${SUPPORTED_FUNCTIONS.join(', ')}.`);
    }
    next(); // '('
    if (fn.text === 'PERIOD') {
      const arg = next();
      if (arg.type !== 'name' || !ID_PATTERN.test(arg.text) || isOp(peek(), '(')) {
        throw new MetricMathError(`PERIOD takes the id of a metric query, found ${describe(arg)}.`);
      }
      expect(')', 'after the argument of PERIOD');
      return { kind: 'period', id: arg.text };
    }
    // FILL(series, number)
    const series = parseExpr();
    expect(',', 'after the first argument of FILL');
    let sign = 1;
    if (isOp(peek(), '-')) {
      next();
      sign = -1;
    }
    const value = next();
    if (value.type !== 'number') {
      const what = value.type === 'name' && (value.text === 'REPEAT' || value.text === 'LINEAR') ? ` (FILL's ${value.text} mode is not simulated)` : '';
      throw new MetricMathError(`FILL's second argument must be a number, found ${describe(value)}${what}.`);
    }
    expect(')', 'after the second argument of FILL');
    return { kind: 'fill', series, value: sign * value.value };
  };

  const root = parseExpr();
  const rest = peek();
  if (rest.type !== 'end') {
    throw new MetricMathError(`Unexpected ${describe(rest)}${rest.type === 'op' && rest.text === ')' ? ' (no matching "(")' : ' (an operator is missing before it)'}.`);
  }
  return root;
}

/** Query ids an expression uses as series (`m1` in `m1/2`) and in PERIOD(...). */
export function referencedIds(node: MathNode): { series: string[]; periods: string[] } {
  const series = new Set<string>();
  const periods = new Set<string>();
  const walk = (n: MathNode): void => {
    switch (n.kind) {
      case 'id':
        series.add(n.id);
        return;
      case 'period':
        periods.add(n.id);
        return;
      case 'negate':
        return walk(n.operand);
      case 'binary':
        walk(n.left);
        return walk(n.right);
      case 'fill':
        return walk(n.series);
      case 'number':
        return;
    }
  };
  walk(node);
  return { series: [...series], periods: [...periods] };
}

/** A time series: value by bucket start (epoch ms), and its period in seconds. */
export interface MathSeries {
  kind: 'series';
  periodSec: number;
  points: Map<number, number>;
}
export type MathValue = { kind: 'scalar'; value: number } | MathSeries;

/** What evaluation needs from the request. */
export interface MathContext {
  /** The series of a query id (a MetricStat's datapoints or another expression's result). */
  series(id: string): MathSeries;
  /** The period in seconds of a MetricStat query id (PERIOD). */
  periodOf(id: string): number;
  /** Bucket starts of the requested range for a period (FILL's grid), oldest first. */
  grid(periodSec: number): number[];
}

/** One arithmetic step; division by zero gives no value (CloudWatch drops the point; Logs Insights gives null). */
export function applyArithmetic(op: BinaryOp, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
  }
}

/** Evaluates a parsed expression (a scalar or a series). */
export function evaluate(node: MathNode, ctx: MathContext): MathValue {
  switch (node.kind) {
    case 'number':
      return { kind: 'scalar', value: node.value };
    case 'id':
      return ctx.series(node.id);
    case 'period':
      return { kind: 'scalar', value: ctx.periodOf(node.id) };
    case 'negate': {
      const v = evaluate(node.operand, ctx);
      if (v.kind === 'scalar') return { kind: 'scalar', value: -v.value };
      return { kind: 'series', periodSec: v.periodSec, points: new Map([...v.points].map(([t, x]) => [t, -x])) };
    }
    case 'fill': {
      const v = evaluate(node.series, ctx);
      if (v.kind !== 'series') throw new MetricMathError("FILL's first argument must be a time series, got a scalar.");
      const points = new Map(v.points);
      for (const t of ctx.grid(v.periodSec)) if (!points.has(t)) points.set(t, node.value);
      return { kind: 'series', periodSec: v.periodSec, points: new Map([...points].sort((a, b) => a[0] - b[0])) };
    }
    case 'binary': {
      const l = evaluate(node.left, ctx);
      const r = evaluate(node.right, ctx);
      if (l.kind === 'scalar' && r.kind === 'scalar') {
        const v = applyArithmetic(node.op, l.value, r.value);
        if (v === undefined) throw new MetricMathError('Division by zero between constants.');
        return { kind: 'scalar', value: v };
      }
      const points = new Map<number, number>();
      const keep = (t: number, v: number | undefined) => {
        if (v !== undefined && Number.isFinite(v)) points.set(t, v);
      };
      if (l.kind === 'series' && r.kind === 'series') {
        for (const [t, a] of l.points) {
          const b = r.points.get(t);
          if (b !== undefined) keep(t, applyArithmetic(node.op, a, b));
        }
        return { kind: 'series', periodSec: Math.max(l.periodSec, r.periodSec), points };
      }
      if (l.kind === 'series') {
        const b = (r as { value: number }).value;
        for (const [t, a] of l.points) keep(t, applyArithmetic(node.op, a, b));
        return { kind: 'series', periodSec: l.periodSec, points };
      }
      const s = r as MathSeries;
      for (const [t, b] of s.points) keep(t, applyArithmetic(node.op, l.value, b));
      return { kind: 'series', periodSec: s.periodSec, points };
    }
  }
}
