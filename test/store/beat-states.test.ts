import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteBeatState } from '../../src/beat/state/sqlite-state.js';
import { openSqliteDatabase } from '../../src/broker/sqlite/database.js';
import { readBeatStates } from '../../src/store/beat-states.js';
import { ScheduleStore } from '../../src/store/store.js';
import { tempDir } from './helpers.js';

const dir = tempDir('celeriac-store-beat-states-');

describe('reading beat state for list and show', () => {
  it("reads the broker's SQLite file, and the --state file on RabbitMQ", async () => {
    const file = join(dir, 'celeriac.db');
    const db = openSqliteDatabase(file);
    const state = new SqliteBeatState(db, () => {}, 'test');
    await state.register([{ name: 'job', fingerprint: 'f', enabled: true }], 1_000);
    db.close();
    const expected = new Map([['job', { lastRunMs: null, runs: 0, anchorMs: 1_000, sinceMs: 1_000, fingerprint: 'f', enabled: true }]]);
    expect(await readBeatStates(`sqlite:///${file}`, ['job', 'other'])).toEqual(expected);
    expect(await readBeatStates('amqp://guest:guest@127.0.0.1:5672//', ['job'], { statePath: file })).toEqual(expected);
    expect(await readBeatStates('amqp://guest:guest@127.0.0.1:5672//', ['job'], { cwd: dir })).toEqual(expected);
  });

  it('finds nothing where beat has kept nothing yet, and creates nothing there', async () => {
    expect(await readBeatStates(`sqlite:///${join(dir, 'missing.db')}`, ['job'])).toEqual(new Map());
    const storeOnly = join(dir, 'store-only.db');
    ScheduleStore.open(storeOnly).close();
    expect(await readBeatStates(`sqlite:///${storeOnly}`, ['job'])).toEqual(new Map());
    const db = new Database(storeOnly, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('beat_state', 'broker_messages')").all()).toEqual([]);
    db.close();
  });
});
