import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { BeatStateBackend } from '../../src/beat/interfaces.js';
import type { TaskMessage } from '../../src/protocol/types.js';

export interface StateHarness {
  backend: BeatStateBackend;
  /** Task ids enqueued so far, in order. */
  enqueuedIds(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export function fakeMessage(id: string, queue = 'celery'): TaskMessage {
  return {
    headers: {
      lang: 'js', task: 'tasks.test', id, shadow: null, eta: null, expires: null, group: null, group_index: null,
      retries: 0, timelimit: [null, null], root_id: id, parent_id: null, argsrepr: '()', kwargsrepr: '{}',
      origin: 'test', ignore_result: false,
    },
    properties: { correlation_id: id, reply_to: null, priority: 0, delivery_mode: 2 },
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    body: Buffer.from('[[], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]'),
    route: { queue, exchange: '', routingKey: queue },
  };
}

/** Every beat state backend must pass this suite: it is what makes "exactly once" hold. */
export function beatStateConformance(name: string, makeHarness: () => Promise<StateHarness>): void {
  describe(`${name} beat state`, () => {
    let harness: StateHarness;
    beforeEach(async () => { harness = await makeHarness(); });
    afterEach(async () => { await harness.cleanup(); });

    it('anchors a new entry at the moment it is first seen and counts occurrences from then', async () => {
      const states = await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      expect(states.get('a')).toEqual({ lastRunMs: null, runs: 0, anchorMs: 1000, sinceMs: 1000, fingerprint: 'f1', enabled: true });
    });

    it('keeps the first beat\'s anchor when another beat registers the same definition later', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      const states = await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 5000);
      expect(states.get('a')).toMatchObject({ anchorMs: 1000, sinceMs: 1000 });
    });

    it('re-anchors a changed schedule at the moment of the change and keeps its last run', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      await harness.backend.claim([{ name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [] }]);
      const states = await harness.backend.register([{ name: 'a', fingerprint: 'f2', enabled: true }], 7000);
      expect(states.get('a')).toEqual({ lastRunMs: 2000, runs: 0, anchorMs: 7000, sinceMs: 7000, fingerprint: 'f2', enabled: true });
    });

    it('counts occurrences from the moment a disabled entry is enabled again, keeping its anchor', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: false }], 1000);
      const states = await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 9000);
      expect(states.get('a')).toMatchObject({ anchorMs: 1000, sinceMs: 9000, enabled: true });
      const again = await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: false }], 9500);
      expect(again.get('a')).toMatchObject({ sinceMs: 9000, enabled: false });
    });

    it('claims an occurrence and enqueues its messages when the last run is as planned', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      const outcomes = await harness.backend.claim([
        { name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('id-1'), fakeMessage('id-2')] },
      ]);
      expect(outcomes).toEqual([{ ok: true }]);
      expect(await harness.enqueuedIds()).toEqual(['id-1', 'id-2']);
      expect((await harness.backend.read(['a'])).get('a')).toMatchObject({ lastRunMs: 2000, runs: 2 });
    });

    it('refuses a claim planned from an outdated last run, enqueues nothing and returns the current state', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      await harness.backend.claim([{ name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('first')] }]);
      const outcomes = await harness.backend.claim([
        { name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('duplicate')] },
      ]);
      expect(outcomes).toEqual([{ ok: false, current: expect.objectContaining({ lastRunMs: 2000, runs: 1 }) }]);
      expect(await harness.enqueuedIds()).toEqual(['first']);
    });

    it('refuses a claim for an entry that was never registered', async () => {
      const outcomes = await harness.backend.claim([{ name: 'ghost', expectedLastRunMs: null, lastRunMs: 1, messages: [fakeMessage('x')] }]);
      expect(outcomes).toEqual([{ ok: false, current: null }]);
      expect(await harness.enqueuedIds()).toEqual([]);
    });

    it('settles each claim of a batch on its own', async () => {
      await harness.backend.register(
        [{ name: 'a', fingerprint: 'f', enabled: true }, { name: 'b', fingerprint: 'f', enabled: true }],
        1000,
      );
      await harness.backend.claim([{ name: 'b', expectedLastRunMs: null, lastRunMs: 2000, messages: [] }]);
      const outcomes = await harness.backend.claim([
        { name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('a-2000')] },
        { name: 'b', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('b-2000')] },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
      expect(await harness.enqueuedIds()).toEqual(['a-2000']);
    });

    it('settles two claims of one entry in one batch in order: the second stands only if planned from the first', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f', enabled: true }], 1000);
      const outcomes = await harness.backend.claim([
        { name: 'a', expectedLastRunMs: null, lastRunMs: 2000, messages: [fakeMessage('a-2000')] },
        { name: 'a', expectedLastRunMs: 2000, lastRunMs: 3000, messages: [fakeMessage('a-3000')] },
        { name: 'a', expectedLastRunMs: 2000, lastRunMs: 3000, messages: [fakeMessage('a-3000-again')] },
      ]);
      expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: false, current: expect.objectContaining({ lastRunMs: 3000, runs: 2 }) }]);
      expect(await harness.enqueuedIds()).toEqual(['a-2000', 'a-3000']);
      expect((await harness.backend.read(['a'])).get('a')).toMatchObject({ lastRunMs: 3000, runs: 2 });
    });

    it('applies the registrations of one call in order, each seeing the one before', async () => {
      await harness.backend.register([{ name: 'a', fingerprint: 'f1', enabled: true }], 1000);
      const states = await harness.backend.register([
        { name: 'a', fingerprint: 'f1', enabled: false },
        { name: 'a', fingerprint: 'f1', enabled: true },
      ], 5000);
      expect(states.get('a')).toMatchObject({ anchorMs: 1000, sinceMs: 5000, enabled: true });
    });

    it('registers many entries in one call', async () => {
      const registrations = Array.from({ length: 12_000 }, (_, i) => ({ name: `e${i}`, fingerprint: 'f', enabled: true }));
      const states = await harness.backend.register(registrations, 42);
      expect(states.size).toBe(12_000);
      expect(states.get('e11999')).toMatchObject({ anchorMs: 42 });
    });
  });
}
