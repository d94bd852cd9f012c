/**
 * The edge of every task: what runs around the logic on each invocation (Powertools'
 * injectLambdaContext and captureLambdaHandler, without middy).
 */
import type { LambdaContext, Logger } from './logger';
import { withHandlerSegment } from './tracer';

/** A Lambda entry point: the event and, in Lambda, the invocation's context. */
export type Entry<E, R> = (event: E, context?: LambdaContext) => Promise<R>;

/**
 * Wraps a task's entry: the request id and cold start go on every log line of `logger` (and its
 * children), and the invocation runs in a traced `## <name>` subsegment when tracing is active.
 */
export function lambdaEntry<E, R>(name: string, logger: Logger, fn: Entry<E, R>): Entry<E, R> {
  return async (event, context) => {
    logger.addContext(context);
    return withHandlerSegment(name, () => fn(event, context));
  };
}
