import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { BeatStateBackend, EntryState } from '../beat/interfaces.js';
import { RedisBeatState } from '../beat/state/redis-state.js';
import { DEFAULT_STATE_PATH } from '../beat/state/open.js';
import { SqliteBeatState } from '../beat/state/sqlite-state.js';
import { parseBrokerUrl } from '../broker/create.js';
import { openSqliteFile } from '../broker/sqlite/database.js';

export interface BeatStateLocation {
  cwd?: string;
  /** Beat's `--state` file, where it keeps state on RabbitMQ (default ./celeriac.db). */
  statePath?: string;
}

/**
 * What beat has persisted about some entries (anchors, runs), read where beat keeps it for this
 * broker (cli.md "Where beat state lives"): the broker's SQLite file, Redis, or on RabbitMQ the
 * `--state` file. Empty when beat has kept nothing there yet. For `list` and `show`, which never
 * send: the backends are opened for reading only, so their enqueue and placement hooks refuse.
 */
export async function readBeatStates(brokerUrl: string, names: string[], location: BeatStateLocation = {}): Promise<Map<string, EntryState>> {
  const url = parseBrokerUrl(brokerUrl, location.cwd);
  switch (url.kind) {
    case 'sqlite':
      return readSqliteStates(url.path, names);
    case 'redis': {
      const redis = new Redis(url.url, {
        lazyConnect: true,
        connectTimeout: 3000,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      redis.on('error', () => { /* reported by the failed connect or read */ });
      try {
        await redis.connect();
      } catch (error) {
        redis.disconnect();
        throw new Error(`cannot read beat state from ${url.displayUrl}: ${(error as Error).message}`);
      }
      return readAndClose(new RedisBeatState(redis, refuseToSend, url.displayUrl), names);
    }
    case 'amqp':
      return readSqliteStates(resolve(location.cwd ?? process.cwd(), location.statePath ?? DEFAULT_STATE_PATH), names);
  }
}

async function readSqliteStates(path: string, names: string[]): Promise<Map<string, EntryState>> {
  if (!existsSync(path)) return new Map();
  const db = openSqliteFile(path);
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'beat_state'").get()) return new Map();
    return await readAndClose(new SqliteBeatState(db, refuseToSend, path, () => db.close()), names);
  } finally {
    if (db.open) db.close();
  }
}

async function readAndClose(backend: BeatStateBackend, names: string[]): Promise<Map<string, EntryState>> {
  try {
    return await backend.read(names);
  } finally {
    await backend.close();
  }
}

function refuseToSend(): never {
  throw new Error('beat state opened for reading cannot send');
}
