import type { Database, Statement } from 'better-sqlite3';
import type { Broker } from '../../broker/interfaces.js';
import { migrate } from '../../broker/sqlite/database.js';
import type { TaskMessage } from '../../protocol/types.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';

/** Schema versions of the `beat-outbox` component; append, never edit. */
const OUTBOX_MIGRATIONS = ['CREATE TABLE beat_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT NOT NULL)'];

const BATCH = 500;
const RETRY_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Beat on a broker that cannot join a transaction (RabbitMQ). A claim writes its messages into the
 * `beat_outbox` table of the state file in the claim's own transaction; this relay then publishes them
 * in order, each with a publisher confirm, and deletes each row once confirmed. Nothing claimed is lost
 * (a crash leaves the rows, published at the next start); a crash between a confirm and its delete
 * publishes that one message again, with the same task id.
 */
export class OutboxRelay {
  private readonly insert: Statement<[string]>;
  private readonly next: Statement<[number], { id: number; message: string }>;
  private readonly remove: Statement<[number]>;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;
  private retryTimer: TimerHandle | null = null;
  private failures = 0;

  constructor(
    db: Database,
    private readonly broker: Broker,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    migrate(db, 'beat-outbox', OUTBOX_MIGRATIONS);
    this.insert = db.prepare('INSERT INTO beat_outbox (message) VALUES (?)');
    this.next = db.prepare('SELECT id, message FROM beat_outbox ORDER BY id LIMIT ?');
    this.remove = db.prepare('DELETE FROM beat_outbox WHERE id = ?');
  }

  /**
   * Queues messages for publishing; runs inside the caller's (the claim's) transaction. Publishing
   * starts in a microtask, after that synchronous transaction has committed (or rolled back).
   */
  readonly enqueue = (messages: TaskMessage[]): void => {
    for (const message of messages) this.insert.run(serializeMessage(message));
    queueMicrotask(() => this.wake());
  };

  /** Publishes whatever waits: after each claim, and at start for what a crash left behind. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.drainAgain) {
        this.drainAgain = false;
        this.wake();
      }
    });
  }

  /** Finishes the publishing under way; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.cancel();
    await this.draining;
  }

  private async drain(): Promise<void> {
    for (let rows = this.next.all(BATCH); rows.length > 0 && !this.stopped; rows = this.next.all(BATCH)) {
      // Confirms come back concurrently; each row goes as soon as its own message is confirmed.
      const outcomes = await Promise.allSettled(
        rows.map(async (row) => {
          await this.broker.publish(deserializeMessage(row.message));
          this.remove.run(row.id);
        }),
      );
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) {
        this.retryLater(failure.reason as Error);
        return;
      }
      if (this.failures > 0) this.logger.info('beat: Connection re-established');
      this.failures = 0;
    }
  }

  private retryLater(error: Error): void {
    this.failures++;
    if (this.failures === 1) this.logger.error(`beat: Connection error: ${error.message}. Trying again with backoff...`);
    const delayMs = RETRY_BACKOFF_MS[Math.min(this.failures - 1, RETRY_BACKOFF_MS.length - 1)]!;
    this.retryTimer = this.clock.setTimer(() => this.wake(), delayMs);
  }
}

function serializeMessage(message: TaskMessage): string {
  return JSON.stringify({ ...message, body: message.body.toString('base64') });
}

function deserializeMessage(text: string): TaskMessage {
  const stored = JSON.parse(text) as Omit<TaskMessage, 'body'> & { body: string };
  return { ...stored, body: Buffer.from(stored.body, 'base64') };
}
