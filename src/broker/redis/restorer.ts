import type { Redis } from 'ioredis';
import { KOMBU_SEP, redisQueueList } from '../../protocol/redis-envelope.js';
import { uuid4 } from '../../protocol/ids.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY, UNACKED_MUTEX_EXPIRE_S, UNACKED_MUTEX_KEY } from './keys.js';
import type { BrokerScripts } from './scripts.js';

type UnackedEntry = [Record<string, unknown>, string, string];

/**
 * Puts unacked messages back on their queues, as kombu's QoS does: one by tag (requeue, warm
 * shutdown) or all whose delivery is older than the visibility timeout (restore_visible, guarded by
 * `unacked_mutex` so Python and Node workers sharing the Redis take turns).
 */
export class UnackedRestorer {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: BrokerScripts,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Moves one unacked message back, marked redelivered, if it still holds `value`. `leftmost` pushes
   * it to the far end of the list (served last); otherwise it is served next. Kombu 5.2.4 restores to
   * the bare queue list and so loses the priority; we push to the list of its priority (as later kombu does).
   */
  async restoreByTag(tag: string, value: string, leftmost = false): Promise<boolean> {
    const [message, exchange, routingKey] = JSON.parse(value) as UnackedEntry;
    markRedelivered(message);
    const queues = await this.lookup(exchange, routingKey);
    const properties = (message.properties ?? {}) as Record<string, unknown>;
    const lists = queues.map((queue) => redisQueueList(queue, properties.priority));
    const moved = await this.scripts.run('celeriacRestore', [UNACKED_KEY, UNACKED_INDEX_KEY, ...lists], [tag, value, JSON.stringify(message), leftmost ? '1' : '0']);
    return moved === 1;
  }

  /** Restores every delivery older than the visibility timeout; returns how many moved. */
  async restoreVisible(visibilityTimeoutS: number): Promise<number> {
    const token = uuid4();
    const locked = await this.redis.set(UNACKED_MUTEX_KEY, token, 'EX', UNACKED_MUTEX_EXPIRE_S, 'NX');
    if (locked !== 'OK') return 0; // another worker is restoring (kombu's MutexHeld)
    let moved = 0;
    try {
      const ceiling = this.clock.now() / 1000 - visibilityTimeoutS;
      const tags = await this.redis.zrevrangebyscore(UNACKED_INDEX_KEY, ceiling, 0);
      for (const tag of tags) {
        const value = await this.redis.hget(UNACKED_KEY, tag);
        if (value === null) {
          await this.redis.zrem(UNACKED_INDEX_KEY, tag);
          continue;
        }
        try {
          if (await this.restoreByTag(tag, value)) moved++;
        } catch (error) {
          await this.deadLetterUnreadable(tag, value, error);
        }
      }
    } finally {
      await this.scripts.run('celeriacReleaseMutex', [UNACKED_MUTEX_KEY], [token]);
    }
    return moved;
  }

  /** Queues an exchange routes a key to (kombu's _lookup for direct exchanges; "" = the key is the queue). */
  private async lookup(exchange: string, routingKey: string): Promise<string[]> {
    if (!exchange) return [routingKey];
    const members = await this.redis.smembers(`_kombu.binding.${exchange}`);
    const queues = members
      .map((member) => member.split(KOMBU_SEP))
      .filter(([key]) => key === routingKey)
      .map(([, , queue]) => queue ?? '')
      .filter((queue) => queue !== '');
    return queues.length > 0 ? queues : [routingKey];
  }

  private async deadLetterUnreadable(tag: string, value: string, error: unknown): Promise<void> {
    const reason = `unreadable unacked entry: ${error instanceof Error ? error.message : String(error)}`;
    this.logger.error(`redis broker: dead-lettering unacked ${tag}: ${reason}`);
    const entry = JSON.stringify({ queue: '', reason, at: new Date(this.clock.now()).toISOString(), message: value });
    await this.scripts.run('celeriacReject', [UNACKED_KEY, UNACKED_INDEX_KEY, DEAD_LETTER_KEY], [tag, entry]);
  }
}

/** kombu's _do_restore_message marks both places. */
function markRedelivered(message: Record<string, unknown>): void {
  const headers = message.headers;
  const properties = message.properties as Record<string, unknown> | undefined;
  const deliveryInfo = properties?.delivery_info;
  if (isObject(headers) && isObject(deliveryInfo)) {
    headers.redelivered = true;
    deliveryInfo.redelivered = true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
