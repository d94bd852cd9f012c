/**
 * Structured JSON logs, one line per event (Lambda's JSON log format picks them up as is).
 * Keys named like secrets are redacted: a task token or signature never reaches a log.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'OFF';

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, OFF: 100 };
const SECRET_KEY = /token|secret|password|signature|authorization|cookie/i;

/** Replaces values of secret-looking keys, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export class Logger {
  private readonly minLevel: number;

  constructor(
    private readonly service: string,
    private readonly context: Record<string, unknown> = {},
    level: LogLevel = ((process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel),
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.minLevel = ORDER[level] ?? ORDER.INFO;
  }

  /** A logger that adds `extra` to every line (e.g. the region being collected). */
  child(extra: Record<string, unknown>): Logger {
    const levelName = (Object.keys(ORDER) as LogLevel[]).find((l) => ORDER[l] === this.minLevel) ?? 'INFO';
    return new Logger(this.service, { ...this.context, ...extra }, levelName, this.sink);
  }

  debug(message: string, data?: Record<string, unknown>): void { this.write('DEBUG', message, data); }
  info(message: string, data?: Record<string, unknown>): void { this.write('INFO', message, data); }
  warn(message: string, data?: Record<string, unknown>): void { this.write('WARN', message, data); }
  error(message: string, data?: Record<string, unknown>): void { this.write('ERROR', message, data); }

  private write(level: LogLevel, message: string, data?: Record<string, unknown>): void {
    if (ORDER[level] < this.minLevel) return;
    const line = { level, timestamp: new Date().toISOString(), service: this.service, message, ...this.context, ...(data ? (redact(data) as object) : {}) };
    this.sink(JSON.stringify(line));
  }
}
