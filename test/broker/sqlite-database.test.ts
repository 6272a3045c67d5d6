import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openSqliteDatabase } from '../../src/broker/sqlite/database.js';
import { insertMessages } from '../../src/broker/sqlite/queue-table.js';
import { SqliteBroker } from '../../src/broker/sqlite/sqlite-broker.js';
import type { Delivery } from '../../src/broker/interfaces.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { repoRoot } from '../helpers/cli.js';
import { waitFor } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'celeriac-sqlite-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shared SQLite file', () => {
  it('opens in WAL mode with a busy timeout and the broker tables', () => {
    const db = openSqliteDatabase(join(dir, 'nested', 'open.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('busy_timeout', { simple: true })).toBe(10000);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['broker_messages', 'broker_dead_letters', 'celeriac_schema']));
    } finally {
      db.close();
    }
  });

  it('migrates each component on its own version, once', () => {
    const db = openSqliteDatabase(join(dir, 'migrate.db'));
    try {
      migrate(db, 'example', ['CREATE TABLE example_a (x)']);
      migrate(db, 'example', ['CREATE TABLE example_a (x)', 'CREATE TABLE example_b (y)']);
      migrate(db, 'example', ['CREATE TABLE example_a (x)', 'CREATE TABLE example_b (y)']);
      expect(db.prepare('SELECT component, version FROM celeriac_schema ORDER BY component').all()).toEqual([
        { component: 'broker', version: 1 }, { component: 'example', version: 2 },
      ]);
      expect(() => migrate(db, 'example', ['CREATE TABLE example_a (x)'])).toThrow(/schema version 2, newer than this celeriac knows \(1\)/);
    } finally {
      db.close();
    }
  });

  it('insertMessages joins the caller\'s transaction: a rollback enqueues nothing', () => {
    const db = openSqliteDatabase(join(dir, 'tx.db'));
    try {
      const message = buildTaskMessage({ task: 't', queue: 'q' }, 0);
      const claimAndEnqueue = db.transaction((fail: boolean) => {
        insertMessages(db, [message, message], 0);
        if (fail) throw new Error('claim lost');
      });
      expect(() => claimAndEnqueue(true)).toThrow('claim lost');
      expect(db.prepare('SELECT count(*) AS n FROM broker_messages').get()).toEqual({ n: 0 });
      claimAndEnqueue(false);
      expect(db.prepare('SELECT count(*) AS n FROM broker_messages').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });

  it('is a queue other processes share: messages inserted by another process are delivered', async () => {
    const path = join(dir, 'shared.db');
    const broker = new SqliteBroker(path, `sqlite:///${path}`, { pollIntervalMs: 10 });
    const received: Delivery[] = [];
    const consumer = await broker.consume(['shared'], { prefetch: 10 }, (d) => received.push(d));
    try {
      const script = `
        import { openSqliteDatabase } from './src/broker/sqlite/database.ts';
        import { insertMessages } from './src/broker/sqlite/queue-table.ts';
        import { buildTaskMessage } from './src/protocol/build.ts';
        const db = openSqliteDatabase(process.argv[1]);
        insertMessages(db, [1, 2, 3].map((i) => buildTaskMessage({ task: 't', queue: 'shared', id: 'from-child-' + i }, Date.now())), Date.now());
        db.close();`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path], { cwd: repoRoot, encoding: 'utf8' });
      expect(child.stderr).toBe('');
      await waitFor(() => received.length === 3, 'the messages from the other process');
      expect(received.map((d) => d.message.headers.id)).toEqual(['from-child-1', 'from-child-2', 'from-child-3']);
    } finally {
      await consumer.cancel();
      await broker.close();
    }
  });
});
