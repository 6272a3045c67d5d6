import type { Database, Statement } from 'better-sqlite3';
import type { TaskMessage } from '../../protocol/types.js';
import type { BeatStateBackend, Claim, ClaimOutcome, EntryState, Registration } from '../interfaces.js';
import { migrate } from '../../broker/sqlite/database.js';
import { nextRegisteredState } from './registration.js';

/** Schema versions of the `beat` component; append, never edit. */
const BEAT_MIGRATIONS = [
  `CREATE TABLE beat_state (
    name TEXT PRIMARY KEY,
    last_run INTEGER,
    runs INTEGER NOT NULL DEFAULT 0,
    anchor INTEGER NOT NULL,
    since INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1
  )`,
];

/** Puts messages on the queue inside the caller's transaction (the embedded broker's insert). */
export type TransactionalEnqueue = (messages: TaskMessage[]) => void;

interface StateRow {
  name: string;
  last_run: number | null;
  runs: number;
  anchor: number;
  since: number;
  fingerprint: string;
  enabled: number;
}

/**
 * Beat state in SQLite. With the embedded broker the state and the queue share one file, so
 * "check last run, store it, enqueue" is one transaction: a kill -9 at any point leaves either
 * both or neither.
 *
 * Table `beat_state`: one row per entry name (last_run and anchor/since are ms since the epoch).
 */
export class SqliteBeatState implements BeatStateBackend {
  private readonly select: Statement<[string], StateRow>;
  private readonly upsert: Statement<StateRow>;
  private readonly advance: Statement<{ name: string; last_run: number; runs: number }>;

  constructor(
    private readonly db: Database,
    private readonly enqueue: TransactionalEnqueue,
    readonly description: string,
    /** Closes the database (and whatever else) when beat owns it. */
    private readonly onClose: () => unknown = () => {},
  ) {
    migrate(db, 'beat', BEAT_MIGRATIONS);
    this.select = db.prepare('SELECT * FROM beat_state WHERE name = ?');
    this.upsert = db.prepare(`INSERT INTO beat_state (name, last_run, runs, anchor, since, fingerprint, enabled)
      VALUES (@name, @last_run, @runs, @anchor, @since, @fingerprint, @enabled)
      ON CONFLICT(name) DO UPDATE SET last_run = excluded.last_run, runs = excluded.runs, anchor = excluded.anchor,
        since = excluded.since, fingerprint = excluded.fingerprint, enabled = excluded.enabled`);
    this.advance = db.prepare('UPDATE beat_state SET last_run = @last_run, runs = runs + @runs WHERE name = @name');
  }

  async register(registrations: Registration[], nowMs: number): Promise<Map<string, EntryState>> {
    const states = new Map<string, EntryState>();
    this.db.transaction(() => {
      for (const registration of registrations) {
        const row = this.select.get(registration.name);
        const current = row ? toState(row) : null;
        const next = nextRegisteredState(current, registration, nowMs);
        if (next !== current) this.upsert.run(toRow(registration.name, next));
        states.set(registration.name, next);
      }
    }).immediate();
    return states;
  }

  async claim(claims: Claim[]): Promise<ClaimOutcome[]> {
    return this.db.transaction(() =>
      claims.map((claim): ClaimOutcome => {
        const row = this.select.get(claim.name);
        if (!row || row.last_run !== claim.expectedLastRunMs) return { ok: false, current: row ? toState(row) : null };
        this.advance.run({ name: claim.name, last_run: claim.lastRunMs, runs: claim.messages.length });
        if (claim.messages.length > 0) this.enqueue(claim.messages);
        return { ok: true };
      }),
    ).immediate();
  }

  async read(names: string[]): Promise<Map<string, EntryState>> {
    const states = new Map<string, EntryState>();
    for (const name of names) {
      const row = this.select.get(name);
      if (row) states.set(name, toState(row));
    }
    return states;
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

function toState(row: StateRow): EntryState {
  return {
    lastRunMs: row.last_run,
    runs: row.runs,
    anchorMs: row.anchor,
    sinceMs: row.since,
    fingerprint: row.fingerprint,
    enabled: row.enabled === 1,
  };
}

function toRow(name: string, state: EntryState): StateRow {
  return {
    name,
    last_run: state.lastRunMs,
    runs: state.runs,
    anchor: state.anchorMs,
    since: state.sinceMs,
    fingerprint: state.fingerprint,
    enabled: state.enabled ? 1 : 0,
  };
}
