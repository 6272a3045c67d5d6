/**
 * Proof against real Python Celery 5 on RabbitMQ: a Celery worker runs what AmqpBroker publishes
 * (which also shows our queue declarations match Celery's: a mismatch fails with PRECONDITION_FAILED),
 * and AmqpBroker delivers what Python's send_task publishes.
 */
import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.js';
import type { Delivery } from '../../src/broker/interfaces.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import type { TaskRequest } from '../../src/protocol/types.js';
import { waitFor } from '../broker/conformance.js';
import { AMQP_URL, PYTHON, REDIS_HOST, REDIS_PORT, amqpRequirement, pythonCeleryRequirement, redisRequirement, requireServices } from '../helpers/services.js';
import { PYTHON_APP_DIR, startCeleryWorker, type CeleryWorker } from './python/celery-worker.js';

const RECORD_URL = `redis://${REDIS_HOST}:${REDIS_PORT}/11`;
const run = `celeriac-amqp.${process.pid}.${Date.now().toString(36)}`;
const RECORD = `${run}.record`;
const queues = { main: `${run}.main`, other: `${run}.other`, fromPython: `${run}.from-python` };
const env = { CELERIAC_INTEROP_BROKER: AMQP_URL, CELERIAC_INTEROP_REDIS: RECORD_URL, CELERIAC_INTEROP_RECORD: RECORD };

const available = requireServices('celery consumes amqp', [await amqpRequirement(), await redisRequirement(), pythonCeleryRequirement()]);

describe.runIf(available)('Python Celery 5.2 and celeriac on RabbitMQ', () => {
  const redis = new Redis(RECORD_URL);
  const broker = new AmqpBroker(AMQP_URL, AMQP_URL);
  let worker: CeleryWorker | undefined;
  let ran: { id: string; args: unknown[]; kwargs: Record<string, unknown>; routing_key: string }[] = [];

  const send = (request: Omit<TaskRequest, 'task'>) => broker.publish(buildTaskMessage({ task: 'interop.record', ...request }, Date.now()));

  beforeAll(async () => {
    await send({ id: 'plain', queue: queues.main, args: [2, 3], kwargs: { name: 'å☃', nested: { list: [1, null, true] } } });
    await send({ id: 'zlib', queue: queues.main, args: ['y'.repeat(4000)], compression: 'zlib' });
    await send({ id: 'expired', queue: queues.main, expires: new Date(Date.now() - 60_000) });
    await send({ id: 'other', queue: queues.other, args: [1] });
    worker = await startCeleryWorker({ module: 'celeriac_interop_app', name: run, queues: [queues.main, queues.other], env });
    const deadline = Date.now() + 20_000;
    while ((await redis.llen(RECORD)) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    ran = (await redis.lrange(RECORD, 0, -1)).map((line) => JSON.parse(line) as (typeof ran)[number]);
  }, 40_000);

  afterAll(async () => {
    await worker?.stop();
    await broker.close();
    await redis.del(RECORD);
    redis.disconnect();
    const model = await amqp.connect(AMQP_URL);
    const channel = await model.createChannel();
    for (const queue of Object.values(queues)) {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(queue);
    }
    await model.close();
  });

  it('runs what celeriac published: args, kwargs, zlib bodies, each from its queue', () => {
    const byId = (id: string) => ran.find((r) => r.id === id);
    expect(byId('plain')).toMatchObject({ args: [2, 3], kwargs: { name: 'å☃', nested: { list: [1, null, true] } }, routing_key: queues.main });
    expect(byId('zlib')?.args).toEqual(['y'.repeat(4000)]);
    expect(byId('other')?.routing_key).toBe(queues.other);
  });

  it('drops an expired message: RabbitMQ by its expiration, or Celery by revoking it', () => {
    expect(ran.find((r) => r.id === 'expired')).toBeUndefined();
  });

  it('logs no decode errors or refused declarations', () => {
    expect(worker!.log()).not.toMatch(/Traceback|PRECONDITION_FAILED|ContentDisallowed|DecodeError|unregistered task|ERROR\//);
  });

  it('delivers what Python send_task publishes to RabbitMQ', async () => {
    execFileSync(PYTHON, ['-c', `
import celeriac_interop_app as m
m.app.send_task('tasks.add', (2, 3), {'who': 'python'}, task_id='py-amqp', queue='${queues.fromPython}', compression='zlib', expires=300)
`], { cwd: PYTHON_APP_DIR, env: { ...process.env, ...env, PYTHONPATH: PYTHON_APP_DIR } });
    const received: Delivery[] = [];
    const consumer = await broker.consume([queues.fromPython], { prefetch: 1 }, (d) => received.push(d));
    await waitFor(() => received.length === 1, 'the Python message');
    await consumer.cancel();
    const decoded = decodeTaskMessage(received[0]!.message);
    expect([decoded.headers.id, decoded.args, decoded.kwargs, decoded.headers.compression]).toEqual(['py-amqp', [2, 3], { who: 'python' }, 'application/x-gzip']);
    expect(received[0]!.message.properties.expiration).toMatch(/^\d+$/);
    await received[0]!.ack();
  });
});
