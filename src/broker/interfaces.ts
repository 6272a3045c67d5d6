import type { TaskMessage } from '../protocol/types.js';

/**
 * One interface every broker adapter implements (redis, sqlite, amqp), with one conformance suite
 * (test/broker/conformance.ts) each must pass.
 */
export interface Broker {
  /** The URL with its password masked, for banners and logs. */
  readonly displayUrl: string;
  connect(): Promise<void>;
  /** Publishes one task message to its route. Resolves once the broker has it. */
  publish(message: TaskMessage): Promise<void>;
  /**
   * Starts delivering messages from the queues in kombu's Redis order: priority first (lower numbers
   * first: 0 before 3 before 9), then queue order, round robin (the first queue listed goes first and
   * a queue that just delivered goes to the back, kombu's default `round_robin` strategy), then FIFO.
   * At most `prefetch` deliveries are outstanding (not yet acked/requeued/rejected) at once; 0 means
   * no limit (kombu's prefetch_count 0).
   */
  consume(queues: string[], options: ConsumeOptions, onDelivery: (delivery: Delivery) => void): Promise<Consumer>;
  /** Closes connections; outstanding deliveries are left for the visibility timeout / requeue. */
  close(): Promise<void>;
}

export interface ConsumeOptions {
  prefetch: number;
  /** Seconds an unacked message stays reserved before it is redelivered (kombu: 3600). */
  visibilityTimeout?: number;
}

export interface Consumer {
  /** Stops taking new messages; outstanding deliveries can still be settled. */
  cancel(): Promise<void>;
  /**
   * Changes the limit of outstanding deliveries from now on. The worker raises it by one for each
   * eta/countdown message it holds and lowers it again when that message runs, so held messages
   * never starve the queue (kombu's QoS.increment_eventually / decrement_eventually).
   */
  setPrefetch(prefetch: number): void;
}

/** A received message, settled exactly once by ack, requeue or reject. */
export interface Delivery {
  readonly message: ReceivedMessage;
  /** Done with it: remove it from the broker. */
  ack(): Promise<void>;
  /** Give it back to its queue now (warm shutdown, prefetched but not started). */
  requeue(): Promise<void>;
  /** Unusable (malformed, unknown task): move it to the dead-letter place with the reason. */
  reject(reason: string): Promise<void>;
}

/** What came off the wire; decoding of body and headers is the protocol module's job. */
export interface ReceivedMessage {
  queue: string;
  /** The raw text as stored (Redis envelope JSON, SQLite row), kept for dead-lettering. */
  raw: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  contentType: string;
  contentEncoding: string;
  body: Buffer;
}
