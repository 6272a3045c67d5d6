import type { ChannelModel } from 'amqplib';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.js';
import type { Delivery } from '../../src/broker/interfaces.js';
import { buildTaskMessage } from '../../src/protocol/build.js';
import { AMQP_URL, amqpRequirement, requireServices } from '../helpers/services.js';
import { waitFor } from './conformance.js';

const queue = `celeriac-test.reconnect.${process.pid}.${Date.now().toString(36)}`;
const available = requireServices('amqp broker reconnect', [await amqpRequirement()]);

describe.runIf(available)('AmqpBroker when the connection drops', () => {
  afterAll(async () => {
    const model = await amqp.connect(AMQP_URL);
    const channel = await model.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(queue);
    await model.close();
  });

  it('reconnects and keeps consuming; what was unsettled comes back', async () => {
    const consumerBroker = new AmqpBroker(AMQP_URL, AMQP_URL);
    const publisher = new AmqpBroker(AMQP_URL, AMQP_URL);
    const received: Delivery[] = [];
    await consumerBroker.consume([queue], { prefetch: 10 }, (d) => received.push(d));
    try {
      await publisher.publish(buildTaskMessage({ task: 't', queue, id: 'before' }, Date.now()));
      await waitFor(() => received.length === 1, 'the message before the drop');
      // Failure injection: cut the consumer's TCP connection as a network fault or broker restart would.
      (consumerBroker as unknown as { model: ChannelModel & { connection: { stream: { destroy(error: Error): void } } } }).model.connection.stream.destroy(new Error('simulated network failure'));
      await expect(received[0]!.ack()).resolves.toBeUndefined(); // the channel is gone: logged, not thrown
      await publisher.publish(buildTaskMessage({ task: 't', queue, id: 'after' }, Date.now()));
      await waitFor(() => received.length >= 3, 'the redelivered and the new message', 10_000);
      expect(received.slice(1).map((d) => d.message.headers.id).sort()).toEqual(['after', 'before']);
      expect(received.find((d, i) => i > 0 && d.message.headers.id === 'before')!.message.properties.delivery_info).toMatchObject({ redelivered: true });
      for (const d of received.slice(1)) await d.ack();
    } finally {
      await consumerBroker.close();
      await publisher.close();
    }
  });
});
