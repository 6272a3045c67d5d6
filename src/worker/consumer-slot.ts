import type { Consumer } from '../broker/interfaces.js';

/**
 * A consumer fetches one message per broker round trip, so a single one caps a busy worker at the
 * round-trip rate (about 2,000 messages/s on Redis here); several fetch in parallel, as several
 * Celery workers would (scripts/bench/worker.ts: 1,400 tasks/s with one, 4,200 to 4,600 with eight).
 */
const MESSAGES_PER_CONSUMER = 50;
const MAX_CONSUMERS = 8;

/** One consumer per MESSAGES_PER_CONSUMER prefetched messages, at least one, at most MAX_CONSUMERS. */
export function consumerCount(prefetch: number): number {
  return Math.min(MAX_CONSUMERS, Math.max(1, Math.floor(prefetch / MESSAGES_PER_CONSUMER)));
}

/** One broker consumer and its share of the prefetch, raised by one per eta message it holds. */
export class ConsumerSlot {
  consumer: Consumer | undefined;
  private held = 0;

  constructor(private readonly prefetch: number) {}

  holdOne(): void {
    this.held++;
    this.consumer?.setPrefetch(this.prefetch + this.held);
  }

  releaseOne(): void {
    this.held--;
    this.consumer?.setPrefetch(this.prefetch + this.held);
  }
}
