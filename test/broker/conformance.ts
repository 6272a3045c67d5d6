/**
 * The behaviour every Broker adapter owes (src/broker/interfaces.ts). An adapter's test file calls
 * describeBrokerConformance with a harness that makes brokers on its own storage.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Broker, Consumer, Delivery } from '../../src/broker/interfaces.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { decodeTaskMessage } from '../../src/protocol/decode.js';
import type { TaskRequest } from '../../src/protocol/types.js';
import { ManualClock } from '../../src/util/clock.js';

export interface DeadLetter {
  queue: string;
  reason: string;
  /** The dead message's task id and body, to show the message itself was kept. */
  taskId: string;
  body: Buffer;
}

/** A dead letter from a stored kombu envelope (Redis list entry, SQLite row). */
export function deadLetterFromEnvelope(queue: string, reason: string, raw: string): DeadLetter {
  const envelope = JSON.parse(raw) as { headers: { id: string }; body: string };
  return { queue, reason, taskId: envelope.headers.id, body: Buffer.from(envelope.body, 'base64') };
}

/**
 * What an adapter cannot do by the nature of its broker: those tests are not registered for it (they
 * do not apply), so a CI run shows no skips. The adapter's own suite tests what it does instead.
 */
export interface BrokerCapabilities {
  /** Serves kombu's priority steps (RabbitMQ queues declared as Celery declares them have no priorities). */
  priorities: boolean;
  /** Serves queues in kombu's round-robin order (RabbitMQ pushes from every queue at once). */
  queueOrder: boolean;
  /** Redelivers unsettled messages after the visibility timeout (RabbitMQ does when the channel closes). */
  visibilityTimeout: boolean;
  /** A requeued message is served next (RabbitMQ aims for its old place, but a delivery can overtake it). */
  requeueServedNext: boolean;
}

export interface BrokerHarness {
  capabilities?: Partial<BrokerCapabilities>;
  /** A new broker (its own connection, like another process) on the suite's shared storage. */
  createBroker(clock: ManualClock): Broker | Promise<Broker>;
  /** What was dead-lettered from these queues, oldest first. */
  deadLetters(broker: Broker, queues: string[]): Promise<DeadLetter[]>;
  /** Removes what the suite left behind. */
  cleanup?(): Promise<void>;
}

let queueCounter = 0;
function uniqueQueue(name: string): string {
  return `conformance.${process.pid}.${Date.now().toString(36)}.${queueCounter++}.${name}`;
}

/** Polls real time: brokers deliver through real I/O whatever the test clock says. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeBrokerConformance(name: string, harness: BrokerHarness): void {
  const can: BrokerCapabilities = { priorities: true, queueOrder: true, visibilityTimeout: true, requeueServedNext: true, ...harness.capabilities };
  // Registers nothing: a test that does not apply to this broker.
  const none = (_name: string, _fn: () => Promise<void>) => undefined;
  describe(`${name} broker conformance`, () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const open: Broker[] = [];
    const consumers: Consumer[] = [];

    async function broker(): Promise<Broker> {
      const made = await harness.createBroker(clock);
      open.push(made);
      await made.connect();
      return made;
    }

    async function consume(b: Broker, queues: string[], prefetch: number, visibilityTimeout = 3600): Promise<Delivery[]> {
      const received: Delivery[] = [];
      consumers.push(await b.consume(queues, { prefetch, visibilityTimeout }, (d) => received.push(d)));
      return received;
    }

    function message(request: Partial<TaskRequest> & { queue: string }) {
      return buildTaskMessage({ task: 'tasks.conformance', ...request }, clock.now());
    }

    const taskIds = (deliveries: Delivery[]) => deliveries.map((d) => d.message.headers.id);

    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.cancel();
      for (const b of open.splice(0)) await b.close();
    });
    afterAll(async () => {
      await harness.cleanup?.();
    });

    it('delivers a published message with its headers, body and properties intact', async () => {
      const b = await broker();
      const queue = uniqueQueue('roundtrip');
      const sent = message({
        queue, args: [2, 3], kwargs: { a: 'å' }, priority: 5, expires: 60, compression: 'zlib',
        headers: { periodic_task_name: 'every-minute' },
      });
      await b.publish(sent);
      const received = await consume(b, [queue], 1);
      await waitFor(() => received.length === 1, 'the delivery');
      const delivery = received[0]!;
      expect(delivery.message.queue).toBe(queue);
      expect(delivery.message.headers).toEqual(sent.headers);
      expect(delivery.message.body.equals(sent.body)).toBe(true);
      expect(delivery.message.properties).toMatchObject({ ...sent.properties, delivery_info: { exchange: '', routing_key: queue } });
      expect(delivery.message.raw).toContain(sent.headers.id);
      const decoded = decodeTaskMessage(delivery.message);
      expect([decoded.args, decoded.kwargs]).toEqual([[2, 3], { a: 'å' }]);
      await delivery.ack();
    });

    (can.priorities ? it : none)('serves lower priority numbers first (kombu steps 0, 3, 6, 9), FIFO within one', async () => {
      const b = await broker();
      const queue = uniqueQueue('priority');
      for (const [id, priority] of [['p9', 9], ['p5', 5], ['p0-first', 0], ['p6', 6], ['p0-second', 0]] as const) {
        await b.publish(message({ queue, id, priority }));
      }
      const received = await consume(b, [queue], 1);
      for (let n = 1; n <= 5; n++) {
        await waitFor(() => received.length === n, `delivery ${n}`);
        await received[n - 1]!.ack();
      }
      expect(taskIds(received)).toEqual(['p0-first', 'p0-second', 'p5', 'p6', 'p9']);
    });

    (can.queueOrder ? it : none)('takes queues in the order given, then in turns (kombu round_robin); priority outranks queue', async () => {
      const b = await broker();
      const [first, second] = [uniqueQueue('first'), uniqueQueue('second')];
      await b.publish(message({ queue: second, id: 'second-1' }));
      await b.publish(message({ queue: first, id: 'first-1' }));
      await b.publish(message({ queue: first, id: 'first-2' }));
      await b.publish(message({ queue: second, id: 'second-urgent', priority: 0 }));
      await b.publish(message({ queue: first, id: 'first-low', priority: 9 }));
      const received = await consume(b, [first, second], 1);
      for (let n = 1; n <= 5; n++) {
        await waitFor(() => received.length === n, `delivery ${n}`);
        await received[n - 1]!.ack();
      }
      expect(taskIds(received)).toEqual(['first-1', 'second-1', 'first-2', 'second-urgent', 'first-low']);
    });

    it('keeps at most prefetch deliveries outstanding, and setPrefetch changes the limit', async () => {
      const b = await broker();
      const queue = uniqueQueue('prefetch');
      for (let i = 0; i < 6; i++) await b.publish(message({ queue, id: `m${i}` }));
      const received: Delivery[] = [];
      const consumer = await b.consume([queue], { prefetch: 2 }, (d) => received.push(d));
      consumers.push(consumer);
      await waitFor(() => received.length === 2, 'two deliveries');
      await settle(150);
      expect(received).toHaveLength(2);
      await received[0]!.ack();
      await waitFor(() => received.length === 3, 'a third delivery after an ack');
      await settle(150);
      expect(received).toHaveLength(3);
      consumer.setPrefetch(4);
      await waitFor(() => received.length === 5, 'two more after raising the limit');
      await settle(150);
      expect(received).toHaveLength(5);
    });

    it('prefetch 0 means no limit', async () => {
      const b = await broker();
      const queue = uniqueQueue('unlimited');
      for (let i = 0; i < 250; i++) await b.publish(message({ queue, id: `m${i}` }));
      const received = await consume(b, [queue], 0);
      await waitFor(() => received.length === 250, 'all 250 messages unsettled at once');
      for (const d of received) await d.ack();
    });

    it('ack removes the message for good', async () => {
      const b = await broker();
      const queue = uniqueQueue('ack');
      await b.publish(message({ queue, id: 'acked' }));
      const received = await consume(b, [queue], 1, 30);
      await waitFor(() => received.length === 1, 'the delivery');
      await received[0]!.ack();
      await expect(received[0]!.ack()).rejects.toThrow(/already settled/);
      await consumers.pop()!.cancel();
      const again = await consume(await broker(), [queue], 1, 30);
      await clock.advance(120_000);
      await settle(200);
      expect(again).toHaveLength(0);
    });

    it('requeue gives the message back to be delivered again', async () => {
      const b = await broker();
      const queue = uniqueQueue('requeue');
      await b.publish(message({ queue, id: 'first' }));
      await b.publish(message({ queue, id: 'second' }));
      const received = await consume(b, [queue], 1);
      await waitFor(() => received.length === 1, 'the first delivery');
      await received[0]!.requeue();
      await waitFor(() => received.length === 2, 'the next delivery');
      await received[1]!.ack();
      await waitFor(() => received.length === 3, 'the third delivery');
      await received[2]!.ack();
      await settle(100);
      expect(received).toHaveLength(3);
      expect([...taskIds(received.slice(1))].sort()).toEqual(['first', 'second']);
      // kombu's restore at warm shutdown puts it back at the head: served before what waited behind it
      if (can.requeueServedNext) expect(taskIds(received)).toEqual(['first', 'first', 'second']);
    });

    it('reject moves the message to the dead letters with the reason, and it is not redelivered', async () => {
      const b = await broker();
      const queue = uniqueQueue('reject');
      const sent = message({ queue, id: 'doomed' });
      await b.publish(sent);
      const received = await consume(b, [queue], 1, 30);
      await waitFor(() => received.length === 1, 'the delivery');
      await received[0]!.reject('unknown task tasks.conformance');
      const dead = await harness.deadLetters(b, [queue]);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ queue, reason: 'unknown task tasks.conformance', taskId: 'doomed' });
      expect(dead[0]!.body.equals(sent.body)).toBe(true);
      await clock.advance(120_000);
      await settle(200);
      expect(received).toHaveLength(1);
    });

    (can.visibilityTimeout ? it : none)('brings back a delivery left unsettled past the visibility timeout', async () => {
      const queue = uniqueQueue('visibility');
      const crashed = await broker();
      await crashed.publish(message({ queue, id: 'orphan' }));
      const lost = await consume(crashed, [queue], 1, 30);
      await waitFor(() => lost.length === 1, 'the first delivery');
      await consumers.pop()!.cancel(); // its worker is gone and never settles

      const survivor = await broker();
      const received = await consume(survivor, [queue], 1, 30);
      await clock.advance(20_000);
      await settle(150);
      expect(received).toHaveLength(0);
      await clock.advance(11_000);
      await waitFor(() => received.length === 1, 'the redelivery after the visibility timeout');
      expect(received[0]!.message.headers.id).toBe('orphan');
      await received[0]!.ack();
    });

    it('never hands the same message to two consumers', async () => {
      const queue = uniqueQueue('compete');
      const publisher = await broker();
      const ids = Array.from({ length: 40 }, (_, i) => `m${i}`);
      for (const id of ids) await publisher.publish(message({ queue, id }));
      const seen: string[] = [];
      for (const b of [await broker(), await broker()]) {
        consumers.push(await b.consume([queue], { prefetch: 3 }, (d) => {
          seen.push(d.message.headers.id as string);
          void d.ack();
        }));
      }
      await waitFor(() => seen.length >= ids.length, 'every message');
      await settle(150);
      expect([...seen].sort()).toEqual([...ids].sort());
    });

    it('close() stops delivering and leaves unsettled messages for another broker', async () => {
      const queue = uniqueQueue('close');
      const closing = await broker();
      await closing.publish(message({ queue, id: 'held' }));
      await closing.publish(message({ queue, id: 'waiting' }));
      const received = await consume(closing, [queue], 1, 30);
      await waitFor(() => received.length === 1, 'the delivery');
      await closing.close();
      open.splice(open.indexOf(closing), 1);
      consumers.pop();
      await settle(150);
      expect(received).toHaveLength(1);

      const next = await broker();
      const taken: string[] = [];
      consumers.push(await next.consume([queue], { prefetch: 2, visibilityTimeout: 30 }, (d) => {
        taken.push(d.message.headers.id as string);
        void d.ack();
      }));
      await waitFor(() => taken.length >= 1, 'the message nobody held');
      // The held one comes back after the visibility timeout (Redis, SQLite) or at once (RabbitMQ).
      await clock.advance(31_000);
      await waitFor(() => taken.length === 2, 'the held message');
      expect([...taken].sort()).toEqual(['held', 'waiting']);
    });
  });
}
