import { Redis, type RedisOptions } from 'ioredis';
import { uuid4 } from '../../protocol/ids.js';
import {
  fromRedisEnvelope, queueOfRedisList, redisBindingKey, redisBindingMember, redisBrpopKeys, redisQueueList, toRedisEnvelope,
} from '../../protocol/redis-envelope.js';
import type { TaskMessage } from '../../protocol/types.js';
import { systemClock, type Clock, type TimerHandle } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import type { Broker, ConsumeOptions, Consumer, Delivery, ReceivedMessage } from '../interfaces.js';
import { OutstandingDeliveries } from '../outstanding.js';
import { RoundRobinQueues } from '../queue-order.js';
import { Signal } from '../signal.js';
import { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY } from './keys.js';
import { UnackedRestorer } from './restorer.js';
import { BrokerScripts } from './scripts.js';

export interface RedisBrokerOptions {
  clock?: Clock;
  logger?: Logger;
  /** Prefix for every key, like kombu's `global_keyprefix` transport option (Python must use the same). */
  keyPrefix?: string;
  /** Seconds each BRPOP waits before asking again (kombu: 1). */
  brpopTimeoutS?: number;
  /** Extra ioredis options (TLS certificates, timeouts). */
  redisOptions?: RedisOptions;
}

const DEFAULT_VISIBILITY_TIMEOUT_S = 3600;
/** How often a consumer looks for unacked messages past their visibility timeout, at most. */
const RESTORE_INTERVAL_MS = 10_000;

/**
 * A broker on Redis that shares queues with Python Celery workers: kombu's lists, bindings,
 * envelope and ack emulation (`unacked` hash + `unacked_index` zset), key for key.
 */
export class RedisBroker implements Broker {
  private readonly redis: Redis;
  private readonly scripts: BrokerScripts;
  private readonly restorer: UnackedRestorer;
  private readonly consumers = new Set<RedisConsumer>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  readonly keyPrefix: string;

  constructor(url: string, readonly displayUrl: string, private readonly options: RedisBrokerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.keyPrefix = options.keyPrefix ?? '';
    this.redis = new Redis(url, { lazyConnect: true, keyPrefix: this.keyPrefix || undefined, ...options.redisOptions });
    this.redis.on('error', (error: Error) => this.logger.warning(`redis broker ${displayUrl}: ${error.message}`));
    this.scripts = new BrokerScripts(this.redis);
    this.restorer = new UnackedRestorer(this.redis, this.scripts, this.clock, this.logger);
  }

  async connect(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
  }

  /** SADD the queue's binding and LPUSH onto its priority list, in one script (kombu does both). */
  async publish(message: TaskMessage): Promise<void> {
    await this.connect();
    const { route } = message;
    await this.scripts.run(
      'celeriacPublish',
      [redisBindingKey(route), redisQueueList(route.queue, message.properties.priority)],
      [redisBindingMember(route), toRedisEnvelope(message)],
    );
  }

  async consume(queues: string[], options: ConsumeOptions, onDelivery: (delivery: Delivery) => void): Promise<Consumer> {
    if (queues.length === 0) throw new Error('consume: no queues given');
    await this.connect();
    const consumer = new RedisConsumer({
      redis: this.redis, scripts: this.scripts, restorer: this.restorer, clock: this.clock, logger: this.logger,
      keyPrefix: this.keyPrefix, brpopTimeoutS: this.options.brpopTimeoutS ?? 1, forget: (c) => this.consumers.delete(c),
    }, queues, options, onDelivery);
    this.consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.cancel()));
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

}

/** A delivery as kept in `unacked`: its tag and the exact hash value (compared when restoring). */
interface UnackedRecord {
  tag: string;
  value: string;
}

/** What a consumer shares with its broker. */
interface ConsumerContext {
  redis: Redis;
  scripts: BrokerScripts;
  restorer: UnackedRestorer;
  clock: Clock;
  logger: Logger;
  keyPrefix: string;
  brpopTimeoutS: number;
  forget: (consumer: RedisConsumer) => void;
}

class RedisConsumer implements Consumer {
  private readonly blocking: Redis;
  private readonly outstanding: OutstandingDeliveries;
  private readonly order: RoundRobinQueues;
  private readonly room = new Signal();
  /** Messages popped whose reservation is being recorded; they count against the prefetch limit. */
  private readonly receipts = new Set<Promise<void>>();
  private readonly visibilityTimeoutS: number;
  private blockingClientId: number | undefined;
  private restoreTimer: TimerHandle | undefined;
  private restoring: Promise<void> | undefined;
  private restoreAgain = false;
  private cancelled = false;
  private running = false;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly context: ConsumerContext,
    queues: string[],
    options: ConsumeOptions,
    private readonly onDelivery: (delivery: Delivery) => void,
  ) {
    // BRPOP blocks its connection, so each consumer has its own; it waits out Redis restarts.
    this.blocking = this.context.redis.duplicate({ maxRetriesPerRequest: null });
    this.blocking.on('error', () => {}); // reported by the main connection
    this.blocking.on('close', () => { this.blockingClientId = undefined; });
    this.order = new RoundRobinQueues(queues);
    this.visibilityTimeoutS = options.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_S;
    this.outstanding = new OutstandingDeliveries(options.prefetch, () => this.room.notify());
  }

  start(): void {
    this.running = true;
    this.stopped = this.run().finally(() => { this.running = false; });
    this.restoreVisibleEvery(Math.min(RESTORE_INTERVAL_MS, (this.visibilityTimeoutS * 1000) / 2));
  }

  setPrefetch(prefetch: number): void {
    this.outstanding.setLimit(prefetch);
  }

  async cancel(): Promise<void> {
    if (!this.cancelled) {
      this.cancelled = true;
      this.restoreTimer?.cancel();
      this.room.notify();
      this.context.forget(this);
    }
    await this.unblock();
    this.blocking.disconnect();
    await this.restoring;
  }

  /**
   * Ends a waiting BRPOP as if it timed out: unlike dropping the connection, this can never lose a
   * message Redis popped for us in the same instant. An UNBLOCK can overtake a BRPOP still on its
   * way to Redis, so it is repeated until the loop has stopped (or the BRPOP would have timed out,
   * as when Redis is away).
   */
  private async unblock(): Promise<void> {
    const deadline = Date.now() + (this.context.brpopTimeoutS + 1) * 1000;
    while (this.running && Date.now() < deadline) {
      if (this.blockingClientId !== undefined) await this.context.redis.client('UNBLOCK', this.blockingClientId).catch(() => undefined);
      await Promise.race([this.stopped, sleep(20)]);
    }
  }

  private async run(): Promise<void> {
    const { logger, keyPrefix, brpopTimeoutS, clock } = this.context;
    let failures = 0;
    while (!this.cancelled) {
      if (!this.outstanding.hasRoom(this.receipts.size)) {
        await this.room.wait();
        continue;
      }
      try {
        // While messages wait, take them without blocking, recorded as unacked in the same script.
        const taken = await this.context.scripts.run(
          'celeriacReserve', [UNACKED_KEY, UNACKED_INDEX_KEY, ...redisBrpopKeys(this.order.current())], [clock.now() / 1000],
        ) as [string, string, string, string?] | null;
        if (taken) {
          const [list, raw, tag, value] = taken;
          this.track(this.received(list.slice(keyPrefix.length), raw, tag && value !== undefined ? { tag, value } : undefined));
          failures = 0;
          continue;
        }
        // Nothing waiting: block (kombu's way) until something comes.
        // A reconnect gives the connection a new id, which cancel() needs to unblock it.
        this.blockingClientId ??= (await this.blocking.client('ID')) as number;
        const reply = await this.blocking.brpop(...redisBrpopKeys(this.order.current()), brpopTimeoutS);
        failures = 0;
        if (reply) this.track(this.received(reply[0].slice(keyPrefix.length), reply[1]));
      } catch (error) {
        if (this.cancelled) break;
        failures++;
        logger.warning(`redis broker: fetching failed (${error instanceof Error ? error.message : String(error)}); retrying`);
        await sleep(Math.min(100 * 2 ** failures, 5000));
      }
    }
    await Promise.all(this.receipts);
  }

  /**
   * Counts a message being received against the prefetch limit until it is handed out. Receipts on
   * the one main connection complete in order, so deliveries keep the order Redis served them in,
   * while the next fetch already runs.
   */
  private track(receipt: Promise<void>): void {
    const tracked = receipt.finally(() => {
      this.receipts.delete(tracked);
      this.room.notify();
    });
    this.receipts.add(tracked);
  }

  /** Hands out a message taken from `list`; `reserved` when the reserve script already recorded it as unacked. */
  private async received(list: string, raw: string, reserved?: UnackedRecord): Promise<void> {
    const { redis, scripts, restorer, clock, logger } = this.context;
    const queue = queueOfRedisList(list);
    this.order.served(queue);
    try {
      if (this.cancelled) {
        // taken while cancelling: back to the head of its list, served next
        if (reserved) await restorer.restoreByTag(reserved.tag, reserved.value);
        else await redis.rpush(list, raw);
        return;
      }
      let message;
      try {
        message = fromRedisEnvelope(raw, queue);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.warning(`redis broker: dead-lettering unreadable message from ${queue}: ${reason}`);
        const entry = deadLetterEntry(queue, reason, clock.now(), raw);
        if (reserved) await scripts.run('celeriacReject', [UNACKED_KEY, UNACKED_INDEX_KEY, DEAD_LETTER_KEY], [reserved.tag, entry]);
        else await redis.rpush(DEAD_LETTER_KEY, entry);
        return;
      }
      const { tag, value } = reserved ?? await this.recordUnacked(message, queue, raw);
      const delivery = this.outstanding.track(message, {
        ack: async () => { await redis.multi().zrem(UNACKED_INDEX_KEY, tag).hdel(UNACKED_KEY, tag).exec(); },
        requeue: async () => { await restorer.restoreByTag(tag, value); },
        reject: async (reason) => {
          await scripts.run('celeriacReject', [UNACKED_KEY, UNACKED_INDEX_KEY, DEAD_LETTER_KEY], [tag, deadLetterEntry(queue, reason, clock.now(), raw)]);
        },
      });
      this.onDelivery(delivery);
    } catch (error) {
      logger.error(`redis broker: cannot take a message from ${queue}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** kombu's QoS.append: unacked[tag] = JSON [message, exchange, routing_key], unacked_index[tag] = now. */
  private async recordUnacked(message: ReceivedMessage, queue: string, raw: string): Promise<UnackedRecord> {
    const { redis, clock } = this.context;
    const tag = typeof message.properties.delivery_tag === 'string' ? message.properties.delivery_tag : uuid4();
    const info = (message.properties.delivery_info ?? {}) as { exchange?: unknown; routing_key?: unknown };
    const exchange = typeof info.exchange === 'string' ? info.exchange : '';
    const routingKey = typeof info.routing_key === 'string' ? info.routing_key : queue;
    const value = `[${raw},${JSON.stringify(exchange)},${JSON.stringify(routingKey)}]`;
    await redis.multi().zadd(UNACKED_INDEX_KEY, clock.now() / 1000, tag).hset(UNACKED_KEY, tag, value).exec();
    return { tag, value };
  }

  /** Timers run on the injected clock (tests move time); each firing schedules the next first. */
  private restoreVisibleEvery(intervalMs: number): void {
    const tick = () => {
      if (this.cancelled) return;
      this.restoreTimer = this.context.clock.setTimer(tick, intervalMs);
      this.restoreVisible();
    };
    tick();
  }

  /** One restore at a time; a request during one runs again right after it, with a fresh cutoff. */
  private restoreVisible(): void {
    if (this.restoring) {
      this.restoreAgain = true;
      return;
    }
    this.restoring = (async () => {
      do {
        this.restoreAgain = false;
        try {
          const moved = await this.context.restorer.restoreVisible(this.visibilityTimeoutS);
          if (moved > 0) this.context.logger.info(`redis broker: restored ${moved} unacknowledged message(s) past the visibility timeout`);
        } catch (error) {
          this.context.logger.warning(`redis broker: restoring unacked messages failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.restoreAgain && !this.cancelled);
      this.restoring = undefined;
    })();
  }
}

function deadLetterEntry(queue: string, reason: string, at: number, raw: string): string {
  return JSON.stringify({ queue, reason, at: new Date(at).toISOString(), message: raw });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
