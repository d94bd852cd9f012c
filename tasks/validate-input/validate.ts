/**
 * Resolves the behaviour of one MONITOR run: deployment defaults (embedded in the state machine
 * definition) overridden by the execution input. Pure: no AWS calls.
 */
import { behaviourSchema, deployShape, describeIssues, runOverridesSchema } from '../../config/schema';
import { MAX_RUN_INPUT_BYTES, type RunContext } from '../../core/contracts/run';
import { InvalidRunInputError } from '../shared/errors';


export interface ValidateInput {
  defaults: unknown;
  input: unknown;
  startedAt: string;
  executionName: string;
}

export interface ValidateOutput {
  run: RunContext;
  regions: string[];
}

/**
 * Validates the execution input and merges it over the defaults.
 * @throws InvalidRunInputError naming every bad field; nothing has been changed at that point.
 */
export function resolveRun(event: ValidateInput): ValidateOutput {
  const defaults = behaviourSchema.safeParse(event.defaults);
  if (!defaults.success) {
    // The definition was synthesized from a validated config; reaching this means it was edited.
    throw new Error(`state machine defaults are invalid (redeploy): ${describeIssues(defaults.error)}`);
  }
  const startedAt = Date.parse(event.startedAt);
  if (!Number.isFinite(startedAt)) throw new Error(`startedAt is not a timestamp: ${String(event.startedAt)}`);

  const raw = event.input ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidRunInputError(`run input must be a JSON object of overrides (e.g. {"dryRun": true}), got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const size = Buffer.byteLength(JSON.stringify(raw));
  if (size > MAX_RUN_INPUT_BYTES) throw new InvalidRunInputError(`run input is ${size} bytes; at most ${MAX_RUN_INPUT_BYTES} are accepted`);

  // Same strictness as the config file: numbers are JSON numbers, booleans true/false/Yes/No, and
  // deployment-only settings (limits, request senders, endpoint, ...) are unknown here.
  const overrides = runOverridesSchema.safeParse(raw);
  if (!overrides.success) {
    const deployOnly = Object.keys(raw).filter((k) => Object.prototype.hasOwnProperty.call(deployShape, k));
    const hint = deployOnly.length
      ? `; ${deployOnly.join(', ')}: deployment-only, set in the config file or PM_ variables and deployed, never per run`
      : '';
    throw new InvalidRunInputError(`invalid run input: ${describeIssues(overrides.error)}${hint}`);
  }

  const configured = defaults.data.regions;
  const unknownRegions = (overrides.data.regions ?? []).filter((r) => !configured.includes(r));
  if (unknownRegions.length > 0) {
    throw new InvalidRunInputError(
      `invalid run input: regions: ${unknownRegions.join(', ')} not monitored by this deployment (configured: ${configured.join(', ')}); add them to the config and deploy first`,
    );
  }

  // A dry-run deployment stays one: a run may add caution, never lift it.
  if (defaults.data.dryRun && overrides.data.dryRun === false) {
    throw new InvalidRunInputError('invalid run input: dryRun: false is refused: this deployment is a dry run (deploy config dryRun true); change the config and deploy to let runs write');
  }

  const merged = behaviourSchema.safeParse({ ...defaults.data, ...overrides.data });
  if (!merged.success) throw new InvalidRunInputError(`invalid run input: ${describeIssues(merged.error)}`);

  return {
    run: { ...merged.data, now: new Date(startedAt).toISOString(), executionName: String(event.executionName ?? '') },
    regions: merged.data.regions,
  };
}

