import { Redis } from 'ioredis';
import { UsageError } from '../../errors.js';
import { parseBrokerUrl } from '../../broker/create.js';
import { openSqliteDatabase } from '../../broker/sqlite/database.js';
import { insertMessages } from '../../broker/sqlite/queue-table.js';
import { redisBindingKey, redisBindingMember, redisQueueList, toRedisEnvelope } from '../../protocol/redis-envelope.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { BeatStateBackend } from '../interfaces.js';
import { RedisBeatState } from './redis-state.js';
import { SqliteBeatState } from './sqlite-state.js';

export interface OpenBeatStateOptions {
  clock: Clock;
  logger: Logger;
  cwd?: string;
}

/**
 * Beat state lives with the queue (cli.md "Where beat state lives"): in Redis for a Redis broker, in
 * the broker's SQLite file for the embedded broker, so a claim and its enqueue are one atomic step.
 */
export async function openBeatState(brokerUrl: string, options: OpenBeatStateOptions): Promise<BeatStateBackend> {
  const url = parseBrokerUrl(brokerUrl, options.cwd);
  switch (url.kind) {
    case 'sqlite': {
      const db = openSqliteDatabase(url.path);
      return new SqliteBeatState(db, (messages) => insertMessages(db, messages, options.clock.now()), url.displayUrl, () => db.close());
    }
    case 'redis': {
      const redis = new Redis(url.url, {
        lazyConnect: true,
        // Fail fast while disconnected: beat re-plans after an outage by the missed policies rather
        // than letting a queued command send occurrences that were due minutes ago.
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
      });
      redis.on('error', () => { /* reported by the beat loop as claims fail; ioredis reconnects */ });
      await connectWithRetry(redis, url.displayUrl, options.logger);
      return new RedisBeatState(redis, placeOnRedis, url.displayUrl);
    }
    case 'amqp':
      throw new UsageError(`broker URL ${url.displayUrl}: beat on RabbitMQ is not supported yet (use redis:// or sqlite:///)`);
  }
}

function placeOnRedis(message: Parameters<typeof toRedisEnvelope>[0]) {
  return {
    bindingKey: redisBindingKey(message.route),
    bindingMember: redisBindingMember(message.route),
    listKey: redisQueueList(message.route.queue, message.properties.priority),
    envelope: toRedisEnvelope(message),
  };
}

/** Waits for Redis at start-up, as Celery beat does, logging each failed attempt. */
async function connectWithRetry(redis: Redis, displayUrl: string, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await redis.connect();
      logger.info(`Connected to ${displayUrl}`);
      return;
    } catch (error) {
      const delayMs = Math.min(attempt * 1000, 10_000);
      logger.error(`Cannot connect to ${displayUrl}: ${(error as Error).message}. Trying again in ${delayMs / 1000}s...`);
      redis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
