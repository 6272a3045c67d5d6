/** Celery protocol v2: building, decoding, ids and kombu's Redis envelope. */
export { buildTaskMessage, DEFAULT_ORIGIN, DEFAULT_QUEUE } from './build.js';
export { decodeTaskMessage } from './decode.js';
export { MessageDecodeError } from './errors.js';
export { BZIP2_COMPRESSION, ZLIB_COMPRESSION, decompressBody, zlibCompress } from './compression.js';
export { OCCURRENCE_NAMESPACE, occurrenceTaskId, uuid4, uuidv5 } from './ids.js';
export { formatCeleryIso, parseIsoInstant, type ParsedInstant } from './iso-time.js';
export { REPR_MAXSIZE, saferepr } from './saferepr.js';
export {
  KOMBU_SEP, REDIS_PRIORITY_STEPS, fromRedisEnvelope, queueOfRedisList, redisBindingKey, redisBindingMember,
  redisBrpopKeys, redisPriorityStep, redisQueueList, redisQueueLists, toRedisEnvelope,
} from './redis-envelope.js';
