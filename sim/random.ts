/**
 * Deterministic pseudo-randomness: the same seed gives the same traffic, faults and fleet on
 * every run, so simulated months can be recomputed lazily and tests can assert exact numbers.
 */

// Builtins bound once: hot loops (months of minutes) must not look them up on the global
// object each call, which is slow inside vm contexts such as Jest's.
const imul = Math.imul;
const floor = Math.floor;

/** 32-bit hash of a seed and up to three integer coordinates (murmur3-style finalizer). */
export function hash32(seed: number, a: number, b?: number, c?: number): number {
  let h = fold((seed ^ 0x9e3779b9) >>> 0, a);
  if (b !== undefined) h = fold(h, b);
  if (c !== undefined) h = fold(h, c);
  return mix(h);
}

/** Mix one coordinate in; the high 32 bits count too, so minute indexes beyond 2^32 stay distinct. */
function fold(h: number, c: number): number {
  return mix(h ^ (c >>> 0) ^ imul(floor(c / 0x100000000) >>> 0, 0x85ebca6b));
}

function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform number in [0, 1) derived from a seed and coordinates. */
export function unitHash(seed: number, a: number, b?: number, c?: number): number {
  return hash32(seed, a, b, c) / 0x100000000;
}

/** Sequential seeded generator (mulberry32): next() returns a number in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** Stable 32-bit seed from a string (e.g. a resource ARN). */
export function seedFromString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}
