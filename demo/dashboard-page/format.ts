/** Text and number formatting shared by the dashboard page's widgets. Pure. */

/** Escapes text for HTML (element content and double-quoted attributes). */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** True when `v` is an integer up to floating-point noise (e.g. 3 × 0.1 × 30 → 9). */
export function isIntegral(v: number): boolean {
  return Number.isFinite(v) && Math.abs(v - Math.round(v)) <= 1e-9 * Math.max(1, Math.abs(v));
}

const grouped = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, useGrouping: true });

/**
 * A value as the page shows it: integers as integers (`9`, not `9.0`), large numbers grouped
 * (`12,345`), other values with precision that fits their size (`2.35`, `0.0123`).
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (isIntegral(v)) return grouped(0).format(Math.round(v));
  const a = Math.abs(v);
  // Three significant digits below 1 (small rates stay readable), two decimals up to 1,000, then one.
  if (a < 1) return grouped(Math.min(10, 2 - Math.floor(Math.log10(a)))).format(v);
  return grouped(a < 1000 ? 2 : 1).format(v);
}

/**
 * Tick labels of an axis whose ticks are `step` apart: as many decimals as the step needs and no
 * trailing zeros, so `0, 0.5, 1` and `0, 1,000, 2,000`.
 */
export function formatTick(v: number, step: number): string {
  if (isIntegral(v)) return grouped(0).format(Math.round(v));
  const decimals = Math.max(0, Math.min(10, Math.ceil(-Math.log10(step) - 1e-9)));
  return grouped(decimals).format(v);
}

/** A duration in seconds as words, for notes: `7 days`, `24 hours`, `90 minutes`. */
export function formatDuration(seconds: number): string {
  const plural = (n: number, unit: string) => `${formatNumber(n)} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds >= 86_400 && seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}
