import type { Statement } from 'better-sqlite3';
import { toRedisEnvelope } from '../../protocol/redis-envelope.js';
import type { TaskMessage } from '../../protocol/types.js';
import type { SqliteDatabase } from './database.js';

export interface ReservedRow {
  id: number;
  queue: string;
  payload: string;
}

const insertStatements = new WeakMap<SqliteDatabase, Statement>();

/**
 * Puts messages on the embedded queue. Synchronous, so the beat can claim an occurrence and enqueue
 * its message in one transaction of its own (`db.transaction(() => { claim(); insertMessages(...) })`);
 * called outside a transaction it runs in one.
 */
export function insertMessages(db: SqliteDatabase, messages: readonly TaskMessage[], enqueuedAt: number): void {
  let insert = insertStatements.get(db);
  if (!insert) {
    insert = db.prepare('INSERT INTO broker_messages (queue, priority, payload, enqueued_at) VALUES (?, ?, ?, ?)');
    insertStatements.set(db, insert);
  }
  const statement = insert;
  db.transaction(() => {
    for (const message of messages) {
      statement.run(message.route.queue, clampPriority(message.properties.priority), toRedisEnvelope(message), enqueuedAt);
    }
  })();
}

/** kombu's clamp to 0-9 (unreadable → 0). Unlike Redis's steps, every number orders on its own. */
function clampPriority(priority: unknown): number {
  const n = Math.trunc(Number(priority));
  return Number.isFinite(n) ? Math.min(9, Math.max(0, n)) : 0;
}

/** The statements one SqliteBroker runs against broker_messages / broker_dead_letters. */
export class QueueTable {
  private readonly headOfQueue: Statement<[string, number], { id: number; priority: number }>;
  private readonly reserve: Statement<[number, number, number], ReservedRow>;
  private readonly remove: Statement<[number]>;
  private readonly release: Statement<[number]>;
  private readonly deadLetter: Statement<[string, number, number]>;

  constructor(private readonly db: SqliteDatabase) {
    this.headOfQueue = db.prepare(
      `SELECT id, priority FROM broker_messages
       WHERE queue = ? AND (reserved_until IS NULL OR reserved_until <= ?)
       ORDER BY priority, id LIMIT 1`,
    );
    // The guard repeats the readiness test, so of two consumers racing for a row only one updates it.
    this.reserve = db.prepare(
      `UPDATE broker_messages SET reserved_until = ?, deliveries = deliveries + 1
       WHERE id = ? AND (reserved_until IS NULL OR reserved_until <= ?)
       RETURNING id, queue, payload`,
    );
    this.remove = db.prepare('DELETE FROM broker_messages WHERE id = ?');
    this.release = db.prepare('UPDATE broker_messages SET reserved_until = NULL WHERE id = ?');
    this.deadLetter = db.prepare(
      `INSERT INTO broker_dead_letters (queue, reason, rejected_at, payload)
       SELECT queue, ?, ?, payload FROM broker_messages WHERE id = ?`,
    );
  }

  insert(messages: readonly TaskMessage[], now: number): void {
    insertMessages(this.db, messages, now);
  }

  /**
   * Reserves the next ready message of these queues until `reservedUntil`: the lowest priority
   * number first, then the earliest queue in `queues`, then FIFO.
   */
  reserveNext(queues: readonly string[], now: number, reservedUntil: number): ReservedRow | undefined {
    for (;;) {
      let best: { id: number; priority: number } | undefined;
      for (const queue of queues) {
        const head = this.headOfQueue.get(queue, now);
        if (head && (!best || head.priority < best.priority)) best = head;
      }
      if (!best) return undefined;
      const row = this.reserve.get(reservedUntil, best.id, now);
      if (row) return row;
      // Another consumer took it between our read and our update: look again.
    }
  }

  ack(id: number): void {
    this.remove.run(id);
  }

  requeue(id: number): void {
    this.release.run(id);
  }

  /** Moves the message to broker_dead_letters with the reason. */
  reject(id: number, reason: string, now: number): void {
    this.db.transaction(() => {
      this.deadLetter.run(reason, now, id);
      this.remove.run(id);
    })();
  }
}
