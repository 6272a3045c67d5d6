import { appendFileSync } from 'node:fs';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const LEVELS: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

export function parseLogLevel(text: string): LogLevel {
  const upper = text.toUpperCase();
  const level = upper === 'WARN' ? 'WARNING' : upper === 'FATAL' ? 'CRITICAL' : upper;
  if (level in LEVELS) return level as LogLevel;
  throw new Error(`unknown log level "${text}" (use debug, info, warning, error or critical)`);
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Appends to this file instead of writing to stderr (Celery's -f/--logfile). */
  file?: string;
  /** Celery's processName column: MainProcess, Beat, Worker-1 ... */
  processName?: string;
  /** Where lines go when there is no file; tests capture them here. */
  sink?: (line: string) => void;
}

/** Lines formatted like Celery's: `[2026-01-01 12:00:00,000: INFO/MainProcess] message`. */
export class Logger {
  readonly level: LogLevel;
  private readonly threshold: number;

  constructor(private readonly options: LoggerOptions = {}) {
    this.level = options.level ?? 'INFO';
    this.threshold = LEVELS[this.level];
  }

  child(processName: string): Logger {
    return new Logger({ ...this.options, processName });
  }

  isEnabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.threshold;
  }

  debug(message: string): void { this.log('DEBUG', message); }
  info(message: string): void { this.log('INFO', message); }
  warning(message: string): void { this.log('WARNING', message); }
  error(message: string): void { this.log('ERROR', message); }
  critical(message: string): void { this.log('CRITICAL', message); }

  log(level: LogLevel, message: string): void {
    if (LEVELS[level] < this.threshold) return;
    const line = `[${formatLogTime(new Date())}: ${level}/${this.options.processName ?? 'MainProcess'}] ${message}\n`;
    if (this.options.sink) this.options.sink(line);
    else if (this.options.file) appendFileSync(this.options.file, line);
    else process.stderr.write(line);
  }
}

/** Local time as Python's logging prints asctime: `2026-01-01 12:00:00,000`. */
export function formatLogTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

/** A logger that drops everything, for library use without output. */
export const silentLogger = new Logger({ level: 'CRITICAL', sink: () => {} });
