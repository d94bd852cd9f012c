/** Shape of a simulated service's operation table (one function per wire operation). */

/** What an operation knows about the call besides its input. */
export interface OperationContext {
  /** Region from the SigV4 credential scope. */
  region: string;
  /** Simulated time of the call (epoch ms). */
  now: number;
  /** Caller label (from `x-sim-caller` or the user agent's `app/<id>`). */
  caller: string;
}

/** Handles one operation: input as decoded from the wire, output to encode. Throws SimError. */
export type OperationHandler = (ctx: OperationContext, input: Record<string, unknown>) => unknown;

export type OperationTable = Record<string, OperationHandler>;

/**
 * Every simulated service: the ones of sim/faults.ts plus `personalize-runtime` (GetRecommendations,
 * GetPersonalizedRanking; its faults and throttling use Personalize's error codes, see sim/account.ts).
 */
export type SimServiceName = import('./faults').ServiceName | 'personalize-runtime';
