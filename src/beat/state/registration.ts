import type { EntryState, Registration } from '../interfaces.js';

/**
 * The one rule for how an entry's state follows its definition, shared by every backend (the Redis
 * Lua script mirrors it; the backend conformance suite checks both agree):
 * - first seen: anchor now, occurrences count from now;
 * - schedule changed: re-anchor now and count from now (a cron entry keeps its last run);
 * - re-enabled: count from now, so the disabled stretch is not "missed";
 * - otherwise unchanged.
 */
export function nextRegisteredState(current: EntryState | null, registration: Registration, nowMs: number): EntryState {
  if (!current) {
    return { lastRunMs: null, runs: 0, anchorMs: nowMs, sinceMs: nowMs, fingerprint: registration.fingerprint, enabled: registration.enabled };
  }
  if (current.fingerprint !== registration.fingerprint) {
    return { ...current, anchorMs: nowMs, sinceMs: nowMs, fingerprint: registration.fingerprint, enabled: registration.enabled };
  }
  if (!current.enabled && registration.enabled) return { ...current, sinceMs: nowMs, enabled: true };
  if (current.enabled !== registration.enabled) return { ...current, enabled: registration.enabled };
  return current;
}
