import { fromRedisEnvelope } from '../../protocol/redis-envelope.js';
import type { TaskMessage } from '../../protocol/types.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import type { Broker, ConsumeOptions, Consumer, Delivery } from '../interfaces.js';
import { OutstandingDeliveries } from '../outstanding.js';
import { RoundRobinQueues } from '../queue-order.js';
import { openSqliteDatabase, type SqliteDatabase } from './database.js';
import { QueueTable, type ReservedRow } from './queue-table.js';

export interface SqliteBrokerOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * How often an idle consumer looks for messages (default 50 ms). A look is one indexed query per
   * queue (microseconds), and it also finds reservations whose visibility timeout lapsed, which
   * `PRAGMA data_version` could not signal (nor this connection's own inserts); so we poll the query.
   */
  pollIntervalMs?: number;
}

/** kombu's default visibility timeout. */
const DEFAULT_VISIBILITY_TIMEOUT_S = 3600;
/** Deliveries handed out per turn of the event loop. */
const FETCH_BATCH = 100;

/**
 * The embedded broker: a queue in a SQLite file that several processes share (beat in one, workers
 * in others). Tables and their meaning: see database.ts and docs/sqlite-broker.md.
 */
export class SqliteBroker implements Broker {
  private db: SqliteDatabase | undefined;
  private table: QueueTable | undefined;
  private readonly consumers = new Set<SqliteConsumer>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;

  /** `target` is a file path (opened on connect, closed on close) or a database someone else owns. */
  constructor(
    private readonly target: string | SqliteDatabase,
    readonly displayUrl: string,
    options: SqliteBrokerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  /** The open database, e.g. for the beat state that shares the file. */
  get database(): SqliteDatabase {
    return this.connectSync().db;
  }

  async connect(): Promise<void> {
    this.connectSync();
  }

  async publish(message: TaskMessage): Promise<void> {
    this.connectSync().table.insert([message], this.clock.now());
  }

  async consume(queues: string[], options: ConsumeOptions, onDelivery: (delivery: Delivery) => void): Promise<Consumer> {
    if (queues.length === 0) throw new Error('consume: no queues given');
    const consumer = new SqliteConsumer(this.connectSync().table, queues, options, onDelivery, {
      clock: this.clock, logger: this.logger, pollIntervalMs: this.pollIntervalMs,
      onCancel: (c) => this.consumers.delete(c),
    });
    this.consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  async close(): Promise<void> {
    for (const consumer of [...this.consumers]) await consumer.cancel();
    if (this.db && typeof this.target === 'string') this.db.close();
    this.db = undefined;
    this.table = undefined;
  }

  private connectSync(): { db: SqliteDatabase; table: QueueTable } {
    if (!this.db || !this.table) {
      this.db = typeof this.target === 'string' ? openSqliteDatabase(this.target) : this.target;
      this.table = new QueueTable(this.db);
    }
    return { db: this.db, table: this.table };
  }
}

interface ConsumerContext {
  clock: Clock;
  logger: Logger;
  pollIntervalMs: number;
  onCancel: (consumer: SqliteConsumer) => void;
}

class SqliteConsumer implements Consumer {
  private readonly outstanding: OutstandingDeliveries;
  private readonly order: RoundRobinQueues;
  private readonly visibilityMs: number;
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;

  constructor(
    private readonly table: QueueTable,
    queues: string[],
    options: ConsumeOptions,
    private readonly onDelivery: (delivery: Delivery) => void,
    private readonly context: ConsumerContext,
  ) {
    this.order = new RoundRobinQueues(queues);
    this.visibilityMs = (options.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_S) * 1000;
    this.outstanding = new OutstandingDeliveries(options.prefetch, () => this.wake());
  }

  start(): void {
    this.wake();
  }

  setPrefetch(prefetch: number): void {
    this.outstanding.setLimit(prefetch);
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    clearTimeout(this.timer);
    this.context.onCancel(this);
  }

  /** Look for messages now (a slot was freed or the limit grew) instead of at the next poll. */
  private wake(): void {
    if (!this.cancelled) this.schedule(0);
  }

  // Polling is I/O waiting, not time logic: it runs on real timers whatever the injected clock.
  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetch(), ms);
  }

  private fetch(): void {
    if (this.cancelled) return;
    let delivered = 0;
    let drained = false;
    try {
      // At most FETCH_BATCH at a time, so a large prefetch cannot hold the event loop.
      while (this.outstanding.hasRoom() && delivered < FETCH_BATCH) {
        const now = this.context.clock.now();
        const row = this.table.reserveNext(this.order.current(), now, now + this.visibilityMs);
        if (!row) {
          drained = true;
          break;
        }
        this.order.served(row.queue);
        this.deliver(row);
        delivered++;
        if (this.cancelled) return;
      }
    } catch (error) {
      drained = true;
      this.context.logger.error(`sqlite broker: cannot fetch messages: ${error instanceof Error ? error.message : String(error)}`);
    }
    // While full, the next settle wakes us; there is nothing to poll for.
    if (!this.outstanding.hasRoom()) clearTimeout(this.timer);
    else this.schedule(drained ? this.context.pollIntervalMs : 0);
  }

  private deliver(row: ReservedRow): void {
    const { clock, logger } = this.context;
    let message;
    try {
      message = fromRedisEnvelope(row.payload, row.queue);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warning(`sqlite broker: dead-lettering unreadable message ${row.id} from ${row.queue}: ${reason}`);
      this.table.reject(row.id, reason, clock.now());
      return;
    }
    const delivery = this.outstanding.track(message, {
      ack: async () => this.table.ack(row.id),
      requeue: async () => this.table.requeue(row.id),
      reject: async (reason) => this.table.reject(row.id, reason, clock.now()),
    });
    try {
      this.onDelivery(delivery);
    } catch (error) {
      logger.error(`sqlite broker: delivery handler failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
