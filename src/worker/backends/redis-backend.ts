import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { TurnBatch } from '../../util/turn-batch.js';
import { maskUrl } from '../../util/url.js';
import { parseMeta, type ResultMeta } from './meta.js';
import type { ResultBackend, WaitOptions } from './types.js';
import { waitForReady } from './wait.js';

const storeResultsLua = readFileSync(new URL('./store-results.lua', import.meta.url), 'utf8');

export interface RedisBackendOptions {
  clock?: Clock;
  /** Seconds a result is kept (Celery's result_expires): 86400 by default; 0 keeps it forever. */
  resultExpires?: number;
  /** Connection problems are logged here while ioredis reconnects. */
  logger?: Logger;
}

type RedisWithScripts = Redis & { storeResults(keyCount: number, ...keysMetasTtl: Array<string | number>): Promise<number> };

/**
 * Celery's Redis result backend: `celery-task-meta-<id>` holds the meta JSON with a TTL, and the same
 * JSON is PUBLISHed on the channel of that name so waiting clients wake without polling.
 */
export class RedisBackend implements ResultBackend {
  readonly displayUrl: string;
  private readonly client: RedisWithScripts;
  private readonly notifications: MetaNotifications;
  /** The results stored in one event-loop turn go in one script call. */
  private readonly stores: TurnBatch<{ key: string; json: string }>;
  private readonly clock: Clock;
  private readonly resultExpires: number;

  constructor(url: string, options: RedisBackendOptions = {}) {
    this.displayUrl = maskUrl(url);
    this.clock = options.clock ?? systemClock;
    this.resultExpires = options.resultExpires ?? 86_400;
    // Auto-pipelining sends the reads of many concurrent waiters in one write.
    this.client = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true }) as RedisWithScripts;
    this.client.defineCommand('storeResults', { lua: storeResultsLua });
    this.stores = new TurnBatch(async (results) => {
      await this.client.storeResults(results.length, ...results.map((r) => r.key), ...results.map((r) => r.json), this.resultExpires);
    });
    const logger = options.logger ?? silentLogger;
    this.client.on('error', (error: Error) => logger.warning(`result backend ${this.displayUrl}: ${error.message}`));
    // The subscriber skips ioredis's ready check: a SUBSCRIBE sent while connecting (auto-pipelined)
    // puts the connection in subscriber mode before the check's INFO, which then throws uncaught.
    this.notifications = new MetaNotifications(() => this.client.duplicate({ enableAutoPipelining: false, enableReadyCheck: false }));
  }

  async store(meta: ResultMeta): Promise<void> {
    // Serialised here, so a result JSON cannot hold fails its own store, not its whole batch.
    await this.stores.add({ key: metaKey(meta.task_id), json: JSON.stringify(meta) });
  }

  async get(taskId: string): Promise<ResultMeta | null> {
    const text = await this.client.get(metaKey(taskId));
    return text === null ? null : parseMeta(text, taskId);
  }

  waitFor(taskId: string, options: WaitOptions = {}): Promise<ResultMeta> {
    return waitForReady({
      taskId,
      clock: this.clock,
      timeoutMs: options.timeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      read: () => this.get(taskId),
      subscribe: (onMeta) => this.notifications.listen(metaKey(taskId), (text) => onMeta(parseMeta(text, taskId))),
    });
  }

  async close(): Promise<void> {
    await this.notifications.close();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export function metaKey(taskId: string): string {
  return `celery-task-meta-${taskId}`;
}

/** One subscriber connection shared by every waiter, subscribed to each channel while someone listens. */
class MetaNotifications {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<(text: string) => void>>();

  constructor(private readonly connect: () => Redis) {}

  async listen(channel: string, listener: (text: string) => void): Promise<() => void> {
    const subscriber = this.subscriberConnection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await subscriber.subscribe(channel);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        subscriber.unsubscribe(channel).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      const subscriber = this.connect();
      subscriber.on('message', (channel: string, text: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(text);
      });
      // Errors surface through the polling reads; without a listener ioredis would print them.
      subscriber.on('error', () => {});
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }
}
