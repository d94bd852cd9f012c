/**
 * The grammar of EventBridge Scheduler schedule expressions, checked before synth so that a bad
 * schedule fails with a message naming the problem instead of at `terraform apply`.
 *
 * Source: "Schedule types in EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * (cron fields and wildcards as in https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html):
 * - `rate(value unit)`: value a positive whole number, unit minute | minutes | hour | hours | day | days;
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields separated by white space,
 *   you can't give both day-of-month and day-of-week: exactly one of them is `?`;
 * - `at(yyyy-mm-ddThh:mm:ss)`: a one-time schedule at a real date and time.
 * Pure: no clock (an `at` in the past is the caller's business).
 */

/** What a schedule expression may look like, for messages. */
export const SCHEDULE_EXPRESSION_FORMS =
  'rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)';

export const RATE_UNITS = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'] as const;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names accepted for the values min..max (month and day-of-week). */
  names?: string[];
  /** Wildcards as the documentation lists them. */
  wildcards: string;
  allowed: string;
}

const CRON_FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59, wildcards: ', - * /', allowed: '0-59' },
  { name: 'hours', min: 0, max: 23, wildcards: ', - * /', allowed: '0-23' },
  { name: 'day-of-month', min: 1, max: 31, wildcards: ', - * ? / L W', allowed: '1-31' },
  { name: 'month', min: 1, max: 12, names: MONTHS, wildcards: ', - * /', allowed: '1-12 or JAN-DEC' },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS, wildcards: ', - * ? L #', allowed: '1-7 or SUN-SAT' },
  { name: 'year', min: 1970, max: 2199, wildcards: ', - * /', allowed: '1970-2199' },
];

/**
 * Checks an EventBridge Scheduler schedule expression.
 * @returns the problem (naming the part that is wrong and what is allowed), or undefined when valid.
 */
export function checkScheduleExpression(expr: string): string | undefined {
  if (typeof expr !== 'string') return `expected ${SCHEDULE_EXPRESSION_FORMS}, got ${typeof expr}`;
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(expr);
  if (!m) return `expected ${SCHEDULE_EXPRESSION_FORMS}, got ${JSON.stringify(expr)}`;
  const [, kind, body] = m;
  if (kind === 'rate') return checkRate(expr, body);
  if (kind === 'cron') return checkCron(expr, body);
  return checkAt(expr, body);
}

function checkRate(expr: string, body: string): string | undefined {
  const m = /^(\S+) (\S+)$/.exec(body);
  if (!m) return `${expr}: expected rate(value unit), e.g. rate(5 minutes)`;
  const [, value, unit] = m;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    return `${expr}: the value must be a whole number of at least 1, got "${value}"`;
  }
  if (!(RATE_UNITS as readonly string[]).includes(unit)) return `${expr}: the unit must be one of ${RATE_UNITS.join(', ')}, got "${unit}"`;
  return undefined;
}

function checkCron(expr: string, body: string): string | undefined {
  const fields = body.trim() === '' ? [] : body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `${expr}: has ${fields.length} field(s); expected ${CRON_FIELDS.length}: ${CRON_FIELDS.map((f) => f.name).join(' ')}`;
  }
  for (let i = 0; i < fields.length; i++) {
    const problem = checkCronField(CRON_FIELDS[i], fields[i]);
    if (problem) return `${expr}: ${CRON_FIELDS[i].name} "${fields[i]}": ${problem}`;
  }
  const dom = fields[2];
  const dow = fields[4];
  if ((dom === '?') === (dow === '?')) {
    return `${expr}: exactly one of day-of-month ("${dom}") and day-of-week ("${dow}") must be ?, e.g. cron(0 12 * * ? *)`;
  }
  return undefined;
}

/** A value of the field (number or, for month / day-of-week, a name); undefined when not one. */
function valueOf(field: CronField, token: string): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const i = field.names?.indexOf(token.toUpperCase()) ?? -1;
  return i >= 0 ? field.min + i : undefined;
}

function checkCronField(field: CronField, text: string): string | undefined {
  const allowed = `allowed: ${field.allowed} and the wildcards ${field.wildcards}`;
  const isDom = field.name === 'day-of-month';
  const isDow = field.name === 'day-of-week';
  if (text === '?') return isDom || isDow ? undefined : `? is not allowed here; ${allowed}`;
  if (isDow && text.includes('#')) {
    // `3#2`: the second Tuesday of the month; one expression only ("3#1,6#3" is invalid).
    const m = /^([^#,]+)#([1-5])$/.exec(text);
    if (!m || valueOf(field, m[1]) === undefined) return `expected <day>#<1-5> (e.g. 3#2, the second Tuesday) as the only expression; ${allowed}`;
    return undefined;
  }
  for (const item of text.split(',')) {
    const problem = checkCronItem(field, item);
    if (problem) return `${item === text ? '' : `"${item}": `}${problem}; ${allowed}`;
  }
  return undefined;
}

function checkCronItem(field: CronField, item: string): string | undefined {
  const isDom = field.name === 'day-of-month';
  const isDow = field.name === 'day-of-week';
  if (item === '') return 'empty list item';
  if (item === '*') return undefined;
  if (item === '?') return '? must be the whole field';
  if (isDom && (item === 'L' || item === 'LW')) return undefined;
  if (isDom && /^\d+W$/.test(item)) return valueOf(field, item.slice(0, -1)) === undefined ? `${item.slice(0, -1)} is out of range` : undefined;
  if (isDow && item === 'L') return undefined;
  if (isDow && /^[^L]+L$/.test(item)) return valueOf(field, item.slice(0, -1)) === undefined ? `${item.slice(0, -1)} is not a day of the week` : undefined;
  const slash = item.split('/');
  if (slash.length > 2) return 'more than one /';
  if (slash.length === 2) {
    if (isDow) return '/ is not allowed in day-of-week';
    const [start, step] = slash;
    if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > field.max) return `the increment "${step}" must be a whole number from 1 to ${field.max}`;
    if (start === '*') return undefined;
    return checkRangeOrValue(field, start);
  }
  return checkRangeOrValue(field, item);
}

function checkRangeOrValue(field: CronField, text: string): string | undefined {
  const parts = text.split('-');
  if (parts.length > 2) return `"${text}" is not a value or a range`;
  for (const p of parts) if (valueOf(field, p) === undefined) return `"${p}" is not an allowed value`;
  return undefined;
}

function checkAt(expr: string, body: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) return `${expr}: expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2027-01-01T00:00:00)`;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (month < 1 || month > 12) return `${expr}: month ${m[2]} is not 01-12`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (day < 1 || day > daysInMonth) return `${expr}: day ${m[3]} is not in ${m[1]}-${m[2]} (01-${daysInMonth})`;
  if (hour > 23) return `${expr}: hour ${m[4]} is not 00-23`;
  if (minute > 59) return `${expr}: minute ${m[5]} is not 00-59`;
  if (second > 59) return `${expr}: second ${m[6]} is not 00-59`;
  return undefined;
}

/** Milliseconds between runs of a `rate(N unit)` expression; undefined for `cron(...)` and `at(...)`. */
export function ratePeriodMs(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const unit = m[2].startsWith('minute') ? 60_000 : m[2].startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * unit;
}
