import type { Broker, ConsumeOptions, Consumer, Delivery, ReceivedMessage } from '../../../src/broker/interfaces.js';
import type { TaskMessage } from '../../../src/protocol/types.js';

/**
 * An in-memory Broker for worker unit tests: FIFO queues, the prefetch limit, and a record of how
 * each delivery was settled. Deliveries are handed out asynchronously, as real brokers do.
 */
export class MemoryBroker implements Broker {
  readonly displayUrl = 'memory://';
  readonly published: TaskMessage[] = [];
  readonly acked: ReceivedMessage[] = [];
  readonly requeued: ReceivedMessage[] = [];
  readonly rejected: Array<{ message: ReceivedMessage; reason: string }> = [];
  readonly prefetchChanges: number[] = [];
  readonly consumeOptions: ConsumeOptions[] = [];
  private closed = false;
  private readonly queues = new Map<string, ReceivedMessage[]>();
  private consumers: Array<{ queues: string[]; prefetch: number; outstanding: number; cancelled: boolean; onDelivery: (d: Delivery) => void }> = [];

  async connect(): Promise<void> {}

  async publish(message: TaskMessage): Promise<void> {
    this.published.push(message);
    this.push({
      queue: message.route.queue,
      raw: JSON.stringify({ headers: message.headers, body: message.body.toString('base64') }),
      headers: message.headers,
      properties: message.properties,
      contentType: message.contentType,
      contentEncoding: message.contentEncoding,
      body: message.body,
    });
  }

  /** Puts a raw received message on a queue (malformed messages in tests). */
  push(message: ReceivedMessage): void {
    const queue = this.queues.get(message.queue) ?? [];
    queue.push(message);
    this.queues.set(message.queue, queue);
    queueMicrotask(() => this.dispatch());
  }

  waitingIn(queue: string): number {
    return this.queues.get(queue)?.length ?? 0;
  }

  async consume(queues: string[], options: ConsumeOptions, onDelivery: (delivery: Delivery) => void): Promise<Consumer> {
    this.consumeOptions.push(options);
    const consumer = { queues, prefetch: options.prefetch, outstanding: 0, cancelled: false, onDelivery };
    this.consumers.push(consumer);
    queueMicrotask(() => this.dispatch());
    return {
      cancel: async () => { consumer.cancelled = true; },
      setPrefetch: (prefetch: number) => {
        consumer.prefetch = prefetch;
        this.prefetchChanges.push(prefetch);
        queueMicrotask(() => this.dispatch());
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private dispatch(): void {
    for (const consumer of this.consumers) {
      while (!consumer.cancelled && !this.closed && consumer.outstanding < consumer.prefetch) {
        const message = this.next(consumer.queues);
        if (!message) break;
        consumer.outstanding++;
        let settled = false;
        const settle = (record: () => void) => async () => {
          if (settled) throw new Error('delivery settled twice');
          settled = true;
          consumer.outstanding--;
          record();
          queueMicrotask(() => this.dispatch());
        };
        consumer.onDelivery({
          message,
          ack: settle(() => this.acked.push(message)),
          requeue: settle(() => {
            this.requeued.push(message);
            (this.queues.get(message.queue) ?? []).unshift(message);
          }),
          reject: (reason: string) => settle(() => this.rejected.push({ message, reason }))(),
        });
      }
    }
  }

  private next(queues: string[]): ReceivedMessage | undefined {
    for (const name of queues) {
      const message = this.queues.get(name)?.shift();
      if (message) return message;
    }
    return undefined;
  }
}
