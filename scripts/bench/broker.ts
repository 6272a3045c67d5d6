/**
 * Broker throughput: encoding task messages, then publishing N messages and consuming + acking them
 * through each adapter (SQLite in a temp file; Redis DB 14 when Redis is up). Prints messages/second.
 * Run: `npx tsx scripts/bench/broker.ts [count]` (default 20,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Broker } from '../../src/broker/interfaces.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { SqliteBroker } from '../../src/broker/sqlite/sqlite-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { toRedisEnvelope } from '../../src/protocol/redis-envelope.js';

const COUNT = Number(process.argv[2] ?? 20_000);
const PREFETCH = 100;

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')} msg/s (${count} in ${ms.toFixed(0)} ms)`;
}

function benchEncoding(): void {
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) {
    toRedisEnvelope(buildTaskMessage({ task: 'tasks.add', args: [i, 'x'], kwargs: { tenant: 't1' }, priority: i % 10 }, Date.now()));
  }
  console.log(`encode (buildTaskMessage + toRedisEnvelope): ${rate(COUNT, performance.now() - start)}`);
}

async function benchBroker(name: string, make: () => Broker): Promise<void> {
  const queue = `bench.${process.pid}.${name}`;
  const publisher = make();
  await publisher.connect();
  const messages = Array.from({ length: COUNT }, (_, i) => buildTaskMessage({ task: 'tasks.add', args: [i], queue }, Date.now()));
  let start = performance.now();
  for (const message of messages) await publisher.publish(message);
  console.log(`${name} publish (one at a time, awaited): ${rate(COUNT, performance.now() - start)}`);

  const consumerBroker = make();
  let acked = 0;
  start = performance.now();
  await new Promise<void>((resolve) => {
    void consumerBroker.consume([queue], { prefetch: PREFETCH }, (delivery) => {
      void delivery.ack().then(() => {
        if (++acked === COUNT) resolve();
      });
    });
  });
  console.log(`${name} consume + ack (prefetch ${PREFETCH}): ${rate(COUNT, performance.now() - start)}`);
  await consumerBroker.close();
  await publisher.close();
}

benchEncoding();
const dir = mkdtempSync(join(tmpdir(), 'celeriac-bench-'));
try {
  const path = join(dir, 'bench.db');
  await benchBroker('sqlite', () => new SqliteBroker(path, `sqlite:///${path}`));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const redisUrl = 'redis://127.0.0.1:6379/14';
const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
probe.on('error', () => {});
if (await probe.connect().then(() => true, () => false)) {
  const prefix = `bench.${process.pid}:`;
  await benchBroker('redis', () => new RedisBroker(redisUrl, redisUrl, { keyPrefix: prefix }));
  const keys = await probe.keys(`${prefix}*`);
  if (keys.length) await probe.del(...keys);
} else {
  console.log('redis: skipped (no Redis on 127.0.0.1:6379)');
}
probe.disconnect();
