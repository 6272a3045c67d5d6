import { parseBrokerUrl } from '../../broker/create.js';
import { UsageError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { maskUrl } from '../../util/url.js';
import { errorText } from '../errors.js';
import { RedisBackend } from './redis-backend.js';
import { SqliteBackend } from './sqlite-backend.js';
import type { ResultBackend } from './types.js';

export interface BackendOptions {
  clock?: Clock;
  logger?: Logger;
  /** Seconds results are kept in Redis (Celery's result_expires, default 86400). */
  resultExpires?: number;
}

/** A result backend for `redis://`, `rediss://` or `sqlite:///path` (cli.md "URLs"). */
export function createResultBackend(url: string, options: BackendOptions = {}): ResultBackend {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return new RedisBackend(url, options);
  if (scheme === 'sqlite') return new SqliteBackend(sqlitePath(url), maskUrl(url), options);
  throw new UsageError(`result backend "${maskUrl(url)}": unsupported scheme (use redis://, rediss:// or sqlite:///path.db)`);
}

/** The SQLite file of a `sqlite:///` URL, by the same rule as the broker's (cli.md "URLs"). */
function sqlitePath(url: string): string {
  try {
    const parsed = parseBrokerUrl(url);
    if (parsed.kind === 'sqlite') return parsed.path;
  } catch (error) {
    throw new UsageError(`result backend "${maskUrl(url)}": ${errorText(error)}`);
  }
  throw new UsageError(`result backend "${maskUrl(url)}": expected sqlite:///relative.db or sqlite:////absolute.db`);
}
