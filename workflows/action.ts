/**
 * The ACTION state machine (STANDARD): one execution = one action on one resource.
 * Validate → (report | ask for approval | act) → re-check → act → wait until settled → finish.
 * Every notification goes through the `action-notify` task (friendly text, not raw JSON).
 * State names read like a runbook; see README "Acting safely".
 */
import type { Behaviour } from '../config/schema';
import type { ActionPolicy, Outcome } from '../core/contracts/action';
import { ACTION_FAILED, APPROVAL_REJECTED_ERROR, SETTLE_TIMEOUT, STATES_ERRORS, THROTTLING_ERROR } from '../core/contracts/errors';
import {
  Choice,
  Condition,
  Fail,
  LAMBDA_DEFAULT_RETRY,
  Pass,
  StateMachineDefinition,
  Succeed,
  Task,
  Wait,
  intrinsic,
  lambdaTask,
  path,
  type JsonObject,
  type LambdaTarget,
  type RetryRule,
  type Template,
} from './asl';
import { HOUR_SECONDS } from '../core/time';

/** Seconds between two settle checks. */
export const SETTLE_WAIT_SECONDS = 60;
/** Settle checks before giving up (90 × 60 s = 90 minutes; a campaign update takes minutes). */
export const MAX_SETTLE_ROUNDS = 90;
/** Slack on the whole execution beyond the approval wait and the settle loop. */
export const EXECUTION_SLACK_SECONDS = HOUR_SECONDS;

/** Personalize throttling surfaced by the tasks under one name (tasks/action-shared/errors.ts). */
export const THROTTLING_RETRY: RetryRule = { errors: [THROTTLING_ERROR], intervalSeconds: 5, maxAttempts: 6, backoffRate: 2, maxDelaySeconds: 120, jitter: 'FULL' };

export interface ActionWiring {
  /** The function of a task of `tasks/registry.ts`, by task name. */
  lambda(taskName: string): LambdaTarget;
  /** Deployed behaviour (modes, approval lifetime, prices, exemption tag, regions). */
  defaults: Behaviour;
  /** Capacity bounds and whether approval emails can reach anyone. */
  policy: ActionPolicy;
}

/** Retry of a notification (SNS may fail for a moment); after these the outcome stands and the failure is recorded. */
export const NOTIFY_RETRY: RetryRule = { errors: [STATES_ERRORS.all], intervalSeconds: 2, maxAttempts: 3, backoffRate: 2, jitter: 'FULL' };

/** A Lambda task of this machine (see `lambdaTask`: `select` picks fields of the handler's result). */
function invoke(w: ActionWiring, name: string, task: string, options: Parameters<typeof lambdaTask>[2]): Task {
  return lambdaTask(name, w.lambda(task), options);
}

/**
 * `lambda:invoke.waitForTaskToken`: the state's result is what SendTaskSuccess sends (no
 * `Payload` wrapper), and it waits at most `timeoutSeconds`, counted from when it was entered.
 */
function requestApprovalTask(w: ActionWiring): Task {
  const target = w.lambda('action-request-approval');
  return new Task('RequestApproval', {
    comment: 'Store a pending approval under an unguessable id, email the approve / reject links, wait for the decision',
    integration: 'lambda:invoke.waitForTaskToken',
    parameters: {
      FunctionName: target.arn,
      Payload: { taskToken: path('$$.Task.Token'), request: path('$.request'), run: path('$.run'), enteredAt: path('$$.State.EnteredTime') },
    },
    resultPath: '$.approval',
    timeoutSeconds: w.defaults.approvalLifetimeHours * HOUR_SECONDS,
    retry: [LAMBDA_DEFAULT_RETRY],
    policyStatements: [{ actions: ['lambda:InvokeFunction'], resources: [target.arn, `${target.arn}:*`] }],
  });
}

/** A Notify* state: the friendly email of one outcome (retried; see `notifyThen`). */
function notify(w: ActionWiring, name: string, outcome: Outcome, detailPath?: string): Task {
  // $.approval: set by ValidateAction ({ approved: false }), replaced by a person's approval.
  const payload: Template = { outcome, request: path('$.request'), run: path('$.run'), approval: path('$.approval') };
  if (detailPath) payload.detail = path(detailPath);
  return invoke(w, name, 'action-notify', { comment: `Email: ${outcome}`, payload, resultPath: null, retry: [NOTIFY_RETRY] });
}

/**
 * A Notify* state followed by the outcome it reports. The outcome is what happened to the
 * resource: an email that still fails after its retries is recorded in `$.notificationFailure`
 * and the execution ends in that same outcome, never as if the action had failed.
 */
function notifyThen(w: ActionWiring, name: string, outcome: Outcome, detailPath: string | undefined, end: Succeed | Fail): Task {
  const task = notify(w, name, outcome, detailPath);
  const record = new Pass(`${name}Undelivered`, { comment: 'The email could not be sent after retries ($.notificationFailure); the outcome stands' });
  task.addCatch(record, { resultPath: '$.notificationFailure' });
  task.next(end);
  record.next(end);
  return task;
}

/** The ACTION definition. */
export function actionDefinition(w: ActionWiring): StateMachineDefinition {
  const state = { request: path('$.request'), run: path('$.run') };

  // Failure path: every caught error lands in $.error, is emailed, and fails the execution.
  const actionFailed = new Fail('ActionFailed', { error: ACTION_FAILED, cause: 'The action did not complete; the failure email and the execution history say why.' });
  const notifyFailed = notifyThen(w, 'NotifyFailed', 'failed', '$.error', actionFailed);
  const catchToFailed = { resultPath: '$.error' };

  const validate = invoke(w, 'ValidateAction', 'action-validate', {
    comment: 'Validate the request, read its origin from the envelope the entry point built, resolve its approval mode; invalid input fails here, before anything changes',
    payload: {
      defaults: w.defaults as unknown as JsonObject,
      policy: w.policy as unknown as JsonObject,
      input: path('$'),
      startedAt: path('$$.Execution.StartTime'),
      executionArn: path('$$.Execution.Id'),
    },
    // No ResultPath: the selected result replaces the input (the local executor mishandles `$`),
    // so nothing of the raw input survives except what ValidateAction accepted.
    select: ['request', 'run', 'approval'],
  });

  // Report only.
  const reportOnly = notifyThen(w, 'NotifyReportOnly', 'report', undefined, new Succeed('ReportedOnly', 'Dry-run or report mode: nothing was changed'));

  // Approval.
  const requestApproval = requestApprovalTask(w);
  const notifyExpired = notifyThen(w, 'NotifyExpired', 'expired', '$.error', new Succeed('ApprovalExpired', 'Nobody decided in time: nothing was changed'));
  const notifyRejected = notifyThen(w, 'NotifyRejected', 'rejected', '$.error', new Succeed('Rejected', 'A person rejected the action: nothing was changed'));
  requestApproval
    .addCatch(notifyExpired, { errors: [STATES_ERRORS.timeout], resultPath: '$.error' })
    .addCatch(notifyRejected, { errors: [APPROVAL_REJECTED_ERROR], resultPath: '$.error' })
    .addCatch(notifyFailed, catchToFailed);

  // Re-check, act, settle, finish.
  const recheck = invoke(w, 'RecheckResource', 'action-recheck', {
    comment: 'From its own reads: idle over its own window ending now / within the bounds, updatable, not exempt?',
    payload: { ...state, approval: path('$.approval') },
    resultPath: '$.recheck',
    select: ['decision', 'reason', 'current'],
    retry: [LAMBDA_DEFAULT_RETRY, THROTTLING_RETRY],
  }).addCatch(notifyFailed, catchToFailed);
  requestApproval.next(recheck);

  const notifySkipped = notifyThen(w, 'NotifySkipped', 'skipped', '$.recheck', new Succeed('Skipped', 'The re-check did not allow the action: nothing was changed'));

  const act = invoke(w, 'Act', 'action-act', {
    comment: 'Delete / stop / set the minimum; a resource already deleting, stopping or updating counts as done',
    payload: { ...state, approval: path('$.approval') },
    resultPath: '$.act',
    select: ['result', 'detail'],
    retry: [LAMBDA_DEFAULT_RETRY, THROTTLING_RETRY],
  }).addCatch(notifyFailed, catchToFailed);

  const startSettling = new Pass('StartSettling', { comment: 'No settle round yet', result: { rounds: 0, settled: false }, resultPath: '$.settle' });
  const waitUntilSettled = new Wait('WaitUntilSettled', SETTLE_WAIT_SECONDS, 'Personalize changes take minutes');
  const checkSettled = invoke(w, 'CheckSettled', 'action-check-settled', {
    comment: 'Deleted, stopped (INACTIVE), or ACTIVE at the new minimum?',
    payload: { ...state, settle: path('$.settle') },
    resultPath: '$.settle',
    select: ['settled', 'rounds', 'status', 'detail'],
    retry: [LAMBDA_DEFAULT_RETRY, THROTTLING_RETRY],
  }).addCatch(notifyFailed, catchToFailed);
  const settleTimedOut = new Pass('SettleTimedOut', {
    comment: 'The change did not settle within the bounded number of rounds',
    parameters: { Error: SETTLE_TIMEOUT, Cause: `The resource did not settle after ${MAX_SETTLE_ROUNDS} checks ${SETTLE_WAIT_SECONDS} s apart` },
    resultPath: '$.error',
  });
  settleTimedOut.next(notifyFailed);

  // From here on the action has taken effect: nothing after it may report it as failed.
  const notifyDone = notifyThen(w, 'NotifyDone', 'done', '$.finish', new Succeed('Done', 'The action took effect (read back from Personalize)'));
  const finish = invoke(w, 'Finish', 'action-finish', {
    comment: "Remove the resource's alarms (stop/delete), emit the result event and a dashboard rebuild",
    payload: { ...state, recheck: path('$.recheck'), act: path('$.act'), settle: path('$.settle') },
    resultPath: '$.finish',
    select: ['reason', 'problems'],
    retry: [LAMBDA_DEFAULT_RETRY, THROTTLING_RETRY],
  });
  const cleanupFailed = new Pass('CleanupFailed', {
    comment: 'The action settled but its clean-up failed after retries: still done, and the email says what was left',
    parameters: { reason: intrinsic("States.Format('{}; but the clean-up after it failed ({}): its alarms or result events may be left', $.settle.detail, $.finishFailure.Error)") },
    resultPath: '$.finish',
  });
  finish.addCatch(cleanupFailed, { resultPath: '$.finishFailure' });
  finish.next(notifyDone);
  cleanupFailed.next(notifyDone);

  const settled = new Choice('Settled')
    .when(Condition.booleanEquals('$.settle.settled', true), finish)
    .when(Condition.numberGreaterThan('$.settle.rounds', MAX_SETTLE_ROUNDS - 1), settleTimedOut)
    .otherwise(waitUntilSettled);
  startSettling.next(waitUntilSettled).next(checkSettled).next(settled);
  // Finish reads $.act even when the re-check found the action already done.
  const noCall = new Pass('NothingToCall', { comment: 'Already done or under way: no call was made', result: { result: 'alreadyDone' }, resultPath: '$.act' });
  noCall.next(startSettling);
  act.next(startSettling);

  const recheckOutcome = new Choice('RecheckOutcome', { comment: 'needsApproval: a raise beyond maxAutoRaiseFactor waits for a person whatever mode was asked for' })
    .when(Condition.stringEquals('$.recheck.decision', 'proceed'), act)
    .when(Condition.stringEquals('$.recheck.decision', 'alreadyDone'), noCall)
    .when(Condition.stringEquals('$.recheck.decision', 'needsApproval'), requestApproval)
    .otherwise(notifySkipped);
  recheck.next(recheckOutcome);

  const chooseMode = new Choice('ChooseApprovalMode', { comment: 'report: only tell; approval: ask a person first; auto: act' })
    .when(Condition.stringEquals('$.request.mode', 'report'), reportOnly)
    .when(Condition.stringEquals('$.request.mode', 'approval'), requestApproval)
    .otherwise(recheck);
  validate.next(chooseMode);

  const approvalWait = w.defaults.approvalLifetimeHours * HOUR_SECONDS;
  return new StateMachineDefinition(validate, {
    type: 'STANDARD',
    comment: 'Personalize Monitor ACTION: one action on one resource, optionally after email approval',
    timeoutSeconds: approvalWait + MAX_SETTLE_ROUNDS * SETTLE_WAIT_SECONDS + EXECUTION_SLACK_SECONDS,
  });
}
