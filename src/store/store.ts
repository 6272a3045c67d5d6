import type { Statement } from 'better-sqlite3';
import { migrate, openSqliteFile, type SqliteDatabase } from '../broker/sqlite/database.js';
import { ScheduleError, UsageError } from '../errors.js';
import { entryToRaw, parseEntry } from '../schedule/entry.js';
import type { Entry } from '../schedule/entry-types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { DEFAULT_KEEP_RUNS } from './defaults.js';
import { RunHistory } from './run-history.js';
import { STORE_MIGRATIONS } from './schema.js';

export type ChangeKind = 'add' | 'edit' | 'remove' | 'enable' | 'disable';

/** One entry as stored: its file form (with `enabled: false` when disabled) and its times. */
export interface StoreRow {
  name: string;
  raw: Record<string, unknown>;
  createdAtMs: number;
  updatedAtMs: number;
}

/** What changed since a point of the change log: the current rows of changed names, and removed names. */
export interface StoreChanges {
  /** The newest change read; pass it back to read on from there. */
  seq: number;
  rows: StoreRow[];
  removed: string[];
}

export interface StoreOptions {
  clock?: Clock;
  /** Runs kept per entry in the run history (default 100). */
  keepRuns?: number;
  /**
   * How long a write waits for another process's write lock before failing with SQLITE_BUSY
   * (default 10 s, fine for the commands; beat waits only briefly and retries later instead).
   */
  busyTimeoutMs?: number;
}

export interface ImportSummary {
  added: string[];
  replaced: string[];
}

interface EntryRow {
  name: string;
  definition: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/**
 * The schedule store: entries in SQLite (WAL, busy timeout), a change log beat follows, and the run
 * history. Every write is one IMMEDIATE transaction, so two processes editing at once queue up on
 * SQLite's write lock and neither loses the other's update; an edit reads, changes and writes its row
 * inside that one transaction. Only entries validated by parseEntry are written (add/edit/import take
 * an Entry), stored in their file form (entryToRaw) so export and import round-trip.
 */
export class ScheduleStore {
  readonly history: RunHistory;
  private readonly clock: Clock;
  private readonly selectEntry: Statement<[string], EntryRow>;
  private readonly selectAll: Statement<[], EntryRow>;
  private readonly insertEntry: Statement<EntryRow>;
  private readonly updateEntry: Statement<{ name: string; definition: string; enabled: number; updated_at: number }>;
  private readonly deleteEntry: Statement<[string]>;
  private readonly supersede: Statement<[string]>;
  private readonly logChange: Statement<[string, ChangeKind, number]>;
  private readonly selectChanges: Statement<[number, number], { seq: number; name: string }>;
  private readonly selectLatestSeq: Statement<[], { seq: number }>;

  private constructor(private readonly db: SqliteDatabase, readonly path: string, options: StoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.history = new RunHistory(db, options.keepRuns ?? DEFAULT_KEEP_RUNS);
    this.selectEntry = db.prepare('SELECT * FROM store_entries WHERE name = ?');
    this.selectAll = db.prepare('SELECT * FROM store_entries ORDER BY name');
    this.insertEntry = db.prepare(`INSERT INTO store_entries (name, definition, enabled, created_at, updated_at)
      VALUES (@name, @definition, @enabled, @created_at, @updated_at)`);
    this.updateEntry = db.prepare('UPDATE store_entries SET definition = @definition, enabled = @enabled, updated_at = @updated_at WHERE name = @name');
    this.deleteEntry = db.prepare('DELETE FROM store_entries WHERE name = ?');
    this.supersede = db.prepare('DELETE FROM store_changes WHERE name = ?');
    this.logChange = db.prepare('INSERT INTO store_changes (name, kind, changed_at) VALUES (?, ?, ?)');
    this.selectChanges = db.prepare('SELECT seq, name FROM store_changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectLatestSeq = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM store_changes');
  }

  /**
   * Opens the store at `path` (creating the file and tables if needed). A store whose schema is newer
   * than this celeriac knows is refused, untouched.
   */
  static open(path: string, options: StoreOptions = {}): ScheduleStore {
    const db = openSqliteFile(path);
    try {
      migrate(db, 'store', STORE_MIGRATIONS);
      if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
      return new ScheduleStore(db, path, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get(name: string): StoreRow | null {
    const row = this.selectEntry.get(name);
    return row ? toStoreRow(row) : null;
  }

  /** Every entry, by name. */
  list(): StoreRow[] {
    return this.selectAll.all().map(toStoreRow);
  }

  /** Adds a new entry; a name already in the store is an error (use edit). */
  add(entry: Entry): void {
    this.write(() => {
      if (this.selectEntry.get(entry.name)) {
        throw new UsageError(`entry "${entry.name}" is already in the schedule store ${this.path} (use edit to change it)`);
      }
      this.insert(entry);
    });
  }

  /**
   * Replaces an entry with what `update` makes of its current row, read and written in one
   * transaction (so a concurrent edit of another field is never lost). Returns false when the
   * result is the same definition (nothing is written).
   */
  edit(name: string, update: (current: StoreRow) => Entry): boolean {
    return this.write(() => {
      const current = this.require(name);
      const next = update(toStoreRow(current));
      const { definition, enabled } = toColumns(next);
      if (definition === current.definition && enabled === current.enabled) return false;
      this.updateEntry.run({ name, definition, enabled, updated_at: this.clock.now() });
      this.changed(name, 'edit');
      return true;
    });
  }

  /** Enables or disables an entry; returns false when it already was. */
  setEnabled(name: string, enabled: boolean): boolean {
    return this.write(() => {
      const current = this.require(name);
      if ((current.enabled === 1) === enabled) return false;
      this.updateEntry.run({ name, definition: current.definition, enabled: enabled ? 1 : 0, updated_at: this.clock.now() });
      this.changed(name, enabled ? 'enable' : 'disable');
      return true;
    });
  }

  /** Removes an entry and its run history. */
  remove(name: string): void {
    this.write(() => {
      this.require(name);
      this.deleteEntry.run(name);
      this.history.forget(name);
      this.changed(name, 'remove');
    });
  }

  /**
   * Adds the entries all at once or not at all. An entry whose name is in the store is an error naming
   * where the entry came from, unless `replace`.
   */
  import(entries: Entry[], options: { replace?: boolean } = {}): ImportSummary {
    return this.write(() => {
      const summary: ImportSummary = { added: [], replaced: [] };
      for (const entry of entries) {
        if (!this.selectEntry.get(entry.name)) {
          this.insert(entry);
          summary.added.push(entry.name);
          continue;
        }
        if (!options.replace) {
          throw new ScheduleError('is already in the schedule store (use --replace to overwrite it)', { file: entry.source, entry: entry.name });
        }
        this.updateEntry.run({ name: entry.name, ...toColumns(entry), updated_at: this.clock.now() });
        this.changed(entry.name, 'edit');
        summary.replaced.push(entry.name);
      }
      return summary;
    });
  }

  /** Every entry and the change log position they stand for, read as one snapshot. */
  snapshot(): { seq: number; rows: StoreRow[] } {
    return this.db.transaction(() => ({ seq: this.selectLatestSeq.get()!.seq, rows: this.list() }))();
  }

  /**
   * The current rows of the names changed after `seq` (at most `limit` changes), read as one
   * snapshot: an index range on the change log and one row lookup per change, never a scan.
   */
  changesSince(seq: number, limit = 10_000): StoreChanges {
    return this.db.transaction((): StoreChanges => {
      const changes = this.selectChanges.all(seq, limit);
      const result: StoreChanges = { seq: changes.at(-1)?.seq ?? seq, rows: [], removed: [] };
      for (const { name } of changes) {
        const row = this.selectEntry.get(name);
        if (row) result.rows.push(toStoreRow(row));
        else result.removed.push(name);
      }
      return result;
    })();
  }

  /** The entry a stored row defines (a row that no longer validates is a ScheduleError naming the store). */
  parse(row: StoreRow): Entry {
    return parseEntry(row.name, row.raw, { file: this.path, source: 'store' });
  }

  close(): void {
    this.db.close();
  }

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private require(name: string): EntryRow {
    const row = this.selectEntry.get(name);
    if (!row) throw new UsageError(`no entry "${name}" in the schedule store ${this.path}`);
    return row;
  }

  private insert(entry: Entry): void {
    const now = this.clock.now();
    this.insertEntry.run({ name: entry.name, ...toColumns(entry), created_at: now, updated_at: now });
    this.changed(entry.name, 'add');
  }

  private changed(name: string, kind: ChangeKind): void {
    this.supersede.run(name);
    this.logChange.run(name, kind, this.clock.now());
  }
}

function toColumns(entry: Entry): { definition: string; enabled: number } {
  const { enabled: _enabled, ...definition } = entryToRaw(entry);
  return { definition: JSON.stringify(definition), enabled: entry.enabled ? 1 : 0 };
}

function toStoreRow(row: EntryRow): StoreRow {
  const raw = JSON.parse(row.definition) as Record<string, unknown>;
  if (row.enabled === 0) raw.enabled = false;
  return { name: row.name, raw, createdAtMs: row.created_at, updatedAtMs: row.updated_at };
}
