/**
 * Watches the SDK calls of one assess run: which operations were sent (for the progress bar and
 * the policy check) and how the ones that failed after the SDK's retries failed, so a missing
 * credential, a missing permission or throttling that did not clear ends the run with a clear
 * message instead of a half-empty report. Structural typing only: no SDK import outside tasks/aws/.
 */
import { errorName, isAccessDenied, isCredentialsProblem, isThrottling } from '../tasks/aws/errors';
import { iamAction, type AssessService } from './policy';

/** Name of the observer in each client's middleware stack. */
export const OBSERVER_MIDDLEWARE = 'personalizeMonitorAssessObserver';

export interface ObservedCall {
  service: AssessService;
  operation: string;
  region: string;
  error?: unknown;
}

/** Why assess cannot give a trustworthy answer (exit 1). */
export interface FatalProblem {
  kind: 'credentials' | 'accessDenied' | 'throttled';
  /** For access denied: the IAM action that is missing (`personalize:ListCampaigns`). */
  permission?: string;
  region: string;
  message: string;
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority?: 'low' },
    ): void;
  };
}

/** Classifies a failed call: a problem that makes the whole assessment untrustworthy, or undefined. */
export function fatalProblem(call: ObservedCall): FatalProblem | undefined {
  const err = call.error;
  if (err === undefined) return undefined;
  const name = errorName(err);
  const message = String((err as { message?: unknown })?.message ?? err);
  if (isCredentialsProblem(err)) {
    return {
      kind: 'credentials',
      region: call.region,
      message: `no usable AWS credentials (${name}: ${message}). Configure the default credential chain (AWS_PROFILE, aws sso login, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ...) and try again.`,
    };
  }
  if (isAccessDenied(err)) {
    const named = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(message)?.[1];
    const permission = named ?? iamAction(call.service, call.operation);
    return {
      kind: 'accessDenied',
      permission,
      region: call.region,
      message: `access denied: ${call.operation} in ${call.region} needs the IAM permission ${permission} (${name}: ${message}). Print the policy assess needs with --print-policy.`,
    };
  }
  if (isThrottling(err)) {
    return {
      kind: 'throttled',
      region: call.region,
      message: `throttled: ${call.operation} in ${call.region} was still throttled after the SDK's retries (${name}: ${message}). Try again later, or assess fewer regions at once (--regions).`,
    };
  }
  return undefined;
}

export class CallObserver {
  readonly calls: ObservedCall[] = [];
  private readonly watched = new WeakSet<object>();

  constructor(private readonly onCall?: (call: ObservedCall) => void) {}

  /** Adds the observer to `client` (once) and returns it. */
  watch<T extends object>(client: T, service: AssessService, region: string): T {
    if (this.watched.has(client)) return client;
    (client as unknown as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        const call: ObservedCall = { service, operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), region };
        try {
          return await next(args);
        } catch (err) {
          call.error = err;
          throw err;
        } finally {
          this.calls.push(call);
          this.onCall?.(call);
        }
      },
      { step: 'initialize', name: OBSERVER_MIDDLEWARE, priority: 'low' },
    );
    this.watched.add(client);
    return client;
  }

  /** Calls per operation. */
  byOperation(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The first problem of each kind and permission (credentials first, then access, then throttling). */
  fatalProblems(): FatalProblem[] {
    const seen = new Map<string, FatalProblem>();
    for (const c of this.calls) {
      const p = fatalProblem(c);
      if (p && !seen.has(`${p.kind}|${p.permission ?? ''}`)) seen.set(`${p.kind}|${p.permission ?? ''}`, p);
    }
    const order = { credentials: 0, accessDenied: 1, throttled: 2 } as const;
    return [...seen.values()].sort((a, b) => order[a.kind] - order[b.kind]);
  }
}
