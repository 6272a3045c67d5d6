-- Dead-letters an unacked message: appends the entry to the dead-letter list and forgets the delivery.
-- KEYS[1] = unacked hash, KEYS[2] = unacked_index zset, KEYS[3] = dead-letter list
-- ARGV[1] = delivery tag, ARGV[2] = dead-letter entry JSON
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('RPUSH', KEYS[3], ARGV[2])
