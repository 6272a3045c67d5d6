/** Broker adapters behind one interface (interfaces.ts). */
export { AMQP_DEAD_LETTER_QUEUE, AmqpBroker, type AmqpBrokerOptions } from './amqp/amqp-broker.js';
export { createBroker, parseBrokerUrl, type BrokerUrl, type CreateBrokerOptions } from './create.js';
export { RedisBroker, type RedisBrokerOptions } from './redis/redis-broker.js';
export { DEAD_LETTER_KEY, UNACKED_INDEX_KEY, UNACKED_KEY, UNACKED_MUTEX_KEY } from './redis/keys.js';
export { SqliteBroker, type SqliteBrokerOptions } from './sqlite/sqlite-broker.js';
export { migrate, openSqliteDatabase, type SqliteDatabase } from './sqlite/database.js';
export { insertMessages } from './sqlite/queue-table.js';
