/**
 * The MONITOR run's contract. Its input is per-run overrides of the behaviour (`runOverridesSchema`
 * in config/schema.ts, the same schema as the config file); ValidateRunInput resolves them into the
 * `run` every later task of the execution receives.
 */
import type { Behaviour } from '../../config/schema';

/** Largest run input accepted (the state machine carries it to every task). */
export const MAX_RUN_INPUT_BYTES = 32 * 1024;

/** What every later task of the run receives as `run`. */
export type RunContext = Behaviour & {
  /** Execution start (ISO-8601): the run's single notion of "now", identical across retries. */
  now: string;
  executionName: string;
};

/** One thing that could not be read or done, named in a region result and the run summary. */
export interface Problem {
  /** What it concerns: a resource ARN, a region, a metric. */
  target: string;
  /** What went wrong, naming the call. */
  error: string;
}
