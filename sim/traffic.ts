/**
 * Traffic models: a resource's demand as requests per second over simulated time. Request
 * counts are drawn per 1-minute bucket from a seeded hash, so any minute of any month can be
 * computed on demand, identically every time.
 */
import * as clock from './clock';
import * as random from './random';

// Imports copied to module constants: bundlers' and loaders' ESM interop turns each imported
// name into a getter call, which matters in loops that run once per simulated minute.
const { DAY_MS, HOUR_MS, MINUTE_MS } = clock;
const { unitHash } = random;

// Builtins bound once (see random.ts): these run once per simulated minute.
const floor = Math.floor;
const cos = Math.cos;
const max = Math.max;

/** Requests per second at instant `tMs` (epoch ms). Must be pure and non-negative. */
export type TrafficFn = ((tMs: number) => number) & {
  /** True when the function is zero everywhere (lets the model skip work). */
  readonly idle?: boolean;
  /** Short description for reports (e.g. `diurnal(peak 20, night 0)`). */
  readonly label?: string;
};

function tag(fn: (tMs: number) => number, label: string, idle = false): TrafficFn {
  return Object.assign(fn, { label, idle });
}

/** Hour of day (UTC, fractional) of an instant. */
function hourOfDay(tMs: number): number {
  return (((tMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** True when `hour` falls in the [from, to) hour range, which may wrap midnight. */
function inHourRange(hour: number, from: number, to: number): boolean {
  return from <= to ? hour >= from && hour < to : hour >= from || hour < to;
}

export interface DiurnalOptions {
  /** Requests per second at the daily peak. */
  peakRps: number;
  /** Requests per second at the daily low (before quiet hours apply). */
  troughRps?: number;
  /** Hour (UTC) of the peak; the low is 12 hours away. */
  peakHourUtc?: number;
  /** Hours [from, to) UTC with no traffic at all, e.g. [0, 6] for quiet nights. */
  quietHoursUtc?: [number, number];
}

export interface SpikyOptions {
  /** Background requests per second between bursts. */
  baseRps: number;
  /** Requests per second added during a burst. */
  burstRps: number;
  burstsPerDay: number;
  burstMinutes: number;
  seed: number;
}

/** Helpers to build traffic functions. */
export const traffic = {
  /** The same rate all the time. */
  constant(rps: number): TrafficFn {
    if (!(rps >= 0)) throw new RangeError(`traffic.constant: expected rps >= 0, got ${rps}`);
    return tag(() => rps, `constant(${rps})`, rps === 0);
  },

  /** No requests ever: the resource produces no datapoints at all. */
  idle(): TrafficFn {
    return tag(() => 0, 'idle', true);
  },

  /** A smooth daily cycle (cosine) between trough and peak, optionally silent at night. */
  diurnal(opts: DiurnalOptions): TrafficFn {
    const trough = opts.troughRps ?? 0;
    const peakHour = opts.peakHourUtc ?? 14;
    const quiet = opts.quietHoursUtc;
    const label = `diurnal(peak ${opts.peakRps}, trough ${trough}${quiet ? `, quiet ${quiet[0]}-${quiet[1]}h` : ''})`;
    return tag((t) => {
      const hour = hourOfDay(t);
      if (quiet && inHourRange(hour, quiet[0], quiet[1])) return 0;
      const phase = ((hour - peakHour) / 24) * 2 * Math.PI;
      return trough + (opts.peakRps - trough) * (0.5 + 0.5 * cos(phase));
    }, label);
  },

  /** A low base with short bursts at seeded times of each day. */
  spiky(opts: SpikyOptions): TrafficFn {
    const burstMs = opts.burstMinutes * MINUTE_MS;
    return tag((t) => {
      const day = floor(t / DAY_MS);
      let rps = opts.baseRps;
      for (let i = 0; i < opts.burstsPerDay; i++) {
        const start = day * DAY_MS + floor(unitHash(opts.seed, day, i) * (DAY_MS - burstMs) / MINUTE_MS) * MINUTE_MS;
        if (t >= start && t < start + burstMs) rps += opts.burstRps;
      }
      return rps;
    }, `spiky(base ${opts.baseRps}, +${opts.burstRps} x${opts.burstsPerDay}/day)`);
  },

  /** Multiplies `fn` by a seeded factor in [1 - amplitude, 1 + amplitude], fixed per minute. */
  noisy(fn: TrafficFn, opts: { seed: number; amplitude: number }): TrafficFn {
    return tag(
      (t) => fn(t) * (1 + opts.amplitude * (2 * unitHash(opts.seed, floor(t / MINUTE_MS)) - 1)),
      `noisy(${fn.label ?? 'fn'}, ±${opts.amplitude})`,
      fn.idle === true,
    );
  },

  /** `before` until `atMs`, then `after` (e.g. traffic that stops one day). */
  switchAt(atMs: number, before: TrafficFn, after: TrafficFn): TrafficFn {
    return tag((t) => (t < atMs ? before(t) : after(t)), `${before.label ?? 'fn'} until ${new Date(atMs).toISOString()}, then ${after.label ?? 'fn'}`, before.idle === true && after.idle === true);
  },

  /** Sum of several traffic functions. */
  sum(...fns: TrafficFn[]): TrafficFn {
    return tag((t) => fns.reduce((acc, f) => acc + f(t), 0), fns.map((f) => f.label ?? 'fn').join(' + '), fns.every((f) => f.idle === true));
  },
};

/**
 * Whole requests in the minute starting at `minuteStartMs`: rate at mid-minute × 60, the
 * fractional request decided by a seeded draw (so the expectation equals the rate).
 */
export function requestsInMinute(fn: TrafficFn, minuteStartMs: number, seed: number): number {
  if (fn.idle) return 0;
  const expected = max(0, fn(minuteStartMs + MINUTE_MS / 2)) * 60;
  const whole = floor(expected);
  const frac = expected - whole;
  return frac > 0 && unitHash(seed, floor(minuteStartMs / MINUTE_MS)) < frac ? whole + 1 : whole;
}
