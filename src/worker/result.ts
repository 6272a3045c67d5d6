import { errorFromMeta, type ResultMeta } from './backends/meta.js';
import type { ResultBackend } from './backends/types.js';
import type { TaskState } from './states.js';

export interface GetOptions {
  /** Milliseconds to wait before giving up with ResultTimeoutError; no limit when omitted. */
  timeout?: number;
  /** Milliseconds between reads of the stored state while waiting (the backend's default otherwise). */
  interval?: number;
}

/** Gives a result its backend when it is first read (the app connects lazily). */
export type BackendProvider = () => ResultBackend;

/**
 * A handle on a task's result (Celery's AsyncResult). `sent` settles when the message reached the
 * broker; `get()` waits for that, then for the task, and returns its value or throws its failure.
 */
export class AsyncResult<T = unknown> {
  constructor(
    readonly id: string,
    private readonly backend: BackendProvider,
    readonly sent: Promise<void> = Promise.resolve(),
  ) {}

  /** Waits for the result: the value on SUCCESS; throws TaskFailedError on FAILURE or REVOKED. */
  async get(options: GetOptions = {}): Promise<T> {
    await this.sent;
    const meta = await this.backend().waitFor(this.id, {
      ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
      ...(options.interval === undefined ? {} : { pollIntervalMs: options.interval }),
    });
    if (meta.status === 'SUCCESS') return meta.result as T;
    throw errorFromMeta(meta);
  }

  /** The stored meta, or null while PENDING. */
  async meta(): Promise<ResultMeta | null> {
    return this.backend().get(this.id);
  }

  async state(): Promise<TaskState> {
    return (await this.meta())?.status ?? 'PENDING';
  }
}
