/**
 * The schedule store's tables (component `store` in `celeriac_schema`); append migrations, never edit one.
 *
 * store_entries: one row per entry.
 *   name        the entry name (unique across files and store)
 *   definition  JSON of the entry's file form (entryToRaw) without `enabled`, which is its own column
 *   enabled     1 or 0
 *   created_at  ms since the epoch
 *   updated_at  ms since the epoch of the last change (edit, enable, disable)
 * store_changes: the change log beat follows. `seq` only grows (AUTOINCREMENT never reuses a number);
 *   only each name's latest change is kept, since beat re-reads the changed row whatever the change
 *   was, so the log stays as small as the set of names.
 * store_runs: run history, newest last, pruned to the last N per entry.
 *   occurrence  the instant the run stands for (ms); a manual run's is the moment it was sent
 *   sent_at     when beat (or run-now) published it (ms)
 *   task_id     the message's task id, to look its state up in a result backend
 *   manual      1 for `run-now`, 0 for beat's dispatches
 */
export const STORE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE store_entries (
     name TEXT PRIMARY KEY,
     definition TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE store_changes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     changed_at INTEGER NOT NULL
   );
   CREATE INDEX store_changes_by_name ON store_changes (name);
   CREATE TABLE store_runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     occurrence INTEGER NOT NULL,
     sent_at INTEGER NOT NULL,
     task_id TEXT NOT NULL,
     manual INTEGER NOT NULL
   );
   CREATE INDEX store_runs_by_name ON store_runs (name, id);`,
];
