/**
 * celeriac and Python Celery on one Redis queue: what Python sends, celeriac decodes; what a killed
 * Python worker left unacknowledged, celeriac restores and runs (kombu's unacked bookkeeping is shared).
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/broker/interfaces.js';
import { UNACKED_INDEX_KEY, UNACKED_KEY } from '../../src/broker/redis/keys.js';
import { RedisBroker } from '../../src/broker/redis/redis-broker.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import { ManualClock } from '../../src/util/clock.js';
import { waitFor } from '../broker/conformance.js';
import { PYTHON, REDIS_HOST, REDIS_PORT, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { PYTHON_APP_DIR, startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

const BROKER_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/11`;
const run = `celeriac-shared.${process.pid}.${Date.now().toString(36)}`;
// Python and Node both use kombu's global_keyprefix, so even `unacked` belongs to this run alone.
const PREFIX = `${run}:`;
const env = { CELERIAC_INTEROP_BROKER: BROKER_URL, CELERIAC_INTEROP_RECORD: `${run}.record`, CELERIAC_INTEROP_KEYPREFIX: PREFIX };

const available = requireServices('celery shares a redis queue', [await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('celeriac and Python Celery share Redis queues', () => {
  const redis = new Redis(BROKER_URL, { keyPrefix: PREFIX });
  const clock = new ManualClock(Date.now());
  const brokers: RedisBroker[] = [];
  let worker: CeleryWorker | undefined;

  function broker(): RedisBroker {
    const made = new RedisBroker(BROKER_URL, BROKER_URL, { clock, keyPrefix: PREFIX });
    brokers.push(made);
    return made;
  }

  afterAll(async () => {
    await worker?.stop();
    for (const b of brokers) await b.close();
    const raw = new Redis(BROKER_URL);
    const keys = await raw.keys(`${PREFIX}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
    redis.disconnect();
  });

  it('consumes what Python send_task publishes, zlib and priority included', async () => {
    const queue = `${run}.from-python`;
    execFileSync(PYTHON, ['-c', `
import celeriac_interop_app as m
m.app.send_task('tasks.add', (2, 3), {'who': 'python'}, task_id='py-plain', queue='${queue}')
m.app.send_task('tasks.add', ('x' * 3000,), task_id='py-zlib', queue='${queue}', compression='zlib', priority=7)
`], { cwd: PYTHON_APP_DIR, env: { ...process.env, ...env, PYTHONPATH: PYTHON_APP_DIR } });
    const received: Delivery[] = [];
    const consumer = await broker().consume([queue], { prefetch: 5 }, (d) => received.push(d));
    await waitFor(() => received.length === 2, 'both Python messages');
    await consumer.cancel();
    const decoded = received.map((d) => decodeTaskMessage(d.message));
    expect(decoded.map((d) => [d.headers.id, d.args, d.kwargs])).toEqual([
      ['py-plain', [2, 3], { who: 'python' }],
      ['py-zlib', ['x'.repeat(3000)], {}],
    ]);
    for (const d of received) await d.ack();
  });

  it('restores and runs a message a killed Python worker left unacknowledged', async () => {
    const queue = `${run}.orphaned`;
    const publisher = broker();
    const message = buildTaskMessage({ task: 'interop.hang', id: 'orphaned-by-python', queue }, clock.now());
    await publisher.publish(message);
    worker = await startCeleryWorker({ module: 'celeriac_interop_app', name: run, queues: [queue], env });
    await worker.waitForLog(/Task interop\.hang\[orphaned-by-python\] received/);
    await worker.stop(); // kill -9: the message stays in kombu's unacked hash
    worker = undefined;
    const tags = await redis.hkeys(UNACKED_KEY);
    expect(tags).toHaveLength(1);

    const received: Delivery[] = [];
    const consumer = await broker().consume([queue], { prefetch: 1, visibilityTimeout: 60 }, (d) => received.push(d));
    // kombu stamped the delivery with the real time.time(): move our clock past it by the visibility
    // timeout plus one restore interval (consumers look every 10 s)
    await clock.set(Date.now() + 71_000);
    await waitFor(() => received.length === 1, 'the restored message');
    await consumer.cancel();
    expect(received[0]!.message.headers).toMatchObject({ id: 'orphaned-by-python', redelivered: true });
    await received[0]!.ack();
    expect(await redis.hkeys(UNACKED_KEY)).toEqual([]);
    expect(await redis.zcard(UNACKED_INDEX_KEY)).toBe(0);
  });
});
