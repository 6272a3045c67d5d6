-- Publishes one message as kombu does, in one step: bind the queue, then push onto its priority list.
-- KEYS[1] = binding set (_kombu.binding.<exchange>), KEYS[2] = priority list
-- ARGV[1] = binding member, ARGV[2] = envelope JSON
redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('LPUSH', KEYS[2], ARGV[2])
