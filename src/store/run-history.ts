import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../broker/sqlite/database.js';

/** One published run of an entry. */
export interface RunRecord {
  name: string;
  /** The instant the run stands for (a manual run's is when it was sent). */
  occurrenceMs: number;
  sentAtMs: number;
  taskId: string;
  /** Published by `run-now`, not by the schedule. */
  manual: boolean;
}

interface RunRow {
  name: string;
  occurrence: number;
  sent_at: number;
  task_id: string;
  manual: number;
}

/**
 * The store's run history (table `store_runs`): what beat and run-now published, newest last,
 * pruned to the last `keep` runs of each entry as runs are recorded, so it never grows without bound.
 */
export class RunHistory {
  private readonly insertRun: Statement<RunRow>;
  private readonly prune: Statement<{ name: string; keep: number }>;
  private readonly selectRecent: Statement<[string, number], RunRow>;
  private readonly selectLatest: Statement<[], RunRow>;
  private readonly deleteRuns: Statement<[string]>;

  constructor(private readonly db: SqliteDatabase, readonly keep: number) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`runs kept per entry must be a positive integer, got ${keep}`);
    this.insertRun = db.prepare('INSERT INTO store_runs (name, occurrence, sent_at, task_id, manual) VALUES (@name, @occurrence, @sent_at, @task_id, @manual)');
    // Everything older than the entry's keep-th newest run: one index seek and a walk of `keep` entries.
    this.prune = db.prepare(`DELETE FROM store_runs WHERE name = @name AND id <= (
      SELECT id FROM store_runs WHERE name = @name ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
    this.selectRecent = db.prepare('SELECT * FROM store_runs WHERE name = ? ORDER BY id DESC LIMIT ?');
    this.selectLatest = db.prepare(`SELECT r.* FROM store_runs r
      JOIN (SELECT max(id) AS id FROM store_runs GROUP BY name) newest ON r.id = newest.id`);
    this.deleteRuns = db.prepare('DELETE FROM store_runs WHERE name = ?');
  }

  /** Records runs and prunes their entries' histories, in one transaction. */
  record(runs: RunRecord[]): void {
    if (runs.length === 0) return;
    this.db.transaction(() => {
      const names = new Set<string>();
      for (const run of runs) {
        this.insertRun.run({ name: run.name, occurrence: run.occurrenceMs, sent_at: run.sentAtMs, task_id: run.taskId, manual: run.manual ? 1 : 0 });
        names.add(run.name);
      }
      for (const name of names) this.prune.run({ name, keep: this.keep });
    }).immediate();
  }

  /** An entry's newest runs, newest first. */
  recent(name: string, limit: number): RunRecord[] {
    return this.selectRecent.all(name, limit).map(toRecord);
  }

  /** Each entry's newest run. */
  latest(): Map<string, RunRecord> {
    return new Map(this.selectLatest.all().map((row) => [row.name, toRecord(row)]));
  }

  /** Drops an entry's history (the entry was removed); call inside the removing transaction. */
  forget(name: string): void {
    this.deleteRuns.run(name);
  }
}

function toRecord(row: RunRow): RunRecord {
  return { name: row.name, occurrenceMs: row.occurrence, sentAtMs: row.sent_at, taskId: row.task_id, manual: row.manual === 1 };
}
