import type { Delivery, ReceivedMessage } from './interfaces.js';

/** How a broker settles one delivery. */
export interface Settler {
  ack(): Promise<void>;
  requeue(): Promise<void>;
  reject(reason: string): Promise<void>;
}

/**
 * The deliveries a consumer has handed out and not yet settled, against its prefetch limit
 * (0 = no limit, as kombu's prefetch_count 0). Each delivery settles once; a second settle throws.
 */
export class OutstandingDeliveries {
  private count = 0;

  constructor(
    private limit: number,
    /** Called after a settle frees a slot, so the consumer can fetch again at once. */
    private readonly onSlotFreed: () => void,
  ) {
    setLimitCheck(limit);
  }

  get size(): number {
    return this.count;
  }

  /** How many more deliveries fit now (Infinity when there is no limit). */
  get room(): number {
    return this.limit === 0 ? Infinity : Math.max(0, this.limit - this.count);
  }

  /** Whether another delivery fits, counting `pending` ones being prepared but not yet tracked. */
  hasRoom(pending = 0): boolean {
    return this.limit === 0 || this.count + pending < this.limit;
  }

  setLimit(limit: number): void {
    setLimitCheck(limit);
    const grew = limit === 0 || limit > this.limit;
    this.limit = limit;
    if (grew) this.onSlotFreed();
  }

  /** Wraps a received message as a Delivery that counts against the limit until settled. */
  track(message: ReceivedMessage, settler: Settler): Delivery {
    this.count++;
    let settled = false;
    const settle = async (how: string, action: () => Promise<void>) => {
      if (settled) throw new Error(`delivery ${String(message.headers.id ?? '')} was already settled (${how} refused)`);
      settled = true;
      try {
        await action();
      } finally {
        this.count--;
        this.onSlotFreed();
      }
    };
    return {
      message,
      ack: () => settle('ack', () => settler.ack()),
      requeue: () => settle('requeue', () => settler.requeue()),
      reject: (reason: string) => settle('reject', () => settler.reject(reason)),
    };
  }
}

function setLimitCheck(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`prefetch must be a whole number >= 0 (0 = no limit), not ${limit}`);
}
