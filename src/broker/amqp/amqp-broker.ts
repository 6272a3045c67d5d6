import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { TaskMessage } from '../../protocol/types.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import type { Broker, ConsumeOptions, Consumer, Delivery, ReceivedMessage } from '../interfaces.js';
import { OutstandingDeliveries } from '../outstanding.js';

export interface AmqpBrokerOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * Where reject() puts messages (a durable queue on the default exchange), with headers
   * `x-celeriac-reason`, `x-celeriac-queue` and `x-celeriac-rejected-at`. Default `celeriac.dead`.
   */
  deadLetterQueue?: string;
}

export const AMQP_DEAD_LETTER_QUEUE = 'celeriac.dead';
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * RabbitMQ (AMQP 0-9-1) through amqplib, declaring what Celery 5 declares (celery-wire.md): per queue
 * a durable direct exchange and a durable queue of the same name, no arguments, bound by the queue
 * name; messages go to the default exchange with the queue as routing key. Unacked messages return
 * when their channel closes (RabbitMQ's rule; there is no visibility timeout), and queues declared the
 * Celery way have no priorities. Connections come back after a broker restart, consumers with them.
 */
export class AmqpBroker implements Broker {
  private model: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private publisher: ConfirmChannel | undefined;
  private readonly declared = new Set<string>();
  private readonly consumers = new Set<AmqpConsumer>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  readonly deadLetterQueue: string;
  private closing = false;
  private reconnectDelayMs = 100;

  constructor(private readonly url: string, readonly displayUrl: string, options: AmqpBrokerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.deadLetterQueue = options.deadLetterQueue ?? AMQP_DEAD_LETTER_QUEUE;
  }

  async connect(): Promise<void> {
    await this.connection();
  }

  async publish(message: TaskMessage): Promise<void> {
    const channel = await this.publishChannel();
    const { route } = message;
    await this.declareQueue(channel, route.queue);
    if (route.exchange !== '') {
      await channel.assertExchange(route.exchange, 'direct', { durable: true });
      await channel.bindQueue(route.queue, route.exchange, route.routingKey);
    }
    const routingKey = route.exchange === '' ? route.queue : route.routingKey;
    await publishConfirmed(channel, route.exchange, routingKey, message.body, publishOptions(message));
  }

  async consume(queues: string[], options: ConsumeOptions, onDelivery: (delivery: Delivery) => void): Promise<Consumer> {
    if (queues.length === 0) throw new Error('consume: no queues given');
    const consumer = new AmqpConsumer({
      openChannel: async () => (await this.connection()).createChannel(),
      declareQueue: (channel, queue) => this.declareQueue(channel, queue),
      deadLetter: (message, queue, reason) => this.deadLetter(message, queue, reason),
      logger: this.logger,
      forget: (c) => this.consumers.delete(c),
    }, [...new Set(queues)], options, onDelivery);
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const consumer of [...this.consumers]) await consumer.cancel();
    const model = this.model;
    this.model = undefined;
    this.publisher = undefined;
    await model?.close().catch(() => undefined);
  }

  /** Declares a queue the way Celery does, once per connection. */
  private async declareQueue(channel: Channel, queue: string): Promise<void> {
    if (this.declared.has(queue)) return;
    await channel.assertExchange(queue, 'direct', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, queue, queue);
    this.declared.add(queue);
  }

  /** Moves a message to the dead-letter queue with why, where from and when. */
  private async deadLetter(message: ConsumeMessage, queue: string, reason: string): Promise<void> {
    const channel = await this.publishChannel();
    await channel.assertQueue(this.deadLetterQueue, { durable: true });
    const headers = {
      ...message.properties.headers,
      'x-celeriac-reason': reason,
      'x-celeriac-queue': queue,
      'x-celeriac-rejected-at': new Date(this.clock.now()).toISOString(),
    };
    await publishConfirmed(channel, '', this.deadLetterQueue, message.content, { ...definedProperties(message), headers });
  }

  private async publishChannel(): Promise<ConfirmChannel> {
    const model = await this.connection();
    if (!this.publisher) {
      const channel = await model.createConfirmChannel();
      // A refused declaration (PRECONDITION_FAILED) closes the channel: open a fresh one next time.
      channel.on('error', (error: Error) => this.logger.warning(`amqp broker ${this.displayUrl}: ${error.message}`));
      channel.on('close', () => {
        if (this.publisher === channel) this.publisher = undefined;
        this.declared.clear();
      });
      this.publisher = channel;
    }
    return this.publisher;
  }

  private connection(): Promise<ChannelModel> {
    if (this.closing) return Promise.reject(new Error(`amqp broker ${this.displayUrl} is closed`));
    if (this.model) return Promise.resolve(this.model);
    // amqplib loads on first use: a process on Redis or SQLite never pays its ~10 MB.
    this.connecting ??= import('amqplib').then(({ default: amqp }) => amqp.connect(this.url)).then((model) => {
      this.model = model;
      this.connecting = undefined;
      this.reconnectDelayMs = 100;
      model.on('error', (error: Error) => this.logger.warning(`amqp broker ${this.displayUrl}: ${error.message}`));
      model.on('close', () => this.lost(model));
      return model;
    }, (error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** The connection dropped: reconnect with backoff and let the consumers subscribe again. */
  private lost(model: ChannelModel): void {
    if (this.model !== model) return;
    this.model = undefined;
    this.publisher = undefined;
    this.declared.clear();
    if (this.closing) return;
    this.logger.warning(`amqp broker ${this.displayUrl}: connection lost; reconnecting`);
    const retry = () => {
      if (this.closing) return;
      this.connection().then(
        async () => { for (const consumer of this.consumers) await consumer.resubscribe(); },
        () => {
          this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
          setTimeout(retry, this.reconnectDelayMs);
        },
      );
    };
    setTimeout(retry, this.reconnectDelayMs);
  }
}

/** What a consumer uses of its broker. */
interface ConsumerContext {
  openChannel(): Promise<Channel>;
  declareQueue(channel: Channel, queue: string): Promise<void>;
  deadLetter(message: ConsumeMessage, queue: string, reason: string): Promise<void>;
  logger: Logger;
  forget(consumer: AmqpConsumer): void;
}

class AmqpConsumer implements Consumer {
  private channel: Channel | undefined;
  private consumerTags: string[] = [];
  private readonly outstanding: OutstandingDeliveries;
  private prefetch: number;
  private cancelled = false;

  constructor(
    private readonly context: ConsumerContext,
    private readonly queues: string[],
    options: ConsumeOptions,
    private readonly onDelivery: (delivery: Delivery) => void,
  ) {
    this.prefetch = options.prefetch;
    // RabbitMQ enforces the limit (basic.qos); this counts, guards double settles, and closes the
    // channel of a cancelled consumer once its last delivery is settled.
    this.outstanding = new OutstandingDeliveries(0, () => this.closeIfDone());
  }

  async start(): Promise<void> {
    const channel = await this.context.openChannel();
    channel.on('error', (error: Error) => this.context.logger.warning(`amqp consumer: ${error.message}`));
    this.channel = channel;
    // global=true: one limit for the channel across all its queues, as the interface promises.
    await channel.prefetch(this.prefetch, true);
    for (const queue of this.queues) {
      await this.context.declareQueue(channel, queue);
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (message) this.deliver(channel, queue, message);
      }, { noAck: false });
      this.consumerTags.push(consumerTag);
    }
  }

  async resubscribe(): Promise<void> {
    if (this.cancelled) return;
    this.consumerTags = [];
    await this.start().catch((error: unknown) => this.context.logger.warning(`amqp consumer: cannot resubscribe: ${String(error)}`));
  }

  setPrefetch(prefetch: number): void {
    this.prefetch = prefetch;
    void this.channel?.prefetch(prefetch, true).catch(() => undefined);
  }

  /** Stops new deliveries; the channel stays open so outstanding ones can still be settled. */
  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.context.forget(this);
    for (const tag of this.consumerTags) await this.channel?.cancel(tag).catch(() => undefined);
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.cancelled && this.outstanding.size === 0) void this.channel?.close().catch(() => undefined);
  }

  private deliver(channel: Channel, queue: string, message: ConsumeMessage): void {
    const received = toReceivedMessage(queue, message);
    const whenOpen = (what: string, action: () => void) => {
      try {
        action();
      } catch (error) {
        // The channel died (broker restart): RabbitMQ redelivers the message anyway.
        this.context.logger.warning(`amqp consumer: cannot ${what} ${String(received.headers.id ?? '')}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const delivery = this.outstanding.track(received, {
      ack: async () => whenOpen('ack', () => channel.ack(message)),
      requeue: async () => whenOpen('requeue', () => channel.nack(message, false, true)),
      reject: async (reason) => {
        await this.context.deadLetter(message, queue, reason);
        whenOpen('ack the dead-lettered', () => channel.ack(message));
      },
    });
    try {
      this.onDelivery(delivery);
    } catch (error) {
      this.context.logger.error(`amqp consumer: delivery handler failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function publishOptions(message: TaskMessage): Options.Publish {
  const { properties } = message;
  return {
    contentType: message.contentType,
    contentEncoding: message.contentEncoding,
    headers: message.headers,
    deliveryMode: properties.delivery_mode,
    priority: properties.priority,
    correlationId: properties.correlation_id,
    ...(properties.reply_to ? { replyTo: properties.reply_to } : {}),
    ...(properties.expiration !== undefined ? { expiration: properties.expiration } : {}),
  };
}

function definedProperties(message: ConsumeMessage): Options.Publish {
  return Object.fromEntries(Object.entries(message.properties).filter(([, v]) => v !== undefined)) as Options.Publish;
}

function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, body, options, (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}

/** The AMQP message in the shape every adapter delivers; `raw` is the kombu envelope it amounts to. */
function toReceivedMessage(queue: string, message: ConsumeMessage): ReceivedMessage {
  const p = message.properties;
  const headers = (p.headers ?? {}) as Record<string, unknown>;
  const properties: Record<string, unknown> = {
    correlation_id: p.correlationId,
    reply_to: p.replyTo ?? '',
    delivery_mode: p.deliveryMode,
    priority: p.priority ?? 0,
    ...(p.expiration !== undefined ? { expiration: String(p.expiration) } : {}),
    delivery_info: { exchange: message.fields.exchange, routing_key: message.fields.routingKey, redelivered: message.fields.redelivered },
    delivery_tag: message.fields.deliveryTag,
  };
  const contentType = p.contentType ?? 'application/json';
  const contentEncoding = p.contentEncoding ?? 'utf-8';
  const raw = JSON.stringify({
    body: message.content.toString('base64'), 'content-encoding': contentEncoding, 'content-type': contentType,
    headers, properties: { ...properties, body_encoding: 'base64' },
  });
  return { queue, raw, headers, properties, contentType, contentEncoding, body: message.content };
}
