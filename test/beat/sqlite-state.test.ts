import Database from 'better-sqlite3';
import { SqliteBeatState } from '../../src/beat/state/sqlite-state.js';
import { beatStateConformance } from './state-conformance.js';

beatStateConformance('sqlite', async () => {
  const db = new Database(':memory:');
  const ids: string[] = [];
  const backend = new SqliteBeatState(db, (messages) => { for (const m of messages) ids.push(m.headers.id); }, 'memory');
  return { backend, enqueuedIds: async () => [...ids], cleanup: async () => { db.close(); } };
});
