/**
 * Exemption tags: a resource tag exempts it from actions, or snoozes it until a date.
 * Pure: tags are passed in, `now` too.
 */
import type { Exemption } from './types';

/** Tag values that explicitly mean "not exempt". */
const NOT_EXEMPT_VALUES = new Set(['false', 'no', '0']);
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Finds the tag by exact key, then case-insensitively (people type tag keys by hand). */
function findTag(tags: Record<string, string>, key: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(tags, key)) return tags[key];
  const lower = key.toLowerCase();
  const match = Object.keys(tags).find((k) => k.toLowerCase() === lower);
  return match === undefined ? undefined : tags[match];
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO date-time (UTC when no zone is given); undefined if not a real date. */
function parseDate(value: string): number | undefined {
  const d = DATE_ONLY.exec(value);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const ms = Date.UTC(y, m - 1, day);
    const back = new Date(ms);
    // Rejects 2025-02-30, which Date.UTC would roll over to March.
    return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === day ? ms : undefined;
  }
  if (DATE_TIME.test(value)) {
    const ms = Date.parse(HAS_ZONE.test(value) ? value : `${value}Z`);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/**
 * Reads the exemption tag `key`:
 * absent → not exempt; `false`/`no`/`0` → not exempt; a date → exempt until then (snoozed);
 * any other value → exempt indefinitely.
 */
export function parseExemption(tags: Record<string, string> | undefined, key: string, now: number): Exemption {
  const raw = findTag(tags ?? {}, key);
  if (raw === undefined) return { exempt: false, reason: `no ${key} tag` };
  const value = raw.trim();
  if (NOT_EXEMPT_VALUES.has(value.toLowerCase())) {
    return { exempt: false, reason: `tag ${key}="${value}" does not exempt it` };
  }
  const looksLikeDate = /^\d{4}-\d{2}-\d{2}/.test(value);
  const until = looksLikeDate ? parseDate(value) : undefined;
  if (until !== undefined) {
    const when = new Date(until).toISOString();
    return now < until
      ? { exempt: true, until, reason: `snoozed by tag ${key} until ${when}` }
      : { exempt: false, reason: `snooze by tag ${key} ended ${when}` };
  }
  if (looksLikeDate) {
    return { exempt: true, reason: `tag ${key}="${value}" is not a valid date; treated as exempt until corrected` };
  }
  return { exempt: true, reason: `exempt by tag ${key}="${value}"` };
}
