import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { uuid4 } from '../../src/protocol/ids.js';
import { Celeriac } from '../../src/worker/app.js';
import { AMQP_URL, amqpRequirement, redisRequirement, REDIS_HOST, REDIS_PORT, requireServices } from '../helpers/services.js';
import { CliWorker } from '../worker/support/cli-worker.js';

const MODULE = fileURLToPath(new URL('../worker/fixtures/cli-app.ts', import.meta.url));
const RESULTS = `redis://${REDIS_HOST}:${REDIS_PORT}/8`;
const available = requireServices('celeriac worker on RabbitMQ', [await amqpRequirement(), await redisRequirement()]);

describe.runIf(available)('celeriac worker on RabbitMQ', () => {
  const client = new Celeriac({ broker: AMQP_URL, resultBackend: RESULTS });
  const queue = `cli-amqp-${uuid4()}`;
  const taskIds: string[] = [];
  let worker: CliWorker | undefined;
  afterAll(async () => {
    worker?.kill();
    await client.close();
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(queue);
    await connection.close();
    const redis = new Redis(RESULTS);
    await redis.del(...taskIds.map((id) => `celery-task-meta-${id}`));
    await redis.quit();
  });

  it('runs tasks sent through RabbitMQ, including countdown tasks held until due', async () => {
    worker = new CliWorker(['-A', MODULE, '-Q', queue, '-c', '4', '--broker', AMQP_URL, '--result-backend', RESULTS]);
    await worker.waitFor(/ready\./);
    const now = client.sendTask('tasks.add', [1, 2], {}, { queue });
    const later = client.sendTask('tasks.add', [3, 4], {}, { queue, countdown: 1 });
    expect(await now.get({ timeout: 15_000 })).toBe(3);
    expect(await later.get({ timeout: 15_000 })).toBe(7);
    const failing = client.sendTask('tasks.fail', ['over amqp'], {}, { queue });
    taskIds.push(now.id, later.id, failing.id);
    const failed = await failing.get({ timeout: 15_000 }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ excType: 'RangeError', excMessage: ['over amqp'] });
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
