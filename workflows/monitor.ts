/**
 * The MONITOR state machine (EXPRESS, every few minutes): resolve the run, collect every region
 * in parallel, route each finding (request an action, notify, or only report), sum up the run.
 * State names read like a runbook; see README "How it works".
 */
import { EXECUTION_ALREADY_EXISTS, REGIONS_FAILED, STATES_ERRORS } from '../core/contracts/errors';
import { INPUT_ENVELOPE } from '../core/contracts/events';
import { behaviourShape, type Behaviour, type DeployConfig } from '../config/schema';
import {
  Choice,
  Condition,
  EXPRESS_MAX_SECONDS,
  Fail,
  MapState,
  Pass,
  StateMachineDefinition,
  Succeed,
  intrinsic,
  lambdaTask,
  type LambdaTarget,
  path,
  snsPublish,
  startExecution,
  type JsonObject,
  type RetryRule,
} from './asl';

/** Regions collected at once: new accounts have a Lambda concurrency quota of 10. */
export const REGION_CONCURRENCY = 5;
/** Findings of one region routed at once. */
export const FINDING_CONCURRENCY = 5;
export interface MonitorWiring {
  /** The function of a task of `tasks/registry.ts`, by task name. */
  lambda(taskName: string): LambdaTarget;
  /** The ACTION state machine: every finding the configuration allows acting on starts one execution. */
  actionStateMachineArn: string;
  /** Topic in the home region that receives finding notifications. */
  notificationTopicArn: string;
  /** Behaviour embedded as the run's defaults (per-run input overrides it). */
  defaults: Behaviour;
}

/** The behaviour keys of a deploy config: what a run starts from. */
export function behaviourDefaults(config: DeployConfig): Behaviour {
  return Object.fromEntries(Object.keys(behaviourShape).map((k) => [k, config[k as keyof DeployConfig]])) as Behaviour;
}

/** Retry of Step Functions / SNS calls (throttling, transient faults); short to fit an EXPRESS run. */
export const DELIVERY_RETRY: RetryRule = { errors: [STATES_ERRORS.taskFailed], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2, jitter: 'FULL' };

/** One finding: request the action it calls for and/or notify, or only report it. */
function decideFinding(w: MonitorWiring): Choice {
  // A finding that cannot be delivered must not stop the other findings or regions; the failure
  // stays visible in the execution log (and the finding comes back next run).
  const undelivered = new Pass('RecordUndeliveredFinding', {
    comment: 'Delivery failed after retries; logged, the next run finds it again',
    parameters: { resourceArn: path('$.resourceArn'), delivered: false, error: path('$.failure.Error'), cause: path('$.failure.Cause') },
  });
  // The input wraps the original request event in the MONITOR's envelope: the ACTION reads the
  // finding's origin from it (and re-checks everything from its own reads).
  // The name is deterministic: a finding seen again (next hour, retried run) is not started twice.
  const startAction = (name: string, comment: string) =>
    startExecution(name, {
      comment,
      stateMachineArn: w.actionStateMachineArn,
      executionName: path('$.actionName'),
      input: { [INPUT_ENVELOPE.finding]: { 'detail-type': path('$.event.detailType'), detail: path('$.event.detail') } },
      resultPath: null,
      // No blanket retry: ExecutionAlreadyExists is a task failure too. A start that fails
      // otherwise is logged below; the finding and its name come back next hour.
    })
      .addCatch(new Succeed(`${name}AlreadyRequested`, 'An execution for this very finding exists already (same name)'), {
        errors: [EXECUTION_ALREADY_EXISTS],
        resultPath: '$.failure',
      })
      .addCatch(undelivered, { resultPath: '$.failure' });
  // The ONE write of a dry run, on purpose: the finding emails are what a dry run is for (it
  // reports every decision). Everything else a dry run only counts (run output: wouldWrite).
  const notify = snsPublish('NotifyFinding', {
    comment: 'Email the finding and its evidence to the home-region topic (a dry run sends these too: they are its report)',
    topicArn: w.notificationTopicArn,
    subject: path('$.notification.subject'),
    message: path('$.notification.message'),
    resultPath: null,
    retry: [DELIVERY_RETRY],
  }).addCatch(undelivered, { resultPath: '$.failure' });
  const actable = (kind: string) =>
    Condition.and(
      Condition.stringEquals('$.kind', kind),
      Condition.booleanEquals('$.actionEnabled', true),
      Condition.booleanEquals('$.dryRun', false)
    );

  return new Choice('RouteFinding', { comment: 'Act only when the configuration allows it and this is not a dry run' })
    .when(actable('idle'), startAction('StartIdleAction', 'The ACTION workflow stops / deletes the idle resource (after approval, by its mode)'))
    .when(actable('overProvisioned'), startAction('StartCapacityChange', 'The ACTION workflow lowers the minimum (after approval, by its mode)'))
    .when(Condition.booleanEquals('$.dryRun', true), notify)
    .otherwise(new Succeed('ReportOnly', 'Reported in the run output and the logs; nothing to request'));
}

/** One region: collect it, route its findings, keep a small summary (counts, not findings). */
function collectRegion(w: MonitorWiring): MapState {
  const recordFailure = new Pass('RecordRegionFailure', {
    comment: 'One failing region never stops the others',
    parameters: { region: path('$.region'), ok: false, error: path('$.failure.Error'), cause: path('$.failure.Cause') },
  });
  const collect = lambdaTask('CollectRegion', w.lambda('collect'), {
    comment: 'List, read metrics, publish utilization, reconcile alarms, find idle / over-provisioned resources (a dry run writes nothing and counts what it would write)',
    payload: { region: path('$.region'), run: path('$.run') },
  }).addCatch(recordFailure, { resultPath: '$.failure' });

  const decideEach = new MapState('DecideEachFinding', {
    itemsPath: '$.findings',
    maxConcurrency: FINDING_CONCURRENCY,
    resultPath: null,
  }).itemProcessor(decideFinding(w));

  const summarize = new Pass('SummarizeRegion', {
    comment: 'Findings are counted, not carried on: payloads stay small',
    parameters: {
      region: path('$.region'),
      ok: path('$.ok'),
      resources: path('$.resources'),
      metricsWritten: path('$.metricsWritten'),
      alarms: path('$.alarms'),
      wouldWrite: path('$.wouldWrite'),
      findings: intrinsic('States.ArrayLength($.findings)'),
      deferredFindings: path('$.deferredFindings'),
      problems: path('$.problems'),
      fleetFingerprint: path('$.fleetFingerprint'),
      apiCalls: path('$.apiCalls'),
      carriedOver: path('$.carriedOver'),
    },
  });

  return new MapState('CollectEachRegion', {
    itemsPath: '$.regions',
    itemSelector: { region: path('$$.Map.Item.Value'), run: path('$.run') },
    maxConcurrency: REGION_CONCURRENCY,
    resultPath: '$.regionResults',
  }).itemProcessor(collect.next(decideEach).next(summarize));
}

/**
 * The data-feed checks of every region (dataFeedChecks on): after the collects, one task per
 * region; a failing one is recorded and never fails the run (reports only).
 */
function checkDataFeed(w: MonitorWiring): MapState {
  const recordFailure = new Pass('RecordDataFeedFailure', {
    comment: 'A data-feed check that failed is a problem of the run summary, never a failed run',
    parameters: { region: path('$.region'), ok: false, error: path('$.failure.Error'), cause: path('$.failure.Cause') },
  });
  const check = lambdaTask('CheckDataFeed', w.lambda('data-feed'), {
    comment: 'Dataset groups in their hourly slot: event ingestion, imports, training, models served; notify what opened or recovered (reports only)',
    payload: { region: path('$.region'), run: path('$.run') },
  }).addCatch(recordFailure, { resultPath: '$.failure' });
  return new MapState('CheckDataFeedEachRegion', {
    itemsPath: '$.regions',
    itemSelector: { region: path('$$.Map.Item.Value'), run: path('$.run') },
    maxConcurrency: REGION_CONCURRENCY,
    resultPath: '$.dataFeedResults',
  }).itemProcessor(check);
}

/** The MONITOR definition. */
export function monitorDefinition(w: MonitorWiring): StateMachineDefinition {
  const validate = lambdaTask('ValidateRunInput', w.lambda('validate-input'), {
    comment: 'Per-run overrides over the deployed defaults; an invalid input fails the run here, before anything changes',
    payload: {
      defaults: w.defaults as unknown as JsonObject,
      input: path('$'),
      startedAt: path('$$.Execution.StartTime'),
      executionName: path('$$.Execution.Name'),
    },
  });
  const summarizeRun = lambdaTask('SummarizeRun', w.lambda('summarize-run'), {
    comment: 'Totals across regions; publishes monitoredResourceCount (a dry run only counts it)',
    payload: { run: path('$.run'), regionResults: path('$.regionResults'), dataFeedResults: path('$.dataFeedResults') },
    resultPath: '$.summary',
  });
  const outcome = new Pass('ReportRun', { comment: 'The run summary is the execution output', inputPath: '$.summary.Payload' }).next(
    new Choice('AnyRegionFailed')
      .when(
        Condition.booleanEquals('$.anyRegionFailed', true),
        new Fail('RegionsFailed', {
          comment: 'The other regions were monitored; the cause names each failed region and its error (SummarizeRun failureCause)',
          error: REGIONS_FAILED,
          causePath: '$.failureCause',
        })
      )
      .otherwise(new Succeed('RunSucceeded'))
  );

  // The rebuild runs asynchronously: a big fleet's dashboard must not eat the 5-minute EXPRESS budget.
  const rebuildDashboard = lambdaTask('RebuildDashboard', w.lambda('build-dashboard'), {
    comment: 'The fleet changed (resource added, removed, minimum changed): redraw the dashboard',
    // Only the run's selection: findings, actions and health are live Logs Insights tables, not inputs.
    payload: { run: path('$.run'), reason: 'fleet changed' },
    invocationType: 'Event',
    resultPath: null,
  }).addCatch(
    new Pass('RecordDashboardFailure', {
      comment: 'A dashboard that cannot be redrawn never fails the run; the hourly rebuild tries again',
      resultPath: '$.dashboardFailure',
      parameters: { error: path('$.failure.Error'), cause: path('$.failure.Cause') },
    }).next(outcome),
    { resultPath: '$.failure' }
  );
  // A dry run writes no dashboard: the summary reports wouldWrite.dashboard instead.
  const dashboard = new Choice('FleetChanged', { comment: 'Redraw only for a real run; a dry run reports that it would' })
    .when(
      Condition.and(Condition.booleanEquals('$.summary.Payload.fleetChanged', true), Condition.booleanEquals('$.summary.Payload.dryRun', false)),
      rebuildDashboard.next(outcome)
    )
    .otherwise(outcome);

  const dataFeed = new Choice('DataFeedChecksOn', { comment: 'Data-feed checks unless the run turns them off (dataFeedChecks)' })
    .when(Condition.booleanEquals('$.run.dataFeedChecks', true), checkDataFeed(w).next(summarizeRun))
    .otherwise(new Pass('NoDataFeedChecks', { resultPath: '$.dataFeedResults', parameters: { none: true } }).next(summarizeRun));
  const flow = validate.next(collectRegion(w)).next(dataFeed);
  summarizeRun.next(dashboard);
  return new StateMachineDefinition(flow, {
    type: 'EXPRESS',
    comment: 'Personalize Monitor: utilization, alarms and findings for every campaign and recommender',
    timeoutSeconds: EXPRESS_MAX_SECONDS,
  });
}
