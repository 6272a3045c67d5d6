import { ScheduleError } from '../errors.js';
import type { Entry } from '../schedule/entry-types.js';
import type { Logger } from '../util/log.js';
import type { ScheduleStore, StoreRow } from './store.js';

/** Store entries to add or replace in beat, and names to drop. */
export interface StoreUpdate {
  upserts: Entry[];
  removals: string[];
}

/**
 * The schedule store as one of beat's sources: every entry at start-up, then only the rows whose
 * names the change log shows as changed since the last look (an index range and one lookup per
 * change, so a store of 100k entries costs nothing while nobody edits it). What it holds is what
 * beat runs from the store: a row that does not validate, or whose name a schedule file already
 * defines, is logged and left out, and beat keeps the last good version of that entry.
 */
export class StoreSource {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  constructor(
    readonly store: ScheduleStore,
    private readonly logger: Logger,
  ) {}

  /** Reads every entry (beat's start-up). */
  load(): void {
    const { seq, rows } = this.store.snapshot();
    this.seq = seq;
    this.entries.clear();
    for (const row of rows) {
      const entry = this.parse(row);
      if (entry) this.entries.set(row.name, entry);
    }
  }

  /** The store's entries as beat runs them. */
  list(): Entry[] {
    return [...this.entries.values()];
  }

  /**
   * The entries changed since the last look. `fileDefining(name)` names the schedule file that
   * defines a name, if one does: such a store entry is refused, as at start-up.
   */
  poll(fileDefining: (name: string) => string | undefined): StoreUpdate {
    // Each name's newest row (null: removed), however many pages of changes it took to read them.
    const changed = new Map<string, StoreRow | null>();
    for (;;) {
      const changes = this.store.changesSince(this.seq);
      if (changes.seq === this.seq) break;
      this.seq = changes.seq;
      for (const row of changes.rows) changed.set(row.name, row);
      for (const name of changes.removed) changed.set(name, null);
    }
    const update: StoreUpdate = { upserts: [], removals: [] };
    for (const [name, row] of changed) {
      if (row === null) {
        if (this.entries.delete(name)) update.removals.push(name);
        continue;
      }
      const file = fileDefining(name);
      if (file !== undefined) {
        this.logger.error(`beat: ${this.store.path}: entry "${name}": name already defined in ${file}; ignoring this change of the store`);
        continue;
      }
      const entry = this.parse(row);
      if (!entry) continue;
      this.entries.set(name, entry);
      update.upserts.push(entry);
    }
    return update;
  }

  private parse(row: StoreRow): Entry | null {
    try {
      return this.store.parse(row);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      const kept = this.entries.has(row.name) ? ' (keeping the last good version)' : ' (skipped)';
      this.logger.error(`beat: ${error.message}${kept}`);
      return null;
    }
  }
}
