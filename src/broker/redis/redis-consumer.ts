import type { Redis } from 'ioredis';
import { uuid4 } from '../../protocol/ids.js';
import { fromRedisEnvelope, queueOfRedisList, redisBrpopKeys } from '../../protocol/redis-envelope.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ConsumeOptions, Consumer, Delivery, ReceivedMessage } from '../interfaces.js';
import { OutstandingDeliveries, type Settler } from '../outstanding.js';
import { RoundRobinQueues } from '../queue-order.js';
import { Signal } from '../signal.js';
import type { AckBatch } from './ack-batch.js';
import { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY } from './keys.js';
import type { UnackedRestorer } from './restorer.js';
import type { BrokerScripts } from './scripts.js';

const DEFAULT_VISIBILITY_TIMEOUT_S = 3600;
/** How often a consumer looks for unacked messages past their visibility timeout, at most. */
const RESTORE_INTERVAL_MS = 10_000;
/**
 * Most messages one reserve script takes. Its HSET/ZADD get two arguments per message through Lua's
 * unpack, which stops at about 8,000; and the script holds Redis for ~5 µs a message.
 */
const RESERVE_BATCH_MAX = 200;

/** What a consumer shares with its broker. */
export interface ConsumerContext {
  redis: Redis;
  scripts: BrokerScripts;
  acks: AckBatch;
  restorer: UnackedRestorer;
  clock: Clock;
  logger: Logger;
  keyPrefix: string;
  brpopTimeoutS: number;
  forget: (consumer: RedisConsumer) => void;
}

/** A message taken off `list`, recorded in `unacked` as `value` under `tag` (no tag: not recorded). */
interface Taken {
  list: string;
  raw: string;
  tag: string;
  value: string;
}

/**
 * Takes messages as kombu's Redis channel does (priority steps, queues in turns, `unacked` records),
 * many per round trip: while messages wait, one script takes as many as the prefetch has room for;
 * when none wait, BRPOP blocks on a connection of the consumer's own.
 */
export class RedisConsumer implements Consumer {
  private readonly blocking: Redis;
  private readonly outstanding: OutstandingDeliveries;
  private readonly order: RoundRobinQueues;
  private readonly room = new Signal();
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
    let failures = 0;
    while (!this.cancelled) {
      const room = this.outstanding.room;
      if (room === 0) {
        await this.room.wait();
        continue;
      }
      try {
        const lists = redisBrpopKeys(this.order.current());
        const taken = await this.reserve(lists, Math.min(room, RESERVE_BATCH_MAX));
        if (taken.length === 0) {
          // Nothing waiting: block (kombu's way) until something comes.
          // A reconnect gives the connection a new id, which cancel() needs to unblock it.
          this.blockingClientId ??= (await this.blocking.client('ID')) as number;
          const reply = await this.blocking.brpop(...lists, this.context.brpopTimeoutS);
          if (reply) taken.push({ list: reply[0].slice(this.context.keyPrefix.length), raw: reply[1], tag: '', value: '' });
        }
        failures = 0;
        await this.hand(taken);
      } catch (error) {
        if (this.cancelled) break;
        failures++;
        this.context.logger.warning(`redis broker: fetching failed (${errorText(error)}); retrying`);
        await sleep(Math.min(100 * 2 ** failures, 5000));
      }
    }
  }

  /** Takes up to `limit` waiting messages, recorded as unacked, in delivery order (reserve.lua). */
  private async reserve(lists: string[], limit: number): Promise<Taken[]> {
    const reply = await this.context.scripts.run(
      'celeriacReserve', [UNACKED_KEY, UNACKED_INDEX_KEY, ...lists], [this.context.clock.now() / 1000, limit, this.order.current().length],
    ) as Array<number | string>;
    const taken: Taken[] = [];
    for (let i = 0; i < reply.length; i += 4) {
      const raw = reply[i + 1] as string;
      const tail = reply[i + 3] as string;
      taken.push({ list: lists[(reply[i] as number) - 1]!, raw, tag: reply[i + 2] as string, value: tail && `[${raw}${tail}` });
    }
    return taken;
  }

  /**
   * Hands out taken messages in the order Redis served them. Taken while cancelling, they go back to
   * the head of their lists, last first, so they are served next in the same order.
   */
  private async hand(taken: Taken[]): Promise<void> {
    if (this.cancelled) {
      for (const each of taken.reverse()) await this.giveBack(each);
      return;
    }
    const deadLetters: Promise<void>[] = [];
    for (const each of taken) {
      const queue = queueOfRedisList(each.list);
      this.order.served(queue);
      let message: ReceivedMessage;
      try {
        message = fromRedisEnvelope(each.raw, queue);
      } catch (error) {
        deadLetters.push(this.deadLetter(queue, each, errorText(error)));
        continue;
      }
      try {
        const reserved = each.tag ? each : await this.recordUnacked(message, each);
        this.onDelivery(this.outstanding.track(message, this.settler(queue, reserved)));
      } catch (error) {
        this.context.logger.error(`redis broker: cannot take a message from ${queue}: ${errorText(error)}`);
      }
    }
    await Promise.all(deadLetters);
  }

  /**
   * kombu's QoS.append, for what BRPOP took or the reserve script could not record (no delivery_tag or
   * routing key): unacked[tag] = JSON [message, exchange, routing_key], unacked_index[tag] = now.
   */
  private async recordUnacked(message: ReceivedMessage, { list, raw }: Taken): Promise<Taken> {
    const tag = typeof message.properties.delivery_tag === 'string' ? message.properties.delivery_tag : uuid4();
    const info = (message.properties.delivery_info ?? {}) as { exchange?: unknown; routing_key?: unknown };
    const exchange = typeof info.exchange === 'string' ? info.exchange : '';
    const routingKey = typeof info.routing_key === 'string' ? info.routing_key : message.queue;
    const value = `[${raw},${JSON.stringify(exchange)},${JSON.stringify(routingKey)}]`;
    const replies = await this.context.redis.multi().zadd(UNACKED_INDEX_KEY, this.context.clock.now() / 1000, tag).hset(UNACKED_KEY, tag, value).exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    return { list, raw, tag, value };
  }

  private settler(queue: string, { raw, tag, value }: Taken): Settler {
    const { scripts, acks, restorer, clock } = this.context;
    return {
      ack: () => acks.ack(tag),
      requeue: async () => { await restorer.restoreByTag(tag, value); },
      reject: async (reason: string) => {
        await scripts.run('celeriacReject', [UNACKED_KEY, UNACKED_INDEX_KEY, DEAD_LETTER_KEY], [tag, deadLetterEntry(queue, reason, clock.now(), raw)]);
      },
    };
  }

  private async giveBack({ list, raw, tag, value }: Taken): Promise<void> {
    try {
      if (tag) await this.context.restorer.restoreByTag(tag, value);
      else await this.context.redis.rpush(list, raw);
    } catch (error) {
      this.context.logger.error(`redis broker: cannot give a message back to ${queueOfRedisList(list)}: ${errorText(error)}`);
    }
  }

  private async deadLetter(queue: string, { raw, tag }: Taken, reason: string): Promise<void> {
    const { redis, scripts, clock, logger } = this.context;
    logger.warning(`redis broker: dead-lettering unreadable message from ${queue}: ${reason}`);
    const entry = deadLetterEntry(queue, reason, clock.now(), raw);
    try {
      if (tag) await scripts.run('celeriacReject', [UNACKED_KEY, UNACKED_INDEX_KEY, DEAD_LETTER_KEY], [tag, entry]);
      else await redis.rpush(DEAD_LETTER_KEY, entry);
    } catch (error) {
      logger.error(`redis broker: cannot dead-letter a message from ${queue}: ${errorText(error)}`);
    }
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
          this.context.logger.warning(`redis broker: restoring unacked messages failed: ${errorText(error)}`);
        }
      } while (this.restoreAgain && !this.cancelled);
      this.restoring = undefined;
    })();
  }
}

function deadLetterEntry(queue: string, reason: string, at: number, raw: string): string {
  return JSON.stringify({ queue, reason, at: new Date(at).toISOString(), message: raw });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
