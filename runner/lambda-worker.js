/**
 * Child process that hosts ONE Lambda function like a warm container: the bundle is loaded once
 * (init), module-level state survives between invocations, one invocation at a time.
 * Plain CommonJS so it starts with bare `node` (no TypeScript loader): this is the Lambda runtime.
 * Protocol (IPC): parent sends {type:'invoke', id, event, deadlineMs, clockMs}; child answers
 * {type:'result', id, ok, result | error:{errorType, errorMessage, trace}}; child sends {type:'ready', initMs} once.
 */
'use strict';
const path = require('node:path');

const handlerSpec = process.env._HANDLER || 'index.handler';
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME || 'local';

function toError(err) {
  const e = err instanceof Error ? err : new Error(typeof err === 'string' ? err : JSON.stringify(err));
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: String(e.stack || '').split('\n') };
}

// The container's wall clock is the simulated clock: each invocation carries the simulated
// instant it starts at; Date (now and argument-less construction) runs on from there.
// Timers (setTimeout) stay real: they measure real work, like the function timeout.
const RealDate = Date;
let clockOffsetMs = 0;
class SimulatedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + clockOffsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + clockOffsetMs;
  }
}
globalThis.Date = SimulatedDate;

let handler;
let initError;
const initStart = process.hrtime.bigint();
try {
  const dot = handlerSpec.lastIndexOf('.');
  const file = path.join(taskRoot, handlerSpec.slice(0, dot));
  const mod = require(file);
  handler = mod[handlerSpec.slice(dot + 1)];
  if (typeof handler !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: `${handlerSpec} is undefined or not exported`, trace: [] };
  }
} catch (err) {
  initError = { ...toError(err), errorType: 'Runtime.ImportModuleError' };
}
const initMs = Number(process.hrtime.bigint() - initStart) / 1e6;

process.on('message', async (msg) => {
  if (!msg || msg.type !== 'invoke') return;
  if (typeof msg.clockMs === 'number') clockOffsetMs = msg.clockMs - RealDate.now();
  if (initError) {
    process.send({ type: 'result', id: msg.id, ok: false, error: initError });
    return;
  }
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.PM_LOCAL_FUNCTION_ARN || functionName,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
    awsRequestId: msg.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadlineMs - RealDate.now()),
  };
  try {
    const result = await handler(msg.event, context);
    process.send({ type: 'result', id: msg.id, ok: true, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ type: 'result', id: msg.id, ok: false, error: toError(err) });
  }
});

// The host went away (its process ended): a container never outlives its host.
process.on('disconnect', () => process.exit(0));

// Like the Lambda runtime: an unhandled rejection ends the container.
process.on('unhandledRejection', (err) => {
  console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled rejection', error: toError(err) }));
  process.exit(1);
});

process.send({ type: 'ready', initMs });
