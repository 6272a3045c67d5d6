import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTaskMessage } from '../../../src/protocol/build.js';
import type { TaskRequest as ProtocolRequest } from '../../../src/protocol/types.js';
import { ManualClock } from '../../../src/util/clock.js';
import { Logger } from '../../../src/util/log.js';
import { Celeriac, type CeleriacOptions } from '../../../src/worker/app.js';
import { SqliteBackend } from '../../../src/worker/backends/sqlite-backend.js';
import type { Pool } from '../../../src/worker/pools/types.js';
import { Worker } from '../../../src/worker/worker.js';
import { MemoryBroker } from './memory-broker.js';

export const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A worker on a MemoryBroker and a temporary SQLite result backend, driven by a ManualClock. */
export class WorkerHarness {
  readonly clock = new ManualClock(START);
  readonly broker = new MemoryBroker();
  readonly lines: string[] = [];
  readonly logger = new Logger({ level: 'DEBUG', sink: (line) => this.lines.push(line) });
  readonly app: Celeriac;
  readonly backend: SqliteBackend;
  private readonly dir = mkdtempSync(join(tmpdir(), 'celeriac-worker-'));
  private worker: Worker | undefined;

  constructor(options: Partial<CeleriacOptions> = {}) {
    this.backend = new SqliteBackend(join(this.dir, 'results.db'), 'sqlite:///results.db', { clock: this.clock });
    this.app = new Celeriac({ broker: this.broker, resultBackend: this.backend, clock: this.clock, logger: this.logger, ...options });
  }

  async start(options: { concurrency?: number; queues?: string[]; pool?: (app: Celeriac) => Pool; prefetchMultiplier?: number; visibilityTimeout?: number; consumers?: number } = {}): Promise<Worker> {
    const { AsyncPool } = await import('../../../src/worker/pools/async-pool.js');
    this.worker = new Worker({
      app: this.app,
      pool: options.pool?.(this.app) ?? new AsyncPool(this.app.registry, options.concurrency ?? 4),
      hostname: 'celeriac@test',
      logger: this.logger,
      ...(options.queues ? { queues: options.queues } : {}),
      ...(options.prefetchMultiplier ? { prefetchMultiplier: options.prefetchMultiplier } : {}),
      ...(options.visibilityTimeout ? { visibilityTimeout: options.visibilityTimeout } : {}),
      ...(options.consumers ? { consumers: options.consumers } : {}),
    });
    await this.worker.start();
    return this.worker;
  }

  /** Publishes a raw protocol request, as any client (Python included) would. */
  async send(request: ProtocolRequest): Promise<string> {
    const message = buildTaskMessage(request, this.clock.now());
    await this.broker.publish(message);
    return message.headers.id;
  }

  /** Lets deliveries, runs and stores happen without moving time. */
  async settle(): Promise<void> {
    await this.clock.advance(0);
  }

  linesMatching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.stop('cold').catch(() => {});
    await this.backend.close().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
