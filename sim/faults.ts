/**
 * Fault injection per operation: throttling, server errors, access denied (a missing IAM
 * permission) and added latency, either with a seeded probability (deterministic sequence) or for
 * the next N matching calls.
 */
import { SimError } from './errors';
import { seededRandom } from './random';

export type ServiceName = 'personalize' | 'cloudwatch' | 'sns' | 'events' | 'sfn' | 'dynamodb' | 'cloudformation';

export interface FaultSpec {
  kind: 'throttle' | 'serverError' | 'accessDenied' | 'latency';
  service?: ServiceName;
  operation?: string;
  region?: string;
  /** Chance per matching call (default 1), drawn from a generator seeded with `seed`. */
  probability?: number;
  seed?: number;
  /** Affect only the next N matching calls that the probability selects, then retire. */
  count?: number;
  /** For `latency`: wall-clock milliseconds added before the answer. */
  latencyMs?: number;
  /** Override the error code (e.g. `TooManyRequestsException`) and HTTP status. */
  errorCode?: string;
  status?: number;
  /**
   * For `accessDenied`: the error message (default: IAM's `User: <principal> is not authorized
   * to perform: <service>:<Operation> ...`). Some services say less; a caller must cope.
   */
  message?: string;
}

/** The principal named in simulated access-denied messages. */
export const SIM_PRINCIPAL_ARN = 'arn:aws:iam::123456789012:user/sim-user';

export interface FaultHandle {
  readonly id: number;
  /** Calls this fault affected so far. */
  readonly hits: number;
  remove(): void;
}

/** The service's own name for throttling and internal errors (what its SDK recognises). */
const THROTTLE: Record<ServiceName, { code: string; queryCode?: string; status: number }> = {
  personalize: { code: 'ThrottlingException', status: 400 },
  cloudwatch: { code: 'Throttling', queryCode: 'Throttling', status: 400 },
  sns: { code: 'Throttled', queryCode: 'Throttled', status: 400 },
  events: { code: 'ThrottlingException', status: 400 },
  sfn: { code: 'ThrottlingException', status: 400 },
  dynamodb: { code: 'ThrottlingException', status: 400 },
  cloudformation: { code: 'Throttling', queryCode: 'Throttling', status: 400 },
};
/**
 * The service's throttling error, as a `throttle` fault and the rate limits of sim/limits.ts
 * answer (the code and HTTP status its SDK recognises as throttling).
 */
export function throttlingError(service: ServiceName, message = 'Rate exceeded'): SimError {
  const t = THROTTLE[service];
  return new SimError(t.code, message, { status: t.status, queryCode: t.queryCode ?? t.code });
}
/** The service's own name for a missing permission (HTTP 400 for the JSON services, 403 for CloudWatch and SNS). */
const ACCESS_DENIED: Record<ServiceName, { code: string; queryCode?: string; status: number }> = {
  personalize: { code: 'AccessDeniedException', status: 400 },
  cloudwatch: { code: 'AccessDeniedException', queryCode: 'AccessDenied', status: 403 },
  sns: { code: 'AuthorizationError', queryCode: 'AuthorizationError', status: 403 },
  events: { code: 'AccessDeniedException', status: 400 },
  sfn: { code: 'AccessDeniedException', status: 400 },
  dynamodb: { code: 'AccessDeniedException', status: 400 },
  cloudformation: { code: 'AccessDenied', queryCode: 'AccessDenied', status: 403 },
};
/** IAM action prefixes (`events`, not EventBridge; `states`, not sfn). */
const IAM_PREFIX: Record<ServiceName, string> = { personalize: 'personalize', cloudwatch: 'cloudwatch', sns: 'sns', events: 'events', sfn: 'states', dynamodb: 'dynamodb', cloudformation: 'cloudformation' };

const SERVER_ERROR: Record<ServiceName, { code: string; queryCode?: string }> = {
  personalize: { code: 'InternalFailure' },
  cloudwatch: { code: 'InternalServiceFault', queryCode: 'InternalServiceError' },
  sns: { code: 'InternalError', queryCode: 'InternalError' },
  events: { code: 'InternalException' },
  sfn: { code: 'InternalFailure' },
  dynamodb: { code: 'InternalServerError' },
  cloudformation: { code: 'InternalFailure', queryCode: 'InternalFailure' },
};

interface ActiveFault {
  id: number;
  spec: FaultSpec;
  random: () => number;
  remaining: number;
  hits: number;
}

/** Decision for one call: wait this long, then fail with this error (if any). */
export interface FaultDecision {
  latencyMs: number;
  error?: SimError;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  /** Add a fault; returns a handle to inspect or remove it. */
  inject(spec: FaultSpec): FaultHandle {
    const p = spec.probability ?? 1;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`fault probability must be within [0, 1], got ${p}`);
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) throw new RangeError(`fault count must be a whole number > 0, got ${spec.count}`);
    if (spec.kind === 'latency' && !(typeof spec.latencyMs === 'number' && spec.latencyMs >= 0)) throw new RangeError('latency faults need latencyMs >= 0');
    const fault: ActiveFault = { id: this.nextId++, spec, random: seededRandom(spec.seed ?? 1), remaining: spec.count ?? Infinity, hits: 0 };
    this.faults.push(fault);
    return {
      id: fault.id,
      get hits() {
        return fault.hits;
      },
      remove: () => {
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
  }

  /** Remove every fault. */
  clear(): void {
    this.faults = [];
  }

  /** What happens to a call (consumes counts and random draws of matching faults). */
  decide(service: ServiceName, operation: string, region: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const f of [...this.faults]) {
      const s = f.spec;
      if ((s.service && s.service !== service) || (s.operation && s.operation !== operation) || (s.region && s.region !== region)) continue;
      if (f.remaining <= 0) continue;
      if (f.random() >= (s.probability ?? 1)) continue;
      if (s.kind !== 'latency' && decision.error) continue;
      f.remaining--;
      f.hits++;
      if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      if (s.kind === 'latency') decision.latencyMs += s.latencyMs ?? 0;
      else if (s.kind === 'throttle') {
        const t = THROTTLE[service];
        const code = s.errorCode ?? t.code;
        decision.error = new SimError(code, 'Rate exceeded', { status: s.status ?? t.status, queryCode: s.errorCode ?? t.queryCode ?? code });
      } else if (s.kind === 'accessDenied') {
        const a = ACCESS_DENIED[service];
        const code = s.errorCode ?? a.code;
        const message = s.message ?? `User: ${SIM_PRINCIPAL_ARN} is not authorized to perform: ${IAM_PREFIX[service]}:${operation} on resource: * because no identity-based policy allows the ${IAM_PREFIX[service]}:${operation} action`;
        decision.error = new SimError(code, message, { status: s.status ?? a.status, queryCode: s.errorCode ?? a.queryCode ?? code });
      } else {
        const e = SERVER_ERROR[service];
        const code = s.errorCode ?? e.code;
        decision.error = new SimError(code, 'We encountered an internal error. Please try again.', { status: s.status ?? 500, queryCode: s.errorCode ?? e.queryCode ?? code });
      }
    }
    return decision;
  }
}
