import type { Redis } from 'ioredis';
import { TurnBatch } from '../../util/turn-batch.js';
import { UNACKED_INDEX_KEY, UNACKED_KEY } from './keys.js';

/**
 * Acknowledgements made in one event-loop turn go to Redis together, in one MULTI of one ZREM and one
 * HDEL over all their tags (kombu's `_remove_from_indices` takes many tags the same way).
 */
export class AckBatch {
  private readonly batch: TurnBatch<string>;

  constructor(redis: Redis) {
    this.batch = new TurnBatch(async (tags) => {
      const replies = await redis.multi().zrem(UNACKED_INDEX_KEY, ...tags).hdel(UNACKED_KEY, ...tags).exec();
      const failed = replies?.find(([error]) => error)?.[0];
      if (!replies || failed) throw new Error(`acknowledging ${tags.length} message(s) failed: ${failed?.message ?? 'transaction aborted'}`);
    });
  }

  /** Resolves once Redis has forgotten the delivery; rejects, with every ack of its batch, if it could not. */
  ack(tag: string): Promise<void> {
    return this.batch.add(tag);
  }
}
