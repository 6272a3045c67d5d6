import type { Clock, TimerHandle } from '../../util/clock.js';
import { ResultTimeoutError } from '../errors.js';
import { READY_STATES } from '../states.js';
import type { ResultMeta } from './meta.js';

export interface ReadyWaitOptions {
  taskId: string;
  clock: Clock;
  timeoutMs: number | undefined;
  pollIntervalMs: number;
  read: () => Promise<ResultMeta | null>;
  /** Push notifications (Redis pub/sub): returns an unsubscribe function once listening. */
  subscribe?: (onMeta: (meta: ResultMeta) => void) => Promise<() => void>;
}

/**
 * Waits until a task's stored state is ready: woken by notifications when the backend has them,
 * reading the state every `pollIntervalMs` regardless (a notification can be missed across a
 * reconnect), and giving up with ResultTimeoutError after `timeoutMs`.
 */
export function waitForReady(options: ReadyWaitOptions): Promise<ResultMeta> {
  const { clock, taskId } = options;
  return new Promise<ResultMeta>((resolve, reject) => {
    let settled = false;
    let lastState = 'PENDING';
    let pollTimer: TimerHandle | undefined;
    let unsubscribe: (() => void) | undefined;
    const timeoutTimer = options.timeoutMs === undefined ? undefined : clock.setTimer(() => {
      finish(() => reject(new ResultTimeoutError(taskId, options.timeoutMs ?? 0, lastState)));
    }, options.timeoutMs);

    function finish(settle: () => void): void {
      if (settled) return;
      settled = true;
      timeoutTimer?.cancel();
      pollTimer?.cancel();
      unsubscribe?.();
      settle();
    }

    function consider(meta: ResultMeta | null): void {
      if (!meta) return;
      lastState = meta.status;
      if (READY_STATES.has(meta.status)) finish(() => resolve(meta));
    }

    async function poll(): Promise<void> {
      if (settled) return;
      try {
        consider(await options.read());
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (!settled) pollTimer = clock.setTimer(() => void poll(), options.pollIntervalMs);
    }

    async function start(): Promise<void> {
      if (options.subscribe) {
        const stop = await options.subscribe(consider);
        if (settled) stop();
        else unsubscribe = stop;
      }
      // Read after subscribing, so a result stored in between is not missed.
      await poll();
    }

    start().catch((error: unknown) => finish(() => reject(error)));
  });
}
