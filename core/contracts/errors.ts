/**
 * Error names that cross a boundary: a task throws them and a state machine catches or retries
 * on them (Step Functions matches the error NAME), or a Fail state ends an execution with them
 * and people, tests and the demo read them. The error classes take their `name` from here.
 */

/** The ACTION input is invalid (ValidateAction); the execution fails before anything changes. */
export const ACTION_INPUT_ERROR = 'ActionInputError';
/** The action cannot be carried out as asked (Act, CheckSettled); caught → NotifyFailed. */
export const ACTION_FAILED_ERROR = 'ActionFailedError';
/** The MONITOR run input is invalid (ValidateRunInput). */
export const INVALID_RUN_INPUT_ERROR = 'InvalidRunInputError';
/** A task's environment is missing or malformed (deployment mistake). */
export const CONFIGURATION_ERROR = 'ConfigurationError';
/** One region could not be collected; caught per region by the MONITOR. */
export const REGION_COLLECT_ERROR = 'RegionCollectError';
/** PutDashboard rejected a dashboard body. */
export const DASHBOARD_VALIDATION_ERROR = 'DashboardValidationError';

/** Every kind of AWS throttling, surfaced by the ACTION tasks under this one name, which the definition retries. */
export const THROTTLING_ERROR = 'ThrottlingException';
/** Sent by the approval endpoint with SendTaskFailure when a person rejects; the ACTION catches it. */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejected';
/** Error of states:startExecution when the name was used (same finding, already requested). */
export const EXECUTION_ALREADY_EXISTS = 'StepFunctions.ExecutionAlreadyExistsException';

/** Error of the ACTION's failure end state (the Fail state; the task error above is ACTION_FAILED_ERROR). */
export const ACTION_FAILED = 'ActionFailed';
/** Error the ACTION records when a change did not settle within its rounds. */
export const SETTLE_TIMEOUT = 'SettleTimeout';
/** Error of the MONITOR's end state when a region failed. */
export const REGIONS_FAILED = 'RegionsFailed';

/** Step Functions' own error names. */
export const STATES_ERRORS = {
  all: 'States.ALL',
  timeout: 'States.Timeout',
  taskFailed: 'States.TaskFailed',
} as const;
