import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { uuid4 } from '../../src/protocol/ids.js';
import { CliWorker } from '../worker/support/cli-worker.js';
import { redisRequirement, REDIS_HOST, REDIS_PORT, requireServices } from '../helpers/services.js';
import { sleep } from '../helpers/wait.js';

const MODULE = fileURLToPath(new URL('../worker/fixtures/cli-app.ts', import.meta.url));
const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/8`;
const available = requireServices('two worker -B on one schedule', [await redisRequirement()]);

describe.runIf(available)('two `worker -B` processes on one schedule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-two-b-'));
  const run = uuid4().slice(0, 8);
  const queue = `two-b-${run}`;
  const name = `pair-${run}`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    await redis.del(queue, `_kombu.binding.${queue}`);
    for (const key of ['celeriac:beat:meta', 'celeriac:beat:last', 'celeriac:beat:runs']) await redis.hdel(key, name);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('send each occurrence once between them, and each runs once', async () => {
    writeFileSync(join(dir, 'jobs.yaml'), `entries:\n  ${name}:\n    task: tasks.add\n    schedule: 500ms\n    args: [1, 2]\n    options: { queue: ${queue} }\n`);
    const args = ['-A', MODULE, '-B', '--schedules', 'jobs.yaml', '-Q', queue, '--broker', REDIS_URL, '--result-backend', REDIS_URL];
    const workers = [new CliWorker(args, { cwd: dir }), new CliWorker(args, { cwd: dir })];
    try {
      await Promise.all(workers.map((w) => w.waitFor(/entries scheduled/)));
      await sleep(5000);
      for (const w of workers) w.signal('SIGTERM');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    } finally {
      for (const w of workers) w.kill();
    }
    const sent = workers.reduce((n, w) => n + w.count(new RegExp(`Sending due task ${name} `, 'g')), 0);
    const ran = workers.flatMap((w) => [...w.stderr.matchAll(/Task tasks\.add\[([0-9a-f-]+)\] succeeded/g)].map((m) => m[1]!));
    expect(sent).toBeGreaterThanOrEqual(8);
    expect(new Set(ran).size).toBe(ran.length);
    // Whatever was sent just before the workers stopped waits in the queue for the next worker.
    const redis = new Redis(REDIS_URL);
    const left = await redis.llen(queue);
    redis.disconnect();
    expect(ran.length + left).toBe(sent);
  }, 30_000);
});
