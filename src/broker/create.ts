import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { maskUrl } from '../util/url.js';
import { AmqpBroker } from './amqp/amqp-broker.js';
import type { Broker } from './interfaces.js';
import { RedisBroker, type RedisBrokerOptions } from './redis/redis-broker.js';
import { SqliteBroker } from './sqlite/sqlite-broker.js';

export type BrokerUrl =
  | { kind: 'redis'; url: string; tls: boolean; db: number; displayUrl: string }
  | { kind: 'sqlite'; path: string; displayUrl: string }
  | { kind: 'amqp'; url: string; displayUrl: string };

/**
 * Reads a broker URL (cli.md): `redis://[[user]:password@]host[:port][/db]`, `rediss://` (TLS),
 * `sqlite:///relative.db` (relative to `cwd`), `sqlite:////absolute.db`, `amqp://`/`amqps://`.
 */
export function parseBrokerUrl(url: string, cwd: string = process.cwd()): BrokerUrl {
  const displayUrl = maskUrl(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'redis':
    case 'rediss': {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new UsageError(`broker URL ${displayUrl}: not a valid URL (redis://[[user]:password@]host[:port][/db])`);
      }
      if (!parsed.hostname) throw new UsageError(`broker URL ${displayUrl}: no host (redis://host[:port][/db])`);
      const path = parsed.pathname.replace(/^\//, '');
      if (path !== '' && !/^\d+$/.test(path)) throw new UsageError(`broker URL ${displayUrl}: database "${path}" must be a number`);
      return { kind: 'redis', url, tls: scheme === 'rediss', db: path === '' ? 0 : Number(path), displayUrl };
    }
    case 'sqlite': {
      const match = /^sqlite:\/\/\/(.+)$/i.exec(url);
      if (!match) throw new UsageError(`broker URL ${displayUrl}: use sqlite:///relative/path.db or sqlite:////absolute/path.db`);
      const rest = match[1]!;
      // SQLAlchemy's rule: three slashes and a relative path, or four and an absolute one.
      const path = isAbsolute(rest) ? rest : resolve(cwd, rest);
      return { kind: 'sqlite', path, displayUrl };
    }
    case 'amqp':
    case 'amqps':
      return { kind: 'amqp', url, displayUrl };
    case 'pyamqp': // Celery's name for the same transport
      return { kind: 'amqp', url: url.replace(/^pyamqp/i, 'amqp'), displayUrl };
    default:
      throw new UsageError(`broker URL ${displayUrl}: unknown scheme${scheme ? ` "${scheme}"` : ''} (use redis://, rediss://, sqlite:/// or amqp://)`);
  }
}

export interface CreateBrokerOptions {
  clock?: Clock;
  logger?: Logger;
  cwd?: string;
  /** Redis only: kombu's global_keyprefix. */
  keyPrefix?: string;
  redis?: RedisBrokerOptions['redisOptions'];
}

/** The broker a URL names, not yet connected. */
export function createBroker(url: string, options: CreateBrokerOptions = {}): Broker {
  const parsed = parseBrokerUrl(url, options.cwd);
  const common = { ...(options.clock ? { clock: options.clock } : {}), ...(options.logger ? { logger: options.logger } : {}) };
  switch (parsed.kind) {
    case 'redis':
      return new RedisBroker(parsed.url, parsed.displayUrl, {
        ...common,
        ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
        ...(options.redis ? { redisOptions: options.redis } : {}),
      });
    case 'sqlite':
      return new SqliteBroker(parsed.path, parsed.displayUrl, common);
    case 'amqp':
      return new AmqpBroker(parsed.url, parsed.displayUrl, common);
  }
}
