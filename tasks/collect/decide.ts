/**
 * The decision for one resource, as the MONITOR's collect task makes it and as `assess` replays
 * it: the pure core decisions (idle, over-provisioned), the exemption tag read only for a
 * candidate, the findings built from the evidence. One function, so both say the same.
 */
import { evaluateOverProvisioned, LOWEST_MINIMUM, type CapacityDecision } from '../../core/capacity';
import type { RunContext } from '../../core/contracts/run';
import type { DecisionInput } from '../../core/decision';
import { parseExemption } from '../../core/exemption';
import { buildFinding } from '../../core/findings';
import { evaluateIdle, type IdleDecision } from '../../core/idle';
import { isUpdatable } from '../../core/status';
import type { Exemption, Finding, MonitoredResource, TrafficSample } from '../../core/types';
import type { PersonalizeClient } from '../aws/clients';
import type { Logger } from '../shared/logger';
import { describeError, type ApiCallCounter } from './aws-calls';
import type { Budget } from './budget';
import { readTags, storedTags, type Problem } from './discovery';
import type { RegionState } from './state-store';

/** What a decision needs besides its inputs: the client for the tag read, the call counter, the log, the problem list. */
export interface DecideDeps {
  personalize: PersonalizeClient;
  calls: ApiCallCounter;
  log: Logger;
  problems: Problem[];
  /** Where the tags are kept (default: the process's state of the resource's region). */
  state?: RegionState;
  /** A tag read (optional work) starts only while it allows; default: always. */
  budget?: Budget;
  /** Counts tag reads not started for lack of time (carried over). */
  onTagReadCarriedOver?: () => void;
}

/** Why a finding was withheld when the run had no time left to read the candidate's tags. */
export const TAGS_CARRIED_OVER = 'exemption tag not read in time (time budget); carried over to the next run';

/** A resource's decision: the findings it raises and the core decisions behind them (with their reasons). */
export interface ResourceDecision {
  findings: Finding[];
  idle: IdleDecision;
  capacity: CapacityDecision;
  /** Set when no finding could be raised although a decision called for one (e.g. tags unreadable). */
  withheld?: string;
  /** The exemption read from the resource's tags; absent when they were not read (not a candidate). */
  exemption?: Exemption;
}

/** Stands in for the exemption until tags are read: they are read only for candidates. */
const TAGS_NOT_READ: Exemption = { exempt: false, reason: 'tags are read only for decision candidates' };

/**
 * Whether a resource in its decision slot can possibly be a finding, judged from what is known
 * without its history: it must be updatable, and either silent now (idle?) or above the lowest
 * minimum (over-provisioned?). Saves the hourly read for busy resources already at minimum 1.
 */
export function mayBeCandidate(r: MonitoredResource, recentRequests: number): boolean {
  return isUpdatable(r) && (recentRequests === 0 || r.minCapacity > LOWEST_MINIMUM);
}

/**
 * Idle and over-provisioned decisions for one resource, logged with their evidence. Tags are
 * read only when a decision would raise a finding; an exempt resource then raises none.
 * An idle resource whose idle action is allowed gets only the idle finding (deleting or
 * stopping it makes its minimum moot); otherwise a lower minimum is still proposed.
 */
export async function decideResource(
  resource: MonitoredResource,
  traffic: TrafficSample,
  run: RunContext,
  now: number,
  deps: DecideDeps,
): Promise<ResourceDecision> {
  const { calls, log, problems } = deps;
  const input: DecisionInput = { resource, traffic, behaviour: run, now, exemption: TAGS_NOT_READ };
  let idle = evaluateIdle(input);
  let capacity = evaluateOverProvisioned(input);
  let exemption: Exemption | undefined;
  if (idle.idle || capacity.overProvisioned) {
    let tags: Record<string, string>;
    const state = deps.state;
    if (deps.budget && !deps.budget.allows() && !(state ? storedTags(state, resource.arn, now) : undefined)) {
      // No time to read them: no finding this run (not an error); the next run decides again.
      deps.onTagReadCarriedOver?.();
      log.info('decision', { resourceArn: resource.arn, outcome: 'withheld', reason: TAGS_CARRIED_OVER });
      return { findings: [], idle, capacity, withheld: TAGS_CARRIED_OVER };
    }
    try {
      tags = await readTags(deps.personalize, resource.arn, now, calls, state);
    } catch (err) {
      // Without tags the exemption is unknown: acting on an exempt resource is worse than waiting.
      problems.push({ target: resource.arn, error: `tags not read, finding withheld this run: ${describeError(err)}` });
      log.warn('decision', { resourceArn: resource.arn, outcome: 'withheld', reason: 'exemption tag could not be read' });
      return { findings: [], idle, capacity, withheld: 'exemption tag could not be read' };
    }
    exemption = parseExemption(tags, run.exemptionTagKey, now);
    if (exemption.exempt) {
      idle = evaluateIdle({ ...input, exemption });
      capacity = evaluateOverProvisioned({ ...input, exemption });
    }
  }

  const findings: Finding[] = [];
  if (idle.idle) findings.push(buildFinding('idle', resource, idle.evidence, run));
  if (capacity.overProvisioned && !(idle.idle && run.autoDeleteOrStopIdleResources)) {
    findings.push(buildFinding('overProvisioned', resource, capacity.evidence, run));
  }
  log.info('decision', {
    resourceArn: resource.arn,
    outcome: findings.length ? findings.map((f) => f.kind).join('+') : 'ok',
    idle: idle.idle ? { evidence: idle.evidence } : { reason: idle.reason },
    overProvisioned: capacity.overProvisioned ? { newMin: capacity.newMin, evidence: capacity.evidence } : { reason: capacity.reason },
    dryRun: run.dryRun,
  });
  return { findings, idle, capacity, ...(exemption ? { exemption } : {}) };
}
