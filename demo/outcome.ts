/**
 * How an ACTION execution really ended, in one word, read from its terminal state (the last
 * state it entered) – never from the execution status alone: a rejected, expired or skipped
 * request ends in a Succeed state, so its status is SUCCEEDED although nothing was done.
 */
import type { ExecutionStatus } from '../runner/runner';

/** The ACTION machine's terminal states (workflows/action.ts) and the word each is shown with. */
export const ACTION_OUTCOMES = {
  Done: 'done',
  Skipped: 'skipped',
  Rejected: 'rejected',
  ApprovalExpired: 'expired',
  ReportedOnly: 'reported only',
  ActionFailed: 'failed',
} as const;

/** The Task that waits for a person's decision (`.waitForTaskToken`). */
const APPROVAL_STATE = 'RequestApproval';

/** What the outcome is read from (an `ExecutionRecord` fits). */
export interface EndedExecution {
  status: ExecutionStatus;
  /** States entered, in order. */
  states: readonly string[];
  error?: string;
  cause?: string;
  /** When it ended (simulated epoch ms). */
  stopMs?: number;
  tasks?: readonly { state: string; input?: unknown; simStart?: number; simEnd?: number }[];
}

export interface ActionOutcome {
  /**
   * `done`, `skipped`, `rejected`, `expired`, `reported only`, `failed`; while it runs
   * `awaiting approval` (in RequestApproval) or `running`;
   * `timed out` / `aborted` for those execution statuses; any other terminal state by its name
   * (`ended in <State>`).
   */
  outcome: string;
  /** The last state entered. */
  terminalState?: string;
  /** Why it failed (`Error: message`), for failed / timed out / other unsuccessful ends. */
  cause?: string;
}

/**
 * The outcome of an ACTION execution (pure). With `before`: as it stood just before that
 * instant (an execution that ended at `before` or later was still running then).
 */
export function actionOutcome(e: EndedExecution, before?: number): ActionOutcome {
  const terminalState = e.states.length ? e.states[e.states.length - 1] : undefined;
  const ended = e.status !== 'RUNNING' && (before === undefined || (e.stopMs !== undefined && e.stopMs < before));
  if (!ended) {
    const t = before ?? Number.POSITIVE_INFINITY;
    const asking = (e.tasks ?? []).some((x) => x.state === APPROVAL_STATE && (x.simStart ?? 0) < t && (x.simEnd === undefined || x.simEnd >= t));
    return { outcome: asking ? 'awaiting approval' : 'running' };
  }
  if (e.status === 'TIMED_OUT' || e.status === 'ABORTED') {
    return { outcome: e.status === 'TIMED_OUT' ? 'timed out' : 'aborted', terminalState, cause: describe(e.error, e.cause) };
  }
  const word = terminalState !== undefined && Object.hasOwn(ACTION_OUTCOMES, terminalState) ? ACTION_OUTCOMES[terminalState as keyof typeof ACTION_OUTCOMES] : undefined;
  // A terminal state counts only with the status it ends in (Succeed states → SUCCEEDED, the Fail state → FAILED).
  const consistent = word !== undefined && (terminalState === 'ActionFailed') === (e.status === 'FAILED');
  if (consistent && word === 'failed') return { outcome: word, terminalState, cause: caughtFailure(e) ?? describe(e.error, e.cause) };
  if (consistent) return { outcome: word, terminalState };
  const outcome = `ended in ${terminalState ?? '(no state)'}`;
  return e.status === 'FAILED' ? { outcome, terminalState, cause: describe(e.error, e.cause) } : { outcome, terminalState };
}

/** Outcomes counted, in first-seen order (`{ done: 3, rejected: 1 }`); `before` as in `actionOutcome`. */
export function countOutcomes(executions: readonly EndedExecution[], before?: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of executions) {
    const { outcome } = actionOutcome(e, before);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** `3 done, 1 rejected` (empty for no executions). */
export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
}

/**
 * The error the machine caught on its way to ActionFailed: what the NotifyFailed task was given
 * as `detail` (the `$.error` of the Catch or of SettleTimedOut), with a Lambda error's message.
 */
function caughtFailure(e: EndedExecution): string | undefined {
  const notify = [...(e.tasks ?? [])].reverse().find((t) => t.state === 'NotifyFailed');
  const detail = (notify?.input as { Payload?: { detail?: { Error?: unknown; Cause?: unknown } } } | undefined)?.Payload?.detail;
  if (!detail || typeof detail.Error !== 'string') return undefined;
  return describe(detail.Error, typeof detail.Cause === 'string' ? detail.Cause : undefined);
}

/** `Error: message`, the message taken from a Lambda error's JSON cause when it is one. */
function describe(error?: string, cause?: string): string | undefined {
  if (!error && !cause) return undefined;
  let message = cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not JSON: the cause as it is.
  }
  message = message.slice(0, 300);
  return error ? (message ? `${error}: ${message}` : error) : message;
}
