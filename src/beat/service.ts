import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Entry } from '../schedule/entry-types.js';
import { StoreSource } from '../store/beat-source.js';
import { RunRecorder } from '../store/run-recorder.js';
import { ScheduleStore } from '../store/store.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { Beat, type ReloadSummary } from './beat.js';
import type { BeatStateBackend } from './interfaces.js';
import { ScheduleSources } from './sources.js';
import { openBeatState } from './state/open.js';
import { SourceWatcher } from './watcher.js';

/** How often beat looks at the store's change log: edits apply well within a second. */
const STORE_POLL_MS = 250;
/** Beat's store writes (run history) wait this long for another process's lock, then retry later. */
const STORE_BUSY_TIMEOUT_MS = 20;

export interface BeatServiceOptions {
  brokerUrl: string;
  /** Schedule files and folders. */
  schedulePaths: string[];
  /** The schedule store's SQLite file: its entries run with the files', and its edits apply live. */
  storePath?: string;
  /** Runs kept per store entry in the store's run history (default 100). */
  keepRuns?: number;
  /** Beat's own SQLite state file, used when the broker cannot hold state (RabbitMQ). */
  statePath?: string;
  /** Zone of entries whose file sets none (beat's --timezone); UTC when unset. */
  timezone?: string;
  logger: Logger;
  clock?: Clock;
  cwd?: string;
  /** Watch the schedule files and apply edits without a restart (default true). */
  watch?: boolean;
}

/**
 * Beat as a running service: schedule files (watched), the schedule store (followed through its
 * change log, dispatches recorded in its run history), the state backend beside the broker, and the
 * scheduler. Used by `celeriac beat` and by `celeriac worker -B`.
 */
export class BeatService {
  private watcher: SourceWatcher | null = null;
  private reloading: Promise<unknown> = Promise.resolve();
  private storeTimer: TimerHandle | null = null;
  private recorder: RunRecorder | null = null;
  private stopped = false;
  /** The file entries of the last good reading, so the store cannot take a file's name. */
  private fileEntries: Entry[] = [];
  /** Which file defines each of them; made when the store first changes (100k entries, a store nobody edits). */
  private fileDefining: Map<string, string> | null = null;

  private constructor(
    readonly beat: Beat,
    readonly backend: BeatStateBackend,
    readonly sources: ScheduleSources,
    private readonly store: StoreSource | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads the schedules and starts beat. Refuses (UsageError, exit status 2) when a schedule is
   * invalid, or a name is both in a file and in the store: at start-up there is no last good version
   * to fall back on.
   */
  static async start(options: BeatServiceOptions): Promise<BeatService> {
    const clock = options.clock ?? systemClock;
    // A store file is created only once the schedules are known good: a refused start leaves nothing behind.
    let store = options.storePath !== undefined && existsSync(options.storePath) ? openStore(options) : null;
    store?.load();
    const sources = new ScheduleSources(options.schedulePaths, { timezone: options.timezone }, () => store?.list() ?? []);
    const reading = await sources.read();
    if (reading.errors.length > 0) {
      store?.store.close();
      const more = reading.errors.length > 1 ? ` (and ${reading.errors.length - 1} more problem(s); see celeriac schedule check)` : '';
      throw new UsageError(`${reading.errors[0]!.message}${more}`);
    }
    // A store created just now is empty: anything added meanwhile comes with the first look at its change log.
    if (options.storePath !== undefined) store ??= openStore(options);
    const backend = await openBeatState(options.brokerUrl, { clock, logger: options.logger, cwd: options.cwd, statePath: options.statePath });
    const beat = new Beat({ backend, clock, logger: options.logger });
    const service = new BeatService(beat, backend, sources, store, clock, options.logger);
    service.noteFileEntries(reading.entries);
    if (store) service.recordStoreRuns(store);
    await beat.start(reading.entries);
    if (options.watch ?? true) {
      service.watcher = new SourceWatcher(options.schedulePaths, () => { void service.reload('a schedule file changed'); });
    }
    if (store) service.followStore();
    return service;
  }

  /** Re-reads the schedules (on a file change or SIGHUP); a bad edit keeps the last good version running. */
  reload(reason: string): Promise<ReloadSummary> {
    return this.serially(async () => {
      this.logger.debug(`beat: Reloading schedules: ${reason}`);
      const reading = await this.sources.read();
      for (const error of reading.errors) this.logger.error(`beat: ${error.message} (keeping the last good version)`);
      this.noteFileEntries(reading.entries);
      const summary = await this.beat.setEntries(reading.entries);
      if (summary.added.length + summary.changed.length + summary.removed.length > 0) {
        this.logger.info(
          `beat: Schedules reloaded: ${summary.added.length} added, ${summary.changed.length} changed, ${summary.removed.length} removed, ${summary.unchanged} unchanged`,
        );
      }
      return summary;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.storeTimer?.cancel();
    this.watcher?.close();
    await this.reloading;
    await this.beat.stop();
    this.recorder?.close();
    this.store?.store.close();
    await this.backend.close();
  }

  /** Reloads and store changes run one after the other, so neither undoes the other. */
  private serially<T>(step: () => Promise<T>): Promise<T> {
    const next = this.reloading.then(step);
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private noteFileEntries(entries: Entry[]): void {
    this.fileEntries = entries;
    this.fileDefining = null;
  }

  private fileDefiningName(name: string): string | undefined {
    if (this.fileDefining === null) {
      this.fileDefining = new Map();
      for (const entry of this.fileEntries) if (entry.source !== 'store') this.fileDefining.set(entry.name, entry.source);
    }
    return this.fileDefining.get(name);
  }

  private recordStoreRuns(store: StoreSource): void {
    const recorder = new RunRecorder(store.store.history, this.clock, this.logger);
    this.recorder = recorder;
    this.beat.on('sent', ({ entry, occurrenceMs, sentAtMs, taskId }) => {
      if (entry.source === 'store') recorder.add({ name: entry.name, occurrenceMs, sentAtMs, taskId, manual: false });
    });
  }

  /** Looks at the store's change log every STORE_POLL_MS and applies only the entries that changed. */
  private followStore(): void {
    this.storeTimer = this.clock.setTimer(() => {
      void this.serially(() => this.applyStoreChanges())
        .catch((error: Error) => this.logger.error(`beat: cannot read the schedule store: ${error.message}`))
        .finally(() => { if (!this.stopped) this.followStore(); });
    }, STORE_POLL_MS);
  }

  private async applyStoreChanges(): Promise<void> {
    const { upserts, removals } = this.store!.poll((name) => this.fileDefiningName(name));
    if (upserts.length + removals.length === 0) return;
    const summary = await this.beat.updateEntries(upserts, removals);
    this.logger.info(`beat: Schedule store changed: ${summary.added.length} added, ${summary.changed.length} changed, ${summary.removed.length} removed`);
  }
}

function openStore(options: BeatServiceOptions): StoreSource {
  const store = ScheduleStore.open(options.storePath!, { keepRuns: options.keepRuns, busyTimeoutMs: STORE_BUSY_TIMEOUT_MS });
  return new StoreSource(store, options.logger);
}
