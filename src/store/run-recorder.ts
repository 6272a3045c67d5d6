import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { RunHistory, RunRecord } from './run-history.js';

/** How long dispatches wait to be written together (and the wait before trying again when the file is busy). */
const FLUSH_DELAY_MS = 200;
/** Runs per transaction; between chunks the event loop is free, so a 100k burst never stalls beat. */
const CHUNK = 2000;

/**
 * Writes beat's dispatches into the run history in batches, off the dispatch path: `add` only
 * queues, and a timer writes what queued up, one transaction per chunk. Beat's store connection
 * waits only briefly for another process's write lock (a long `import`, say): when the file is
 * busy the runs stay queued and are written on a later try, so beat never stalls on the store.
 */
export class RunRecorder {
  private pending: RunRecord[] = [];
  private timer: TimerHandle | null = null;

  constructor(
    private readonly history: RunHistory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  add(run: RunRecord): void {
    this.pending.push(run);
    this.timer ??= this.clock.setTimer(() => this.flushChunk(), FLUSH_DELAY_MS);
  }

  /** Writes everything still queued (at shutdown; a file still busy loses those runs' history, logged). */
  close(): void {
    this.timer?.cancel();
    this.timer = null;
    while (this.pending.length > 0) {
      const runs = this.pending.splice(0, CHUNK);
      if (!this.write(runs)) this.logger.error(`beat: could not record ${runs.length} run(s) in the schedule store: the file stayed busy`);
    }
  }

  private flushChunk(): void {
    this.timer = null;
    const runs = this.pending.splice(0, CHUNK);
    if (!this.write(runs)) {
      this.pending.unshift(...runs);
      this.timer = this.clock.setTimer(() => this.flushChunk(), FLUSH_DELAY_MS);
    } else if (this.pending.length > 0) {
      this.timer = this.clock.setTimer(() => this.flushChunk(), 0);
    }
  }

  /** Returns false when the file was busy and the runs should be tried again. */
  private write(runs: RunRecord[]): boolean {
    try {
      this.history.record(runs);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      // The runs were published; only their history is lost. Beat carries on.
      this.logger.error(`beat: could not record ${runs.length} run(s) in the schedule store: ${(error as Error).message}`);
    }
    return true;
  }
}
