import { Redis } from 'ioredis';
import { resolve } from 'node:path';
import { createBroker, parseBrokerUrl } from '../../broker/create.js';
import { openSqliteDatabase } from '../../broker/sqlite/database.js';
import { insertMessages } from '../../broker/sqlite/queue-table.js';
import { redisBindingKey, redisBindingMember, redisQueueList, toRedisEnvelope } from '../../protocol/redis-envelope.js';
import type { TaskMessage } from '../../protocol/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { BeatStateBackend } from '../interfaces.js';
import { OccurrenceMessage } from '../message.js';
import { OutboxRelay } from './outbox.js';
import { RedisBeatState, type RedisPlacement } from './redis-state.js';
import { SqliteBeatState } from './sqlite-state.js';

export interface OpenBeatStateOptions {
  clock: Clock;
  logger: Logger;
  cwd?: string;
  /** The SQLite file for state when the broker cannot hold it (RabbitMQ); default ./celeriac.db. */
  statePath?: string;
}

export const DEFAULT_STATE_PATH = 'celeriac.db';

/**
 * Beat state lives with the queue (cli.md "Where beat state lives"): in Redis for a Redis broker, in
 * the broker's SQLite file for the embedded broker, so a claim and its enqueue are one atomic step.
 * RabbitMQ cannot join a transaction: state and an outbox of claimed messages live in the --state
 * SQLite file, and a relay publishes the outbox with confirms (outbox.ts).
 */
export async function openBeatState(brokerUrl: string, options: OpenBeatStateOptions): Promise<BeatStateBackend> {
  const url = parseBrokerUrl(brokerUrl, options.cwd);
  switch (url.kind) {
    case 'sqlite': {
      const db = openSqliteDatabase(url.path);
      return new SqliteBeatState(db, (messages) => insertMessages(db, messages, options.clock.now()), url.displayUrl, () => { db.close(); });
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
    case 'amqp': {
      const statePath = resolve(options.cwd ?? process.cwd(), options.statePath ?? DEFAULT_STATE_PATH);
      const broker = createBroker(brokerUrl, { clock: options.clock, logger: options.logger, cwd: options.cwd });
      await broker.connect();
      options.logger.info(`Connected to ${url.displayUrl}`);
      const db = openSqliteDatabase(statePath);
      const relay = new OutboxRelay(db, broker, options.clock, options.logger);
      relay.wake(); // what a crash left in the outbox goes first
      return new SqliteBeatState(db, relay.enqueue, `${url.displayUrl} (state in ${statePath})`, async () => {
        await relay.stop();
        await broker.close();
        db.close();
      });
    }
  }
}

function placeOnRedis(message: TaskMessage): RedisPlacement {
  // Beat's own messages render their envelope from a pre-serialised template (message.ts).
  if (message instanceof OccurrenceMessage) return message.redisPlacement();
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
