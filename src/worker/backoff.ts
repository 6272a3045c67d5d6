/**
 * Celery's get_exponential_backoff_interval: min(maximum, factor × 2^retries) seconds, and with full
 * jitter a whole number of seconds drawn uniformly from [0, that]. `random` is in [0, 1).
 */
export function backoffSeconds(factor: number, retries: number, maximum: number, fullJitter: boolean, random: number): number {
  const countdown = Math.min(maximum, factor * 2 ** retries);
  return fullJitter ? Math.floor(random * (Math.floor(countdown) + 1)) : countdown;
}
