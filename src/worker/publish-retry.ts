import type { Clock } from '../util/clock.js';

/** Celery's retry_policy for publishing while the broker is unreachable (seconds). */
export interface RetryPolicy {
  /** Attempts after the first; Celery: 3. */
  maxRetries?: number;
  /** Wait before the first retry; Celery: 0. */
  intervalStart?: number;
  /** Added to the wait after each retry; Celery: 0.2. */
  intervalStep?: number;
  /** Longest wait; Celery: 0.2. */
  intervalMax?: number;
}

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = { maxRetries: 3, intervalStart: 0, intervalStep: 0.2, intervalMax: 0.2 };

/** Runs `attempt` until it succeeds or the policy's retries are spent (then its last error is thrown). */
export async function withPublishRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy | false, clock: Clock): Promise<T> {
  if (policy === false) return attempt();
  const { maxRetries, intervalStart, intervalStep, intervalMax } = { ...DEFAULT_RETRY_POLICY, ...policy };
  for (let retries = 0; ; retries++) {
    try {
      return await attempt();
    } catch (error) {
      if (retries >= maxRetries) throw error;
      const waitSeconds = Math.min(intervalMax, intervalStart + retries * intervalStep);
      await new Promise<void>((resolve) => clock.setTimer(resolve, waitSeconds * 1000));
    }
  }
}
