/**
 * The ACTION's finish step: after the action settled – remove the resource's alarms (delete/stop),
 * emit the original's result event and a dashboard rebuild request, and say in one sentence what
 * happened (the NotifyDone state emails it). Alarm and event problems do not undo a finished
 * action: they are part of that sentence.
 *
 * Only OUR alarms are deleted: our prefix and our owner tag (core/contracts/ownership.ts). The
 * original sample's alarms on the same resource (`PersonalizeMonitor-…`) and alarms with our
 * prefix but without our owner tag stay; they are named in the result (`alarmsKept`).
 */
import { deleteAlarms, describeAlarms, type CloudWatchClient, type MetricAlarm } from '../aws/cloudwatch';
import { putEvents, type EventBridgeClient } from '../aws/eventbridge';
import { EVENT_SOURCE, isIdleAction, resultEvents, type ActionRequest, type ActionState, type RecheckResult } from '../../core/actions';
import type { AlarmOwnership } from '../../core/contracts/ownership';
import { partitionByOwnership } from '../collect/alarm-reconciler';
import type { Logger } from '../shared/logger';
import { THROTTLING_ERROR } from '../../core/contracts/errors';
import { describeError, errorName, withThrottling } from '../action-shared/errors';


export type FinishInput = ActionState & { recheck?: RecheckResult; act?: { detail?: string }; settle?: { detail?: string } };

export interface FinishResult {
  alarmsDeleted: string[];
  /** Alarms with our prefix on the resource that were not deleted: not our owner tag (or unreadable tags). */
  alarmsKept: string[];
  eventsSent: number;
  problems: string[];
  /** What happened, for the "done" email: the settled state read back from Personalize, and what the clean-up did or could not do. */
  reason: string;
}

export interface FinishDeps {
  cloudwatch: (region: string) => CloudWatchClient;
  events: EventBridgeClient;
  logger: Logger;
  /** Our alarm prefix and stack name (PM_ALARM_PREFIX, PM_STACK_NAME). */
  ownership: AlarmOwnership;
}

/** True when the alarm watches `arn` (as a dimension of its metric or of one of its metric-math queries). */
export function alarmWatches(alarm: MetricAlarm, arn: string): boolean {
  if ((alarm.Dimensions ?? []).some((d) => d.Value === arn)) return true;
  return (alarm.Metrics ?? []).some((m) => (m.MetricStat?.Metric?.Dimensions ?? []).some((d) => d.Value === arn));
}

/**
 * Deletes our alarms (prefix AND owner tag) that watch the resource, in its region; returns the
 * names deleted and those kept (our prefix, not our tag). Tags are read only for the alarms that
 * watch the resource. An unreadable tag list keeps the alarm (`problems` says why).
 */
export async function deleteAlarmsOf(
  cw: CloudWatchClient,
  request: ActionRequest,
  ownership: AlarmOwnership,
): Promise<{ deleted: string[]; kept: string[]; problems: string[] }> {
  const alarms = await withThrottling('DescribeAlarms', request.region, () => describeAlarms(cw, { prefix: ownership.prefix, where: request.region }));
  const watching = alarms.filter((a) => a.AlarmName && alarmWatches(a, request.resourceArn));
  const owners = await partitionByOwnership(cw, watching, ownership);
  const names = owners.owned.map((a) => a.AlarmName!);
  await withThrottling('DeleteAlarms', request.region, () => deleteAlarms(cw, names));
  return { deleted: names, kept: owners.notOwned.map((a) => a.AlarmName!), problems: owners.problems.map((p) => `${p.target}: ${p.error}`) };
}

/** Sends the result event and the dashboard rebuild request on the default bus. */
export async function sendResultEvents(events: EventBridgeClient, request: ActionRequest): Promise<number> {
  const entries = resultEvents(request).map((e) => ({
    Source: EVENT_SOURCE,
    DetailType: e.detailType,
    Detail: JSON.stringify(e.detail),
    Resources: e.resources,
    EventBusName: 'default',
  }));
  const out = await withThrottling('PutEvents', 'default bus', () => putEvents(events, entries));
  if (out.failed > 0) throw new Error(`PutEvents rejected ${out.failed} of ${entries.length} events (${out.errorCodes.join(', ')})`);
  return entries.length;
}

/** Runs a clean-up step; throttling propagates (the state retries), other errors become problems. */
async function step<T>(what: string, problems: string[], fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (errorName(err) === THROTTLING_ERROR) throw err;
    problems.push(`${what}: ${describeError(err)}`);
    return fallback;
  }
}

/** Cleans up and announces. @throws ThrottlingException (retried by the state); other problems are reported. */
export async function finish(event: FinishInput, deps: FinishDeps): Promise<FinishResult> {
  const { request } = event;
  const problems: string[] = [];
  const none = { deleted: [] as string[], kept: [] as string[], problems: [] as string[] };
  const alarms = isIdleAction(request.action)
    ? await step('deleting its alarms', problems, none, () => deleteAlarmsOf(deps.cloudwatch(request.region), request, deps.ownership))
    : none;
  const alarmsDeleted = alarms.deleted;
  const alarmsKept = alarms.kept;
  problems.push(...alarms.problems.map((p) => `alarm tags not read: ${p}`));
  const eventsSent = await step('sending result events', problems, 0, () => sendResultEvents(deps.events, request));

  const done = event.recheck?.decision === 'alreadyDone' ? event.recheck.reason : event.settle?.detail ?? event.act?.detail ?? 'settled';
  const extra = [
    alarmsDeleted.length > 0 ? `${alarmsDeleted.length} alarm(s) removed` : '',
    alarmsKept.length > 0 ? `${alarmsKept.length} alarm(s) with our prefix but not our owner tag left in place` : '',
    problems.length > 0 ? `but: ${problems.join('; ')}` : '',
  ].filter(Boolean);
  const reason = [done, ...extra].join('; ');
  const log = problems.length > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log('action finished', { resourceArn: request.resourceArn, action: request.action, alarmsDeleted, alarmsKept, eventsSent, problems });
  return { alarmsDeleted, alarmsKept, eventsSent, problems, reason };
}
