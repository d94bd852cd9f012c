/**
 * Structured JSON logs, one line per event, on Powertools for AWS Lambda's Logger: every line
 * carries the level, time, service (the task's name), and once `addContext` ran the request id,
 * cold-start flag and function, plus the X-Ray trace id Lambda sets. Keys named like secrets are
 * redacted before anything reaches Powertools: a task token or signature never reaches a log.
 */
import { Logger as PowertoolsLogger, type LogItem } from '@aws-lambda-powertools/logger';
import { RECORD_MESSAGE, type MonitorRecord } from '../../core/contracts/records';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'OFF';

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, OFF: 100 };
const SECRET_KEY = /token|secret|password|signature|authorization|cookie/i;

/** The parts of the Lambda context the logs use (handlers receive the whole context). */
export interface LambdaContext {
  awsRequestId?: string;
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string | number;
}

/** Replaces values of secret-looking keys, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** Powertools' Logger writing each formatted line to `sink` (stdout by default, an array in tests). */
class SinkLogger extends PowertoolsLogger {
  sink: (line: string) => void = (line) => process.stdout.write(line + '\n');

  protected override printLog(_level: number, log: LogItem): void {
    log.prepareForPrint();
    this.sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

/** The level named by LOG_LEVEL (the local runner sets OFF), else Lambda's own, else INFO. */
function levelFromEnv(): LogLevel {
  return (process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
}

export class Logger {
  private readonly minLevel: number;
  private readonly root: SinkLogger;

  constructor(
    service: string,
    private readonly context: Record<string, unknown> = {},
    level: LogLevel = levelFromEnv(),
    sink?: (line: string) => void,
    root?: SinkLogger,
  ) {
    this.minLevel = ORDER[level] ?? ORDER.INFO;
    // Levels are filtered here (OFF included); Powertools prints whatever reaches it.
    this.root = root ?? new SinkLogger({ serviceName: service, logLevel: 'DEBUG' });
    if (sink) this.root.sink = sink;
  }

  /**
   * Adds the invocation's request id, cold start and function to every line from now on (this
   * logger and its children). Handlers call it first; without a context (tests) it does nothing.
   */
  addContext(context: LambdaContext | undefined): void {
    if (context?.awsRequestId) this.root.addContext(context as unknown as Parameters<PowertoolsLogger['addContext']>[0]);
  }

  /** A logger that adds `extra` to every line (e.g. the region being collected). */
  child(extra: Record<string, unknown>): Logger {
    const levelName = (Object.keys(ORDER) as LogLevel[]).find((l) => ORDER[l] === this.minLevel) ?? 'INFO';
    return new Logger('', { ...this.context, ...extra }, levelName, undefined, this.root);
  }

  debug(message: string, data?: Record<string, unknown>): void { this.write('DEBUG', message, data); }
  info(message: string, data?: Record<string, unknown>): void { this.write('INFO', message, data); }
  warn(message: string, data?: Record<string, unknown>): void { this.write('WARN', message, data); }
  error(message: string, data?: Record<string, unknown>): void { this.write('ERROR', message, data); }
  /** A record line for the dashboard's Logs Insights widgets (core/contracts/records.ts), at INFO. */
  record(record: MonitorRecord): void { this.write('INFO', RECORD_MESSAGE, record as unknown as Record<string, unknown>); }

  private write(level: Exclude<LogLevel, 'OFF'>, message: string, data?: Record<string, unknown>): void {
    if (ORDER[level] < this.minLevel) return;
    const extra = redact({ ...this.context, ...(data ?? {}) }) as Record<string, unknown>;
    const method = level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error';
    this.root[method](message, extra);
  }
}
