import { UsageError } from '../errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { Beat, type ReloadSummary } from './beat.js';
import type { BeatStateBackend } from './interfaces.js';
import { buildOccurrenceMessage } from './message.js';
import { ScheduleSources } from './sources.js';
import { openBeatState } from './state/open.js';
import { SourceWatcher } from './watcher.js';

export interface BeatServiceOptions {
  brokerUrl: string;
  /** Schedule files and folders. */
  schedulePaths: string[];
  /** Zone of entries whose file sets none (beat's --timezone); UTC when unset. */
  timezone?: string;
  logger: Logger;
  clock?: Clock;
  cwd?: string;
  /** Watch the schedule files and apply edits without a restart (default true). */
  watch?: boolean;
}

/**
 * Beat as a running service: schedule files (watched), the state backend beside the broker, and the
 * scheduler. Used by `celeriac beat` and by `celeriac worker -B`.
 */
export class BeatService {
  private watcher: SourceWatcher | null = null;
  private reloading: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly beat: Beat,
    readonly backend: BeatStateBackend,
    readonly sources: ScheduleSources,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads the schedules and starts beat. Refuses (UsageError, exit status 2) when a schedule is
   * invalid: at start-up there is no last good version to fall back on.
   */
  static async start(options: BeatServiceOptions): Promise<BeatService> {
    const clock = options.clock ?? systemClock;
    const sources = new ScheduleSources(options.schedulePaths, { timezone: options.timezone });
    const reading = await sources.read();
    if (reading.errors.length > 0) {
      const more = reading.errors.length > 1 ? ` (and ${reading.errors.length - 1} more problem(s); see celeriac schedule check)` : '';
      throw new UsageError(`${reading.errors[0]!.message}${more}`);
    }
    const backend = await openBeatState(options.brokerUrl, { clock, logger: options.logger, cwd: options.cwd });
    const beat = new Beat({ backend, clock, logger: options.logger, buildMessage: buildOccurrenceMessage });
    const service = new BeatService(beat, backend, sources, options.logger);
    await beat.start(reading.entries);
    if (options.watch ?? true) {
      service.watcher = new SourceWatcher(options.schedulePaths, () => { void service.reload('a schedule file changed'); });
    }
    return service;
  }

  /** Re-reads the schedules (on a file change or SIGHUP); a bad edit keeps the last good version running. */
  reload(reason: string): Promise<ReloadSummary> {
    const next = this.reloading.then(async () => {
      this.logger.debug(`beat: Reloading schedules: ${reason}`);
      const reading = await this.sources.read();
      for (const error of reading.errors) this.logger.error(`beat: ${error.message} (keeping the last good version)`);
      const summary = await this.beat.setEntries(reading.entries);
      if (summary.added.length + summary.changed.length + summary.removed.length > 0) {
        this.logger.info(
          `beat: Schedules reloaded: ${summary.added.length} added, ${summary.changed.length} changed, ${summary.removed.length} removed, ${summary.unchanged} unchanged`,
        );
      }
      return summary;
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    await this.reloading;
    await this.beat.stop();
    await this.backend.close();
  }
}
