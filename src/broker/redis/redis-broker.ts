import { Redis, type RedisOptions } from 'ioredis';
import { redisBindingKey, redisBindingMember, redisQueueList, toRedisEnvelope } from '../../protocol/redis-envelope.js';
import type { TaskMessage } from '../../protocol/types.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import type { Broker, ConsumeOptions, Consumer, Delivery } from '../interfaces.js';
import { AckBatch } from './ack-batch.js';
import { RedisConsumer } from './redis-consumer.js';
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

/**
 * A broker on Redis that shares queues with Python Celery workers: kombu's lists, bindings,
 * envelope and ack emulation (`unacked` hash + `unacked_index` zset), key for key.
 */
export class RedisBroker implements Broker {
  private readonly redis: Redis;
  private readonly scripts: BrokerScripts;
  private readonly acks: AckBatch;
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
    this.acks = new AckBatch(this.redis);
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
      redis: this.redis, scripts: this.scripts, acks: this.acks, restorer: this.restorer, clock: this.clock, logger: this.logger,
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
