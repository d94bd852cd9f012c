/**
 * Connects the runner to a `SimAccount` (sim/account.ts): its clock, the hooks the runner acts
 * on (StartExecution accepted, task answered, event put) and the calls that keep the sim's view
 * of executions and task tokens true. The sim owns a single slot per hook: one runner per account.
 */
import type { SimAccount } from '../sim/account';
import type { SimLink } from './runner';

/** A `SimLink` over an in-process `SimAccount` served at `endpointUrl`. */
export function linkSimAccount(account: SimAccount, endpointUrl: string): SimLink {
  return {
    endpointUrl,
    clock: account.clock,
    onStartExecution(listener) {
      account.sfn.onStartExecution = (e) =>
        listener({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, input: e.input, startDate: e.startDate, caller: e.caller });
    },
    onTaskCallback(listener) {
      account.sfn.onTaskResult = (r) => listener({ token: r.token, kind: r.kind, output: r.output, error: r.error, cause: r.cause });
    },
    onEvent(listener) {
      account.events.onEvent = (e) =>
        listener({ region: e.region, eventBusName: e.eventBusName, id: e.id, source: e.source, detailType: e.detailType, detail: e.detail, resources: e.resources, time: e.time });
    },
    registerTaskToken(token, opts) {
      account.sfn.registerTaskToken(token, opts);
    },
    completeExecution(executionArn, result) {
      account.sfn.completeExecution(executionArn, result);
    },
    publishServiceMetric(metric, timestampMs, value) {
      account.metrics.put(metric, timestampMs, { sampleCount: 1, sum: value, min: value, max: value });
    },
  };
}
