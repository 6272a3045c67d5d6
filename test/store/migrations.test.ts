import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/broker/sqlite/database.js';
import { STORE_MIGRATIONS } from '../../src/store/schema.js';
import { ScheduleStore } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { storeEntry, tempDir } from './helpers.js';

const dir = tempDir('celeriac-store-migrations-');

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  } finally {
    db.close();
  }
}

function schemaVersion(file: string, component: string): number | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT version FROM celeriac_schema WHERE component = ?').get(component) as { version: number } | undefined)?.version;
  } finally {
    db.close();
  }
}

function digest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('store schema migrations', () => {
  it('creates its tables in a new file, and only its own', () => {
    const file = join(dir, 'fresh.db');
    ScheduleStore.open(file).close();
    expect(tables(file)).toEqual(['celeriac_schema', 'store_changes', 'store_entries', 'store_runs']);
    expect(schemaVersion(file, 'store')).toBe(STORE_MIGRATIONS.length);
  });

  it('upgrades a celeriac.db that beat and the broker already use, leaving their data alone', () => {
    const file = join(dir, 'celeriac.db');
    const broker = openSqliteDatabase(file);
    broker.prepare("INSERT INTO broker_messages (queue, priority, payload, enqueued_at) VALUES ('celery', 0, '{}', 1)").run();
    broker.close();

    const store = ScheduleStore.open(file);
    store.add(storeEntry('job'));
    store.close();

    expect(tables(file)).toEqual(expect.arrayContaining(['broker_messages', 'store_entries', 'store_runs']));
    expect(schemaVersion(file, 'broker')).toBe(1);
    expect(schemaVersion(file, 'store')).toBe(STORE_MIGRATIONS.length);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM broker_messages').get()).toEqual({ n: 1 });
    db.close();
    // Opening again applies nothing twice.
    const reopened = ScheduleStore.open(file);
    expect(reopened.list().map((row) => row.name)).toEqual(['job']);
    reopened.close();
  });

  it('refuses a store whose schema is newer than this celeriac, with a clear message, leaving the file untouched', async () => {
    const file = join(dir, 'newer.db');
    ScheduleStore.open(file).close();
    const db = new Database(file);
    db.prepare("UPDATE celeriac_schema SET version = 99 WHERE component = 'store'").run();
    db.close();
    const before = digest(file);

    expect(() => ScheduleStore.open(file)).toThrow(`${file}: the store tables are at schema version 99, newer than this celeriac knows (${STORE_MIGRATIONS.length}); upgrade celeriac`);
    const result = await runCli(['schedule', 'list', '--store', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`celeriac: ${file}: the store tables are at schema version 99, newer than this celeriac knows (${STORE_MIGRATIONS.length}); upgrade celeriac\n`);
    expect(digest(file)).toBe(before);
    expect(schemaVersion(file, 'store')).toBe(99);
  });
});
