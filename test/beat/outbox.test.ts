import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/interfaces.js';
import { OutboxRelay } from '../../src/beat/state/outbox.js';
import { SqliteBeatState } from '../../src/beat/state/sqlite-state.js';
import type { TaskMessage } from '../../src/protocol/types.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/log.js';
import { fakeMessage } from './state-conformance.js';

/** A broker that records what it was given and can be switched off. */
function recordingBroker() {
  const published: TaskMessage[] = [];
  const broker = {
    down: false,
    published,
    async publish(message: TaskMessage) {
      await Promise.resolve();
      if (broker.down) throw new Error('connection refused');
      published.push(message);
    },
  };
  return broker;
}

function setup() {
  const db = new Database(':memory:');
  const clock = new ManualClock(0);
  const broker = recordingBroker();
  const relay = new OutboxRelay(db, broker as unknown as Broker, clock, silentLogger);
  const state = new SqliteBeatState(db, relay.enqueue, 'test');
  const pending = () => (db.prepare('SELECT count(*) AS n FROM beat_outbox').get() as { n: number }).n;
  return { db, clock, broker, relay, state, pending };
}

describe('OutboxRelay (beat on RabbitMQ)', () => {
  it('publishes claimed messages in order, each exactly as claimed, and empties the outbox', async () => {
    const { clock, broker, state, pending } = setup();
    await state.register([{ name: 'a', fingerprint: 'f', enabled: true }], 0);
    const message = { ...fakeMessage('id-1'), body: Buffer.from([0, 1, 2, 250]) };
    await state.claim([{ name: 'a', expectedLastRunMs: null, lastRunMs: 1000, messages: [message, fakeMessage('id-2')] }]);
    await clock.advance(0);
    expect(broker.published.map((m) => m.headers.id)).toEqual(['id-1', 'id-2']);
    expect(broker.published[0]).toEqual(message);
    expect(pending()).toBe(0);
  });

  it('publishes nothing for a refused claim', async () => {
    const { clock, broker, state } = setup();
    await state.claim([{ name: 'never-registered', expectedLastRunMs: null, lastRunMs: 1, messages: [fakeMessage('x')] }]);
    await clock.advance(0);
    expect(broker.published).toEqual([]);
  });

  it('keeps messages while the broker is away and publishes them, once, when it is back', async () => {
    const { clock, broker, state, pending } = setup();
    await state.register([{ name: 'a', fingerprint: 'f', enabled: true }], 0);
    broker.down = true;
    await state.claim([{ name: 'a', expectedLastRunMs: null, lastRunMs: 1000, messages: [fakeMessage('late')] }]);
    await clock.advance(0);
    expect(pending()).toBe(1);
    broker.down = false;
    await clock.advance(1000);
    expect(broker.published.map((m) => m.headers.id)).toEqual(['late']);
    expect(pending()).toBe(0);
  });

  it('leaves unpublished messages for the next start, which publishes them first', async () => {
    const { db, clock, broker, relay, state } = setup();
    await state.register([{ name: 'a', fingerprint: 'f', enabled: true }], 0);
    await relay.stop();
    await state.claim([{ name: 'a', expectedLastRunMs: null, lastRunMs: 1000, messages: [fakeMessage('left')] }]);
    await clock.advance(0);
    expect(broker.published).toEqual([]);
    const next = new OutboxRelay(db, broker as unknown as Broker, clock, silentLogger);
    next.wake();
    await clock.advance(0);
    expect(broker.published.map((m) => m.headers.id)).toEqual(['left']);
  });
});
