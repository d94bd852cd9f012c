/**
 * The X-Ray tracer of a Lambda bundle (Powertools). Disabled outside Lambda, with
 * POWERTOOLS_TRACE_ENABLED=false, and when no trace header is present (the local runner): then
 * every call here is a no-op and SDK clients are left uninstrumented.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One tracer per container; the service is the function's name (POWERTOOLS_SERVICE_NAME wins).
 * Only SDK clients are instrumented (`traced`): patching http/https globally would trace the
 * same calls twice, and outside Lambda it would try to trace without a segment.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? process.env.AWS_LAMBDA_FUNCTION_NAME, captureHTTPsRequests: false });

/** True when segments are really recorded (in Lambda with active tracing). */
export function tracingActive(): boolean {
  return tracer.isTracingEnabled() && !!process.env._X_AMZN_TRACE_ID;
}

/** Adds SDK subsegments (one per call) to `client` when tracing is active; returns it either way. */
export function traced<T>(client: T): T {
  return tracingActive() ? tracer.captureAWSv3Client(client) : client;
}

/** Annotations are indexed in X-Ray (cheap to search by); ignored when tracing is off. */
export function annotate(values: Record<string, string | number | boolean | undefined>): void {
  if (!tracingActive()) return;
  for (const [key, value] of Object.entries(values)) if (value !== undefined) tracer.putAnnotation(key, value);
}

/**
 * Runs one invocation under a `## <name>` subsegment (annotated with the cold start and the
 * service), recording an error before rethrowing it. Without active tracing it just runs `fn`.
 */
export async function withHandlerSegment<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const parent = tracingActive() ? tracer.getSegment() : undefined;
  if (!parent) return fn();
  const sub = parent.addNewSubsegment(`## ${name}`);
  tracer.setSegment(sub);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await fn();
  } catch (err) {
    tracer.addErrorAsMetadata(err as Error);
    throw err;
  } finally {
    sub.close();
    tracer.setSegment(parent);
  }
}
