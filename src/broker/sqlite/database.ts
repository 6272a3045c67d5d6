import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the one SQLite file the embedded broker, beat state, schedule store and run
 * history share, and creates/migrates the broker's tables.
 */
export function openSqliteDatabase(path: string): SqliteDatabase {
  const db = openSqliteFile(path);
  migrate(db, 'broker', BROKER_MIGRATIONS);
  return db;
}

/**
 * Opens (creating if needed) a celeriac SQLite file with no component's tables, for a component that
 * migrates only its own (the schedule store in a file of its own). WAL lets readers and the one writer
 * work together across processes; busy_timeout makes a writer wait for the lock instead of failing;
 * synchronous=NORMAL is durable across a process crash (kill -9), which is what exactly-once needs.
 */
export function openSqliteFile(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Applies the migrations a component has not applied yet, each in its own transaction. Every
 * component of the shared file keeps its own version in `celeriac_schema`, so components never
 * contend for SQLite's single user_version.
 */
export function migrate(db: SqliteDatabase, component: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS celeriac_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT version FROM celeriac_schema WHERE component = ?').get(component) as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`${db.name}: the ${component} tables are at schema version ${current}, newer than this celeriac knows (${migrations.length}); upgrade celeriac`);
    }
    for (const sql of migrations.slice(current)) db.exec(sql);
    db.prepare('INSERT INTO celeriac_schema (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version')
      .run(component, migrations.length);
  });
  apply.immediate();
}

/**
 * broker_messages: one row per queued or reserved message.
 *   id             insertion order: FIFO within a queue and priority
 *   queue          the queue name (route.queue)
 *   priority       0-9, lower served first (kombu's Redis order)
 *   payload        the kombu JSON envelope, exactly as on Redis (so raw messages look the same everywhere)
 *   enqueued_at    ms since the epoch
 *   reserved_until NULL when ready; while a consumer holds it, the instant (ms) its reservation lapses
 *                  and the message becomes deliverable again (the visibility timeout)
 *   deliveries     how many times it has been reserved (> 1 means redelivered)
 * broker_dead_letters: rejected messages with why and when, for inspection.
 */
const BROKER_MIGRATIONS = [
  `CREATE TABLE broker_messages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     queue TEXT NOT NULL,
     priority INTEGER NOT NULL,
     payload TEXT NOT NULL,
     enqueued_at INTEGER NOT NULL,
     reserved_until INTEGER,
     deliveries INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX broker_messages_by_queue ON broker_messages (queue, priority, id);
   CREATE TABLE broker_dead_letters (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     queue TEXT NOT NULL,
     reason TEXT NOT NULL,
     rejected_at INTEGER NOT NULL,
     payload TEXT NOT NULL
   );`,
];
