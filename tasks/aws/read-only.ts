/**
 * Read-only clients: every operation that is not a List*, Describe* or Get* call is refused
 * before it is serialized or sent (an SDK middleware at the `initialize` step, the first one a
 * command passes). Used by the commands that promise to change nothing in an account
 * (`assess`, `migrate --dry-run`): the promise holds by construction, not by care.
 */
import { cachingClients, type Clients } from './clients';

/** Operations a read-only client lets through: their names start with one of these verbs. */
export const READ_VERBS = ['List', 'Describe', 'Get'] as const;

/** Name of the guard in each client's middleware stack. */
export const READ_ONLY_MIDDLEWARE = 'personalizeMonitorReadOnly';

/** Thrown instead of sending an operation that could change the account. */
export class WriteRefusedError extends Error {
  override readonly name = 'WriteRefused';
  constructor(readonly operation: string) {
    super(`${operation} refused: this client is read-only (only ${READ_VERBS.join('*, ')}* operations are sent)`);
  }
}

/**
 * Operations named like reads that change state: Step Functions' GetActivityTask hands a task to
 * the caller (the task is then taken from the queue). Refused like any write.
 */
export const NOT_READS: ReadonlySet<string> = new Set(['GetActivityTask']);

/** True for an operation name (`ListCampaigns`, or a command name `ListCampaignsCommand`) a read-only client sends. */
export function isReadOperation(name: string): boolean {
  const op = name.replace(/Command$/, '');
  if (NOT_READS.has(op)) return false;
  // The verb must be a whole word: `Getaway` is not Get; `GetMetricData` is.
  return READ_VERBS.some((verb) => op.startsWith(verb) && /^[A-Z]/.test(op.slice(verb.length)));
}

interface MiddlewareClient {
  middlewareStack: {
    add(middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string; priority?: 'high' }): void;
  };
}

const guarded = new WeakSet<object>();

/** Adds the guard to `client` (once) and returns it. */
export function readOnly<T extends object>(client: T): T {
  if (guarded.has(client)) return client;
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '') || 'an unnamed operation';
      if (!isReadOperation(operation)) throw new WriteRefusedError(operation);
      return next(args);
    },
    { step: 'initialize', name: READ_ONLY_MIDDLEWARE, priority: 'high' },
  );
  guarded.add(client);
  return client;
}

/** Clients whose every instance refuses writes (`inner`: the factory they come from). */
export function readOnlyClients(inner: Clients = cachingClients()): Clients {
  return {
    personalize: (region) => readOnly(inner.personalize(region)),
    personalizeRuntime: (region, options) => readOnly(inner.personalizeRuntime(region, options)),
    cloudwatch: (region, options) => readOnly(inner.cloudwatch(region, options)),
    sns: (region) => readOnly(inner.sns(region)),
    events: (region) => readOnly(inner.events(region)),
    sfn: (region) => readOnly(inner.sfn(region)),
    dynamodb: (region) => readOnly(inner.dynamodb(region)),
    cloudformation: (region) => readOnly(inner.cloudformation(region)),
  };
}
