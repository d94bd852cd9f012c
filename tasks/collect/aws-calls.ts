/**
 * Small helpers of collect: counting SDK calls, SDK error names (from tasks/aws), bounded
 * concurrency. No business logic.
 */

/**
 * Counts the SDK calls of one collect run (one per request sent; the SDK's own retries of a
 * request are not counted). Counted in the adapters rather than by client middleware, so the
 * figure is the same with real clients and with aws-sdk-client-mock (which bypasses middleware).
 */
export class ApiCallCounter {
  private readonly counts = new Map<string, number>();

  /** Records one call of `operation` (e.g. `ListCampaigns`). */
  add(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  /** All calls recorded so far. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Calls per operation, for logs and benchmarks. */
  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export { describeError, errorName, isNotFound, isThrottling } from '../aws/errors';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Describes are throttling-prone: a small limit trades a little latency for far fewer throttles.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

