import type { Redis } from 'ioredis';
import { UNACKED_INDEX_KEY, UNACKED_KEY } from './keys.js';

/**
 * Acknowledgements made in one event-loop turn go to Redis together, in one MULTI of one ZREM and one
 * HDEL over all their tags (kombu's `_remove_from_indices` takes many tags the same way). A busy
 * worker acks hundreds of messages a turn; one round trip each was the broker's main cost.
 */
export class AckBatch {
  private tags: string[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly redis: Redis) {}

  /** Resolves once Redis has forgotten the delivery; rejects, with every ack of its batch, if it could not. */
  ack(tag: string): Promise<void> {
    this.tags.push(tag);
    // process.nextTick runs after the promise jobs already queued, so the acks they make join this batch.
    this.flushing ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const tags = this.tags;
    this.tags = [];
    this.flushing = undefined;
    const replies = await this.redis.multi().zrem(UNACKED_INDEX_KEY, ...tags).hdel(UNACKED_KEY, ...tags).exec();
    const failed = replies?.find(([error]) => error)?.[0];
    if (!replies || failed) throw new Error(`acknowledging ${tags.length} message(s) failed: ${failed?.message ?? 'transaction aborted'}`);
  }
}
