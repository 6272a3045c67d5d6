import type { Signature } from '../protocol/types.js';
import type { TaskDefinition } from './registry.js';
import type { AsyncResult } from './result.js';
import { makeSignature, type SendOptions } from './send-options.js';

/** What a Task needs from its app to send itself. */
export interface TaskSender {
  sendTask<R>(name: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: SendOptions): AsyncResult<R>;
}

/** A registered task as callers use it: `add.delay(2, 3)`, `add.applyAsync([2, 3], {}, { countdown: 10 })`. */
export class Task<A extends unknown[] = unknown[], R = unknown> {
  constructor(private readonly sender: TaskSender, readonly definition: TaskDefinition) {}

  get name(): string {
    return this.definition.name;
  }

  /** Sends the task with these arguments (Celery's delay). */
  delay(...args: A): AsyncResult<R> {
    return this.sender.sendTask<R>(this.name, args);
  }

  /** Sends the task with arguments, keyword arguments (passed as a last object) and options. */
  applyAsync(args?: A, kwargs?: Record<string, unknown>, options?: SendOptions): AsyncResult<R> {
    return this.sender.sendTask<R>(this.name, args ?? [], kwargs ?? {}, options ?? {});
  }

  /** A signature for link/chain: it receives the parent's result as its first argument. */
  s(...args: unknown[]): Signature {
    return makeSignature(this.name, args);
  }

  /** An immutable signature: it ignores the parent's result. */
  si(...args: unknown[]): Signature {
    return makeSignature(this.name, args, {}, {}, true);
  }
}
