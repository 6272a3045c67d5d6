import { EventEmitter } from 'node:events';
import type { Entry } from '../schedule/entry-types.js';
import { definitionFingerprint, jitterOffsetMs, scheduleFingerprint } from '../schedule/fingerprint.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/log.js';
import { DueQueue } from './due-queue.js';
import type { BeatStateBackend, Claim, ClaimOutcome, EntryState, Registration } from './interfaces.js';
import { OccurrenceMessages } from './message.js';
import { planEntry } from './planner.js';

export interface BeatOptions {
  backend: BeatStateBackend;
  clock?: Clock;
  logger?: Logger;
  /**
   * Entries claimed per backend round trip (default 100), and batches in flight at once (default 3).
   * A few small batches keep Redis and beat busy side by side, and keep what a burst holds in flight
   * small next to what it allocates: with 1000 x 4, V8 saw dispatch objects outlive young-generation
   * collections, began allocating them straight into the old generation (allocation-site pretenuring)
   * and kept doing so afterwards, five times the old-generation garbage in steady running.
   */
  batchSize?: number;
  maxBatchesInFlight?: number;
  /**
   * Longest sleep. Timers run on a monotonic clock, so a wall-clock change is only noticed on waking;
   * a one-second cap keeps that delay short for the cost of one heap peek per second.
   */
  maxSleepMs?: number;
}

/** One published occurrence. */
export interface Dispatch {
  entry: Entry;
  occurrenceMs: number;
  sentAtMs: number;
  taskId: string;
}

export interface ReloadSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
}

export interface BeatEvents {
  /** After each occurrence is claimed and enqueued. */
  sent: [Dispatch];
  /** After each round of due entries has been handled (a test can await quiet points). */
  tick: [{ nowMs: number; sent: number }];
  reloaded: [ReloadSummary];
  /** The backend could not be reached; beat retries with backoff. */
  backendError: [Error];
}

type EntryChange = { replace: Entry[] } | { upserts: Entry[]; removals: string[] };

interface Slot {
  entry: Entry;
  messages: OccurrenceMessages;
  state: EntryState;
  jitterMs: number;
  version: number;
  /** When the entry is next looked at; null once it has retired (or is disabled). */
  dueMs: number | null;
}

/**
 * Schedule sources hand back the very same Entry objects for files that did not change, so most
 * entries of a reload compare by identity and only re-read ones are hashed.
 */
function sameDefinition(current: Entry, incoming: Entry): boolean {
  return current === incoming || definitionFingerprint(current) === definitionFingerprint(incoming);
}

const RETRY_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];
/** Entries registered with the backend per call. */
const REGISTER_CHUNK = 5000;

/**
 * The scheduler: keeps every enabled entry in a heap by next due time, sleeps until the first is due,
 * and claims due occurrences in batches, each claim an atomic "check last run, store it, enqueue"
 * step in the backend. Decisions come from persisted state only, so restarts and several beats agree.
 */
export class Beat extends EventEmitter<BeatEvents> {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly backend: BeatStateBackend;
  private readonly batchSize: number;
  private readonly maxBatchesInFlight: number;
  private readonly maxSleepMs: number;

  private readonly slots = new Map<string, Slot>();
  private readonly queue = new DueQueue();
  private nextVersion = 1;
  private pendingChanges: Array<{ change: EntryChange; done: (summary: ReloadSummary) => void }> = [];
  private running: Promise<void> | null = null;
  private stopping = false;
  private sleepTimer: TimerHandle | null = null;
  private wakeSleeper: (() => void) | null = null;
  private failures = 0;

  constructor(options: BeatOptions) {
    super();
    this.backend = options.backend;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.batchSize = options.batchSize ?? 100;
    this.maxBatchesInFlight = options.maxBatchesInFlight ?? 3;
    this.maxSleepMs = options.maxSleepMs ?? 1000;
  }

  /** Registers the entries with the backend and starts the loop. */
  async start(entries: Entry[]): Promise<ReloadSummary> {
    if (this.running) throw new Error('beat is already running');
    this.logger.info('beat: Starting...');
    const summary = await this.apply({ replace: entries });
    this.running = this.loop();
    return summary;
  }

  /**
   * Replaces the set of entries. Only entries whose definition changed are touched: unchanged ones
   * keep their place and state. Takes effect at once (the loop wakes up).
   */
  setEntries(entries: Entry[]): Promise<ReloadSummary> {
    return this.change({ replace: entries });
  }

  /** Adds or replaces some entries and removes others, leaving the rest alone (the store's live edits). */
  updateEntries(upserts: Entry[], removals: string[]): Promise<ReloadSummary> {
    return this.change({ upserts, removals });
  }

  private change(change: EntryChange): Promise<ReloadSummary> {
    if (!this.running) return this.apply(change);
    return new Promise((done) => {
      this.pendingChanges.push({ change, done });
      this.wake();
    });
  }

  /** Stops after the batch in progress; state is saved with every claim, so nothing is lost. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
    this.running = null;
  }

  /** Each scheduled entry's next due time (occurrence + jitter), for diagnostics and tests. */
  nextDue(): Map<string, number> {
    const result = new Map<string, number>();
    for (const [name, slot] of this.slots) if (slot.dueMs !== null) result.set(name, slot.dueMs);
    return result;
  }

  get entryCount(): number {
    return this.slots.size;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const pending = this.pendingChanges.shift();
      if (pending) {
        pending.done(await this.apply(pending.change));
        continue;
      }
      const delay = await this.dispatchDue();
      if (this.stopping || this.pendingChanges.length > 0) continue;
      await this.sleep(delay);
    }
  }

  /** Handles everything due now; returns how long to sleep. */
  private async dispatchDue(): Promise<number> {
    const nowMs = this.clock.now();
    const due: Slot[] = [];
    for (let top = this.queue.peek(); top && top.dueMs <= nowMs; top = this.queue.peek()) {
      this.queue.pop();
      const slot = this.slots.get(top.name);
      if (slot && slot.version === top.version) due.push(slot);
    }
    if (due.length > 0) {
      const sent = await this.claimInBatches(due, nowMs);
      this.emit('tick', { nowMs, sent });
      if (this.failures > 0) return RETRY_BACKOFF_MS[Math.min(this.failures - 1, RETRY_BACKOFF_MS.length - 1)]!;
    }
    const top = this.queue.peek();
    const untilDue = top ? top.dueMs - this.clock.now() : Infinity;
    return Math.max(0, Math.min(untilDue, this.maxSleepMs));
  }

  private async claimInBatches(due: Slot[], nowMs: number): Promise<number> {
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < due.length; i += this.batchSize) {
      const batch = due.slice(i, i + this.batchSize);
      const work = this.claimBatch(batch, nowMs).then((n) => { sent += n; });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      if (inFlight.size >= this.maxBatchesInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return sent;
  }

  private async claimBatch(batch: Slot[], nowMs: number): Promise<number> {
    const claims: Claim[] = [];
    const claimed: Array<{ slot: Slot; occurrences: number[]; nextOccurrenceMs: number | null }> = [];
    for (const slot of batch) {
      const plan = planEntry(slot.entry, slot.state, nowMs, slot.jitterMs);
      if (plan.lastRunMs === null) {
        this.reschedule(slot, plan.nextOccurrenceMs);
        continue;
      }
      claims.push({
        name: slot.entry.name,
        expectedLastRunMs: slot.state.lastRunMs,
        lastRunMs: plan.lastRunMs,
        messages: plan.send.map((occurrenceMs) => slot.messages.build(occurrenceMs, nowMs)),
      });
      claimed.push({ slot, occurrences: plan.send, nextOccurrenceMs: plan.nextOccurrenceMs });
    }
    if (claims.length === 0) return 0;

    let outcomes: ClaimOutcome[];
    try {
      outcomes = await this.backend.claim(claims);
    } catch (error) {
      this.onBackendError(error as Error, claimed.map((c) => c.slot));
      return 0;
    }
    this.onBackendRecovered();

    let sent = 0;
    const sentAtMs = this.clock.now();
    outcomes.forEach((outcome, i) => {
      const { slot, occurrences, nextOccurrenceMs } = claimed[i]!;
      const claim = claims[i]!;
      if (!outcome.ok) {
        // Another beat (or a lost reply) moved this entry on: re-plan from the stored state.
        this.logger.debug(`Scheduler: ${slot.entry.name} was claimed elsewhere; re-reading its state`);
        void this.recover(slot, outcome.current);
        return;
      }
      // Updated in place (the state is this slot's own): a new object per dispatch is old-generation garbage 10 s later.
      slot.state.lastRunMs = claim.lastRunMs;
      slot.state.runs += occurrences.length;
      occurrences.forEach((occurrenceMs, k) => {
        const taskId = claim.messages[k]!.headers.id;
        this.logger.info(`Scheduler: Sending due task ${slot.entry.name} (${slot.entry.task})`);
        this.emit('sent', { entry: slot.entry, occurrenceMs, sentAtMs, taskId });
        sent++;
      });
      if (occurrences.length === 0) {
        this.logger.info(`Scheduler: Skipping missed run(s) of ${slot.entry.name} up to ${new Date(claim.lastRunMs).toISOString()} (missed: ${slot.entry.missed})`);
      }
      this.reschedule(slot, nextOccurrenceMs);
    });
    return sent;
  }

  private async recover(slot: Slot, current: EntryState | null): Promise<void> {
    const state = current ?? (await this.register([slot.entry], this.clock.now())).get(slot.entry.name);
    if (!state || this.slots.get(slot.entry.name) !== slot) return;
    slot.state = state;
    this.reschedule(slot, this.clock.now() - slot.jitterMs);
    this.wake();
  }

  private onBackendError(error: Error, slots: Slot[]): void {
    this.failures++;
    if (this.failures === 1) this.logger.error(`beat: Connection error: ${error.message}. Trying again with backoff...`);
    this.emit('backendError', error);
    // Nothing is claimed: the entries stay due and are planned afresh, by their missed policy, once the backend is back.
    const retryAt = this.clock.now() + RETRY_BACKOFF_MS[Math.min(this.failures - 1, RETRY_BACKOFF_MS.length - 1)]!;
    for (const slot of slots) this.pushSlot(slot, retryAt);
  }

  private onBackendRecovered(): void {
    if (this.failures === 0) return;
    this.logger.info('beat: Connection re-established');
    this.failures = 0;
  }

  private reschedule(slot: Slot, nextOccurrenceMs: number | null): void {
    if (nextOccurrenceMs === null) slot.dueMs = null;
    else this.pushSlot(slot, nextOccurrenceMs + slot.jitterMs);
  }

  private pushSlot(slot: Slot, dueMs: number): void {
    slot.dueMs = dueMs;
    this.queue.push({ dueMs, name: slot.entry.name, version: slot.version });
  }

  private async apply(change: EntryChange): Promise<ReloadSummary> {
    const summary: ReloadSummary = { added: [], changed: [], removed: [], unchanged: 0 };
    let upserts: Entry[];
    let removals: Iterable<string>;
    if ('replace' in change) {
      const incoming = new Set(change.replace.map((entry) => entry.name));
      upserts = change.replace;
      removals = [...this.slots.keys()].filter((name) => !incoming.has(name));
    } else {
      ({ upserts, removals } = change);
    }
    for (const name of removals) if (this.slots.delete(name)) summary.removed.push(name);

    const toRegister: Entry[] = [];
    for (const entry of upserts) {
      const existing = this.slots.get(entry.name);
      if (existing && sameDefinition(existing.entry, entry)) {
        summary.unchanged++;
        continue;
      }
      (existing ? summary.changed : summary.added).push(entry.name);
      toRegister.push(entry);
    }

    const nowMs = this.clock.now();
    // A chunk at a time, so a 100k start-up's registrations and replies die young instead of
    // lingering in the old generation.
    for (let i = 0; i < toRegister.length; i += REGISTER_CHUNK) {
      const chunk = toRegister.slice(i, i + REGISTER_CHUNK);
      const states = await this.register(chunk, nowMs);
      for (const entry of chunk) {
        const slot: Slot = {
          entry,
          messages: new OccurrenceMessages(entry),
          state: states.get(entry.name)!,
          jitterMs: jitterOffsetMs(entry),
          version: this.nextVersion++,
          dueMs: null,
        };
        this.slots.set(entry.name, slot);
        // Plan at once: anything overdue goes to the loop now, to be handled by its missed policy; the
        // rest waits its turn (planning here, not in the loop, spares a 100k start-up a second pass).
        const plan = planEntry(entry, slot.state, nowMs, slot.jitterMs);
        if (plan.lastRunMs === null) this.reschedule(slot, plan.nextOccurrenceMs);
        else this.pushSlot(slot, nowMs);
      }
    }
    if (this.queue.size > 2 * this.slots.size + 1024) {
      this.queue.compact((item) => this.slots.get(item.name)?.version === item.version);
    }
    if (summary.added.length + summary.changed.length + summary.removed.length > 0) this.emit('reloaded', summary);
    return summary;
  }

  private register(entries: Entry[], nowMs: number): Promise<Map<string, EntryState>> {
    const registrations: Registration[] = entries.map((entry) => ({
      name: entry.name,
      fingerprint: scheduleFingerprint(entry),
      enabled: entry.enabled,
    }));
    return this.backend.register(registrations, nowMs);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeSleeper = resolve;
      this.sleepTimer = this.clock.setTimer(() => this.wake(), ms);
    });
  }

  private wake(): void {
    this.sleepTimer?.cancel();
    this.sleepTimer = null;
    const resolve = this.wakeSleeper;
    this.wakeSleeper = null;
    resolve?.();
  }
}
