import { Worker as Thread } from 'node:worker_threads';
import { TimeLimitExceeded, errorText } from '../errors.js';
import type { Outcome } from '../invoke.js';
import type { TaskRequestInfo } from '../task-types.js';
import { failure } from './async-pool.js';
import type { ThreadData, ThreadReply, ThreadRequest } from './thread-messages.js';
import type { Pool, RunningTask } from './types.js';

/** A thread died under a task (Celery's WorkerLostError). */
export class WorkerLostError extends Error {
  static readonly pythonModule = 'billiard.exceptions';
  constructor(detail: string) {
    super(`Worker exited prematurely: ${detail}`);
    this.name = 'WorkerLostError';
  }
}

/**
 * Runs tasks in worker threads, one task per thread at a time, each thread having imported the app
 * module itself: CPU-bound tasks do not stall the consumer. At the hard time limit the thread is
 * terminated (the task really stops) and replaced.
 */
export class ThreadsPool implements Pool {
  readonly kind = 'threads';
  private readonly slots: ThreadSlot[];

  constructor(data: ThreadData, readonly concurrency: number) {
    this.slots = Array.from({ length: concurrency }, () => new ThreadSlot(data));
  }

  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.start()));
  }

  run(info: TaskRequestInfo): RunningTask {
    const slot = this.slots.find((candidate) => !candidate.busy);
    if (!slot) throw new Error(`threads pool: all ${this.concurrency} threads are busy`);
    return slot.run(info);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}

/** One thread and the task it runs; the thread is replaced when it is terminated or dies. */
class ThreadSlot {
  busy = false;
  private thread: Thread | undefined;
  private ready: Promise<void> = Promise.resolve();
  private settle: ((outcome: Outcome) => void) | undefined;
  private closing = false;

  constructor(private readonly data: ThreadData) {}

  start(): Promise<void> {
    const thread = spawnThread(this.data);
    this.thread = thread;
    this.ready = new Promise<void>((resolve, reject) => {
      thread.on('message', (reply: ThreadReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'failed') reject(new Error(`threads pool: a thread could not load the app: ${reply.message}`));
        else this.finish(reply.outcome);
      });
      thread.on('error', (error: Error) => {
        reject(error);
        this.lost(thread, `uncaught ${error.name}: ${error.message}`);
      });
      thread.on('exit', (code) => {
        reject(new Error(`threads pool: a thread exited with code ${code} while starting`));
        this.lost(thread, `exit code ${code}`);
      });
    });
    return this.ready;
  }

  run(info: TaskRequestInfo): RunningTask {
    this.busy = true;
    const outcome = new Promise<Outcome>((resolve) => { this.settle = resolve; });
    const settle = this.settle;
    // Messages wait for the thread to be ready, in order, and are dropped once this run has ended.
    const send = (message: ThreadRequest): void => {
      this.ready.then(
        () => { if (this.settle === settle) this.thread?.postMessage(message); },
        (error: unknown) => { if (this.settle === settle) this.finish(failure(new WorkerLostError(errorText(error)))); },
      );
    };
    send({ type: 'run', info });
    return {
      outcome,
      softLimit: (seconds) => send({ type: 'soft', seconds }),
      hardLimit: (seconds) => {
        if (this.settle !== settle) return;
        const thread = this.thread;
        this.finish(failure(new TimeLimitExceeded(seconds)));
        this.replace(thread);
      },
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.thread?.terminate();
  }

  private finish(outcome: Outcome): void {
    const settle = this.settle;
    this.settle = undefined;
    this.busy = false;
    settle?.(outcome);
  }

  /** The thread died: fail its task and start another. */
  private lost(thread: Thread, detail: string): void {
    if (this.closing || thread !== this.thread) return;
    this.finish(failure(new WorkerLostError(detail)));
    this.replace(thread);
  }

  private replace(thread: Thread | undefined): void {
    if (this.closing) return;
    this.thread = undefined;
    void thread?.terminate();
    // A start failure here surfaces as WorkerLostError on the next task given to this slot.
    this.start().catch(() => {});
  }
}

/**
 * Starts a pool thread. From compiled JavaScript the entry runs as is; from TypeScript sources
 * (tests, `tsx`) the thread first registers tsx, as Node 20 threads do not inherit loader hooks.
 */
function spawnThread(data: ThreadData): Thread {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./thread-entry.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Thread(entry, { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Thread(bootstrap, { eval: true, workerData: data });
}
