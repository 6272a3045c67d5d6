import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli-process.js';
import { RedisServer } from '../helpers/redis-server.js';
import { redisServerBinaryRequirement, requireServices } from '../helpers/services.js';
import { sleep } from '../helpers/wait.js';

const available = requireServices('beat across a Redis restart', [redisServerBinaryRequirement()]);

describe.runIf(available)('beat when Redis (with AOF) goes away and comes back', () => {
  let server: RedisServer;
  const dir = mkdtempSync(join(tmpdir(), 'celeriac-beat-outage-'));
  beforeAll(async () => { server = await RedisServer.start({ aof: true }); });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs the outage, reconnects, sends what came due meanwhile and sends nothing twice', async () => {
    writeFileSync(join(dir, 'jobs.yaml'), 'entries:\n  pulse:\n    task: tasks.pulse\n    schedule: 1s\n');
    const beat = new CliProcess(['beat', '--broker', server.url(0), '--schedules', 'jobs.yaml'], { cwd: dir });
    try {
      await beat.waitFor(/(Sending due task pulse[\s\S]*){2}/);
      await server.kill();
      await beat.waitFor(/ERROR\/MainProcess\] beat: Connection error/);
      await sleep(3000);
      await server.restart();
      await beat.waitFor(/beat: Connection re-established/, 15_000);
      const resumedAt = beat.count(/Sending due task pulse/g);
      await beat.waitFor(new RegExp(`(Sending due task pulse[\\s\\S]*){${resumedAt + 2}}`));
      beat.signal('SIGTERM');
      expect(await beat.exited).toBe(0);
    } finally {
      beat.kill();
    }
    const redis = new Redis(server.url(0));
    const occurrences = (await redis.lrange('celery', 0, -1))
      .map((raw) => Date.parse((JSON.parse(raw) as { headers: { celeriac_occurrence: string } }).headers.celeriac_occurrence))
      .sort((a, b) => a - b);
    const ids = (await redis.lrange('celery', 0, -1)).map((raw) => (JSON.parse(raw) as { headers: { id: string } }).headers.id);
    redis.disconnect();
    expect(new Set(ids).size).toBe(ids.length);
    // Down for a few seconds: those occurrences were late, not missed (under a minute), so all were sent.
    const gaps = occurrences.slice(1).map((t, i) => t - occurrences[i]!);
    expect(gaps.every((gap) => gap === 1000), `gaps ${gaps.join(',')}`).toBe(true);
    expect(occurrences.length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
