import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import type { RunHistory, RunRecord } from './run-history.js';

/** How long dispatches wait to be written together. */
const FLUSH_DELAY_MS = 200;
/** Runs per transaction; between chunks the event loop is free, so a 100k burst never stalls beat. */
const CHUNK = 2000;

/**
 * Writes beat's dispatches into the run history in batches, off the dispatch path: `add` only
 * queues, and a timer writes what queued up, one transaction per chunk.
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

  /** Writes everything still queued (at shutdown). */
  close(): void {
    this.timer?.cancel();
    this.timer = null;
    while (this.pending.length > 0) this.write(this.pending.splice(0, CHUNK));
  }

  private flushChunk(): void {
    this.timer = null;
    this.write(this.pending.splice(0, CHUNK));
    if (this.pending.length > 0) this.timer = this.clock.setTimer(() => this.flushChunk(), 0);
  }

  private write(runs: RunRecord[]): void {
    try {
      this.history.record(runs);
    } catch (error) {
      // The runs were published; only their history is lost. Beat carries on.
      this.logger.error(`beat: could not record ${runs.length} run(s) in the schedule store: ${(error as Error).message}`);
    }
  }
}
