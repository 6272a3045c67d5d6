import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteBroker } from '../../src/broker/sqlite/sqlite-broker.js';
import { deadLetterFromEnvelope, describeBrokerConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'celeriac-sqlite-broker-'));
const path = join(dir, 'broker.db');

describeBrokerConformance('sqlite', {
  createBroker: (clock) => new SqliteBroker(path, `sqlite:///${path}`, { clock, pollIntervalMs: 10 }),
  async deadLetters(_broker, queues) {
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare(`SELECT queue, reason, payload AS raw FROM broker_dead_letters WHERE queue IN (${queues.map(() => '?').join(',')}) ORDER BY id`)
        .all(...queues) as { queue: string; reason: string; raw: string }[];
      return rows.map((row) => deadLetterFromEnvelope(row.queue, row.reason, row.raw));
    } finally {
      db.close();
    }
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
});
