import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../util/clock.js';
import type { ResultMeta } from './meta.js';
import type { ResultBackend, WaitOptions } from './types.js';
import { waitForReady } from './wait.js';

export interface SqliteBackendOptions {
  clock?: Clock;
}

interface MetaRow {
  task_id: string;
  status: ResultMeta['status'];
  result: string | null;
  date_done: string | null;
  traceback: string | null;
  children: string | null;
  parent_id: string | null;
  group_id: string | null;
  duration: number | null;
}

/**
 * Results in a SQLite file, in a table shaped like Celery's database backend (`celery_taskmeta`),
 * with `result` and `children` as JSON text (Celery would pickle them; we never do) and a `duration`
 * column. It can share the embedded broker's file: WAL mode lets a worker write while clients read.
 * Waiting polls: SQLite has no notifications across processes.
 */
export class SqliteBackend implements ResultBackend {
  readonly displayUrl: string;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly upsert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(readonly path: string, displayUrl: string, options: SqliteBackendOptions = {}) {
    this.displayUrl = displayUrl;
    this.clock = options.clock ?? systemClock;
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS celery_taskmeta (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      task_id TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL,
      result TEXT,
      date_done TEXT,
      traceback TEXT,
      children TEXT,
      parent_id TEXT,
      group_id TEXT,
      duration REAL
    )`);
    // A stored SUCCESS is final, as in Celery's _store_result.
    this.upsert = this.db.prepare(`INSERT INTO celery_taskmeta
        (task_id, status, result, date_done, traceback, children, parent_id, group_id, duration)
      VALUES (@task_id, @status, @result, @date_done, @traceback, @children, @parent_id, @group_id, @duration)
      ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, result = excluded.result,
        date_done = excluded.date_done, traceback = excluded.traceback, children = excluded.children,
        parent_id = excluded.parent_id, group_id = excluded.group_id, duration = excluded.duration
      WHERE celery_taskmeta.status <> 'SUCCESS'`);
    this.select = this.db.prepare('SELECT * FROM celery_taskmeta WHERE task_id = ?');
  }

  async store(meta: ResultMeta): Promise<void> {
    this.upsert.run({
      task_id: meta.task_id,
      status: meta.status,
      result: JSON.stringify(meta.result ?? null),
      date_done: meta.date_done,
      traceback: meta.traceback,
      children: JSON.stringify(meta.children),
      parent_id: meta.parent_id ?? null,
      group_id: meta.group_id ?? null,
      duration: meta.duration ?? null,
    });
  }

  async get(taskId: string): Promise<ResultMeta | null> {
    const row = this.select.get(taskId) as MetaRow | undefined;
    return row ? metaFromRow(row) : null;
  }

  waitFor(taskId: string, options: WaitOptions = {}): Promise<ResultMeta> {
    return waitForReady({
      taskId,
      clock: this.clock,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? 100,
      read: () => this.get(taskId),
    });
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function metaFromRow(row: MetaRow): ResultMeta {
  const meta: ResultMeta = {
    status: row.status,
    result: row.result === null ? null : JSON.parse(row.result),
    traceback: row.traceback,
    children: row.children === null ? [] : JSON.parse(row.children),
    date_done: row.date_done,
    task_id: row.task_id,
  };
  if (row.group_id) meta.group_id = row.group_id;
  if (row.parent_id) meta.parent_id = row.parent_id;
  if (row.duration !== null) meta.duration = row.duration;
  return meta;
}
