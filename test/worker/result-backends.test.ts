import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/util/clock.js';
import { createResultBackend } from '../../src/worker/backends/create.js';
import { buildMeta, formatDateDone } from '../../src/worker/backends/meta.js';
import { metaKey } from '../../src/worker/backends/redis-backend.js';
import type { ResultBackend } from '../../src/worker/backends/types.js';
import { ResultTimeoutError } from '../../src/worker/errors.js';
import { uuid4 } from '../../src/protocol/ids.js';
import { redisRequirement, REDIS_HOST, REDIS_PORT, requireServices } from '../helpers/services.js';

const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/5`;
const redisAvailable = requireServices('result backends (redis)', [await redisRequirement()]);
const tempDir = mkdtempSync(join(tmpdir(), 'celeriac-results-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const kinds: Array<{ name: string; url: () => string; enabled: boolean }> = [
  { name: 'redis', url: () => REDIS_URL, enabled: redisAvailable },
  { name: 'sqlite', url: () => `sqlite:///${join(tempDir, `${uuid4()}.db`)}`, enabled: true },
];

for (const kind of kinds) {
  describe.runIf(kind.enabled)(`${kind.name} result backend`, () => {
    const opened: ResultBackend[] = [];
    let url = kind.url();
    beforeEach(() => { url = kind.url(); });
    function open(clock?: ManualClock): ResultBackend {
      const backend = createResultBackend(url, clock ? { clock } : {});
      opened.push(backend);
      return backend;
    }
    afterEach(async () => { await Promise.all(opened.splice(0).map((b) => b.close())); });

    it('reads a task with nothing stored as null (PENDING)', async () => {
      expect(await open().get(uuid4())).toBeNull();
    });

    it('stores and reads back a Celery-shaped meta with the run duration', async () => {
      const backend = open();
      const id = uuid4();
      const meta = buildMeta({ taskId: id, state: 'SUCCESS', result: { sum: 5 }, at: Date.UTC(2026, 10, 23, 16, 52, 54, 51), durationSeconds: 0.003, children: [[[`${id}-child`, null], null]] });
      await backend.store(meta);
      expect(await backend.get(id)).toEqual({
        status: 'SUCCESS', result: { sum: 5 }, traceback: null, children: [[[`${id}-child`, null], null]],
        date_done: '2026-11-23T16:52:54.051000', task_id: id, duration: 0.003,
      });
    });

    it('never overwrites a stored SUCCESS with a later state', async () => {
      const backend = open();
      const id = uuid4();
      await backend.store(buildMeta({ taskId: id, state: 'SUCCESS', result: 1, at: 0 }));
      await backend.store(buildMeta({ taskId: id, state: 'FAILURE', result: { exc_type: 'Error', exc_message: ['late'], exc_module: null }, at: 0 }));
      expect((await backend.get(id))?.status).toBe('SUCCESS');
    });

    it('stores the results of many tasks finishing at once, a SUCCESS staying final among them', async () => {
      const backend = open();
      const ids = Array.from({ length: 50 }, () => uuid4());
      await Promise.all([
        ...ids.map((id, i) => backend.store(buildMeta({ taskId: id, state: 'SUCCESS', result: i, at: 0 }))),
        backend.store(buildMeta({ taskId: ids[0]!, state: 'FAILURE', result: { exc_type: 'Error', exc_message: ['late'], exc_module: null }, at: 0 })),
      ]);
      expect((await Promise.all(ids.map((id) => backend.get(id)))).map((meta) => [meta?.status, meta?.result]))
        .toEqual(ids.map((_, i) => ['SUCCESS', i]));
    });

    it('fails only the store of a result JSON cannot hold, not those beside it', async () => {
      const backend = open();
      const [bad, good] = [uuid4(), uuid4()];
      const stores = [
        backend.store(buildMeta({ taskId: bad, state: 'SUCCESS', result: 10n, at: 0 })),
        backend.store(buildMeta({ taskId: good, state: 'SUCCESS', result: 10, at: 0 })),
      ];
      await expect(stores[0]).rejects.toThrow(/BigInt/);
      await stores[1];
      expect([await backend.get(bad), (await backend.get(good))?.result]).toEqual([null, 10]);
    });

    it('lets later states replace STARTED and RETRY', async () => {
      const backend = open();
      const id = uuid4();
      await backend.store(buildMeta({ taskId: id, state: 'STARTED', result: { pid: 1, hostname: 'w' }, at: 0 }));
      await backend.store(buildMeta({ taskId: id, state: 'RETRY', result: { exc_type: 'Retry', exc_message: [], exc_module: 'celery.exceptions' }, at: 0 }));
      expect((await backend.get(id))?.status).toBe('RETRY');
      await backend.store(buildMeta({ taskId: id, state: 'FAILURE', result: { exc_type: 'Error', exc_message: ['x'], exc_module: null }, at: 0 }));
      expect(await backend.get(id)).toMatchObject({ status: 'FAILURE', result: { exc_type: 'Error' } });
    });

    it('wakes a waiter when the result is stored by another connection', async () => {
      const waiting = open();
      const writer = open();
      const id = uuid4();
      const result = waiting.waitFor(id, { timeoutMs: 10_000 });
      await writer.store(buildMeta({ taskId: id, state: 'STARTED', at: 0 }));
      await writer.store(buildMeta({ taskId: id, state: 'SUCCESS', result: 42, at: 0 }));
      expect(await result).toMatchObject({ status: 'SUCCESS', result: 42 });
    });

    it('returns at once when the result is already stored', async () => {
      const backend = open();
      const id = uuid4();
      await backend.store(buildMeta({ taskId: id, state: 'REVOKED', result: { exc_type: 'TaskRevokedError', exc_message: ['expired'], exc_module: 'celery.exceptions' }, at: 0 }));
      expect((await backend.waitFor(id, { timeoutMs: 1000 })).status).toBe('REVOKED');
    });

    it('gives up with ResultTimeoutError naming the task and its last state', async () => {
      const clock = new ManualClock(0);
      const backend = open(clock);
      const id = uuid4();
      await backend.store(buildMeta({ taskId: id, state: 'STARTED', at: 0 }));
      const reads = vi.spyOn(backend, 'get');
      const waiting = backend.waitFor(id, { timeoutMs: 5000, pollIntervalMs: 1000 });
      const outcome = waiting.then(() => 'resolved', (error: unknown) => error);
      await vi.waitFor(() => expect(reads).toHaveBeenCalled());
      await reads.mock.results[0]?.value;
      await clock.advance(4999);
      await clock.advance(1);
      const error = await outcome;
      expect(error).toBeInstanceOf(ResultTimeoutError);
      expect(String(error)).toContain(`task ${id} did not finish within 5000 ms (state STARTED)`);
    });
  });
}

describe.runIf(redisAvailable)('redis result backend wire format', () => {
  let raw: Redis;
  beforeAll(() => { raw = new Redis(REDIS_URL); });
  afterAll(async () => { await raw.quit(); });

  it('keeps celery-task-meta-<id> for 86400 s and publishes the meta on the same-named channel', async () => {
    const backend = createResultBackend(REDIS_URL);
    const subscriber = raw.duplicate();
    try {
      const id = uuid4();
      await subscriber.subscribe(metaKey(id));
      const published = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, text: string) => resolve(text)));
      await backend.store(buildMeta({ taskId: id, state: 'SUCCESS', result: 5, at: 0 }));
      const stored = await raw.get(`celery-task-meta-${id}`);
      expect(JSON.parse(stored ?? 'null')).toEqual({ status: 'SUCCESS', result: 5, traceback: null, children: [], date_done: formatDateDone(0), task_id: id });
      expect(await raw.ttl(`celery-task-meta-${id}`)).toBeGreaterThan(86_390);
      expect(await published).toBe(stored);
      await raw.del(metaKey(id));
    } finally {
      await subscriber.quit();
      await backend.close();
    }
  });

  it('publishes each of the results stored at the same moment on its own channel', async () => {
    const backend = createResultBackend(REDIS_URL);
    const subscriber = raw.duplicate();
    try {
      const ids = [uuid4(), uuid4(), uuid4()];
      await subscriber.subscribe(...ids.map(metaKey));
      const published = new Map<string, string>();
      subscriber.on('message', (channel: string, text: string) => published.set(channel, text));
      await Promise.all(ids.map((id) => backend.store(buildMeta({ taskId: id, state: 'SUCCESS', result: id, at: 0 }))));
      await vi.waitFor(() => expect(published.size).toBe(3));
      expect(ids.map((id) => (JSON.parse(published.get(metaKey(id))!) as { result: string }).result)).toEqual(ids);
      await raw.del(...ids.map(metaKey));
    } finally {
      await subscriber.quit();
      await backend.close();
    }
  });
});
