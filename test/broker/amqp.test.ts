import amqp from 'amqplib';
import { describe } from 'vitest';
import { AmqpBroker } from '../../src/broker/amqp/amqp-broker.js';
import type { Broker } from '../../src/broker/interfaces.js';
import { AMQP_URL, amqpRequirement, requireServices } from '../helpers/services.js';
import { describeBrokerConformance } from './conformance.js';

const deadLetterQueue = `celeriac-test.dead.${process.pid}.${Date.now().toString(36)}`;
/** Queues the suite touched, so cleanup can delete them (RabbitMQ keeps durable queues forever). */
const touched = new Set<string>([deadLetterQueue]);

function recording(broker: AmqpBroker): Broker {
  return new Proxy(broker, {
    get(target, property, receiver) {
      if (property === 'publish') return (message: Parameters<Broker['publish']>[0]) => { touched.add(message.route.queue); return target.publish(message); };
      if (property === 'consume') return (queues: string[], ...rest: [never, never]) => { queues.forEach((q) => touched.add(q)); return target.consume(queues, ...rest); };
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

if (requireServices('amqp broker', [await amqpRequirement()])) {
  describeBrokerConformance('amqp', {
    capabilities: { priorities: false, queueOrder: false, visibilityTimeout: false, requeueServedNext: false },
    createBroker: (clock) => recording(new AmqpBroker(AMQP_URL, AMQP_URL, { clock, deadLetterQueue })),
    async deadLetters(_broker, queues) {
      const model = await amqp.connect(AMQP_URL);
      try {
        const channel = await model.createChannel();
        await channel.assertQueue(deadLetterQueue, { durable: true });
        const found = [];
        for (let message = await channel.get(deadLetterQueue, { noAck: true }); message; message = await channel.get(deadLetterQueue, { noAck: true })) {
          const headers = message.properties.headers ?? {};
          const queue = String(headers['x-celeriac-queue']);
          if (!queues.includes(queue)) continue;
          found.push({ queue, reason: String(headers['x-celeriac-reason']), taskId: String(headers.id), body: message.content });
        }
        return found;
      } finally {
        await model.close();
      }
    },
    async cleanup() {
      const model = await amqp.connect(AMQP_URL);
      try {
        const channel = await model.createChannel();
        for (const queue of touched) {
          await channel.deleteQueue(queue);
          await channel.deleteExchange(queue);
        }
      } finally {
        await model.close();
      }
    },
  });
} else {
  describe.skip('amqp broker conformance (RabbitMQ not available)', () => {});
}
