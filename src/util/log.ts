import { closeSync, openSync, writeSync } from 'node:fs';

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

/**
 * Where a process's lines go: a log file (opened once, appended to) or stderr. Lines logged by one
 * stretch of synchronous work are joined and written with one call right after it (a microtask):
 * beat logs a line per dispatch, and a write per line (appendFileSync: open, write, close) cost
 * more than the dispatch itself at 10k dispatches a second. What is pending is written when the
 * process exits.
 */
class LineWriter {
  private static readonly byTarget = new Map<string, LineWriter>();
  private pending: string[] = [];
  private fd: number | null = null;

  /** The one writer of a file ('' for stderr), shared by every logger writing there. */
  static for(file: string | undefined): LineWriter {
    const target = file ?? '';
    let writer = LineWriter.byTarget.get(target);
    if (!writer) {
      if (LineWriter.byTarget.size === 0) process.once('exit', () => { for (const w of LineWriter.byTarget.values()) w.flush(); });
      writer = new LineWriter(target);
      LineWriter.byTarget.set(target, writer);
    }
    return writer;
  }

  private constructor(private readonly file: string) {}

  write(line: string): void {
    if (this.pending.push(line) === 1) queueMicrotask(() => this.flush());
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    if (this.file === '') {
      process.stderr.write(text);
      return;
    }
    try {
      this.fd ??= openSync(this.file, 'a');
      writeSync(this.fd, text);
    } catch (error) {
      // A full disk or a removed folder must not stop beat or a worker: say so, and open afresh next time.
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      process.stderr.write(`celeriac: cannot write the log file ${this.file}: ${(error as Error).message}\n${text}`);
    }
  }
}

/** Lines formatted like Celery's: `[2026-01-01 12:00:00,000: INFO/MainProcess] message`. */
export class Logger {
  readonly level: LogLevel;
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  /** The timestamp of the last line, reused while the millisecond is the same (a burst logs thousands per ms). */
  private stampMs = NaN;
  private stamp = '';

  constructor(private readonly options: LoggerOptions = {}) {
    this.level = options.level ?? 'INFO';
    this.threshold = LEVELS[this.level];
    if (options.sink) this.write = options.sink;
    else {
      const writer = LineWriter.for(options.file);
      this.write = (line) => writer.write(line);
    }
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
    const nowMs = Date.now();
    if (nowMs !== this.stampMs) {
      this.stampMs = nowMs;
      this.stamp = formatLogTime(new Date(nowMs));
    }
    this.write(`[${this.stamp}: ${level}/${this.options.processName ?? 'MainProcess'}] ${message}\n`);
  }
}

/** Local time as Python's logging prints asctime: `2026-01-01 12:00:00,000`. */
export function formatLogTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

/** A logger that drops everything, for library use without output. */
export const silentLogger = new Logger({ level: 'CRITICAL', sink: () => {} });
