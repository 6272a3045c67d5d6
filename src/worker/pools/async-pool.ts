import { SoftTimeLimitExceeded, TimeLimitExceeded, NotRegistered } from '../errors.js';
import { serializeError, tracebackOf } from '../backends/meta.js';
import { invokeTask, type Outcome } from '../invoke.js';
import type { TaskRegistry } from '../registry.js';
import type { TaskRequestInfo } from '../task-types.js';
import type { Pool, RunningTask } from './types.js';

/**
 * Runs tasks on the worker's own event loop, up to `concurrency` at once: right for I/O-bound and
 * async tasks. JavaScript cannot stop a running function, so at the hard time limit the run is
 * recorded as failed with TimeLimitExceeded and its slot freed, while whatever the task still does
 * afterwards is ignored (its signal is aborted, so well-behaved tasks stop).
 */
export class AsyncPool implements Pool {
  readonly kind = 'async';

  constructor(private readonly registry: TaskRegistry, readonly concurrency: number) {}

  async start(): Promise<void> {}

  run(info: TaskRequestInfo): RunningTask {
    const controller = new AbortController();
    let settle!: (outcome: Outcome) => void;
    let settled = false;
    const outcome = new Promise<Outcome>((resolve) => { settle = resolve; });
    const finish = (result: Outcome): void => {
      if (settled) return;
      settled = true;
      settle(result);
    };
    const definition = this.registry.get(info.name);
    if (!definition) finish(failure(new NotRegistered(info.name)));
    else void invokeTask(definition, info, controller.signal).then(finish);
    return {
      outcome,
      softLimit: (seconds) => { if (!controller.signal.aborted) controller.abort(new SoftTimeLimitExceeded(seconds)); },
      hardLimit: (seconds) => {
        const error = new TimeLimitExceeded(seconds);
        if (!controller.signal.aborted) controller.abort(error);
        finish(failure(error));
      },
    };
  }

  async close(): Promise<void> {}
}

export function failure(error: Error): Outcome {
  return { state: 'FAILURE', exception: serializeError(error), traceback: tracebackOf(error) };
}
