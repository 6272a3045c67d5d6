-- Moves an unacked message back to its queue, only if it is still unacked with the value we read
-- (kombu's restore_by_tag runs the same steps in a WATCH transaction).
-- KEYS[1] = unacked hash, KEYS[2] = unacked_index zset, KEYS[3..n] = lists to push to
-- ARGV[1] = delivery tag, ARGV[2] = the unacked value read before, ARGV[3] = envelope to push,
-- ARGV[4] = "1" to push at the far end (served last, kombu's leftmost), "0" to be served next
-- Returns 1 when moved, 0 when someone else settled or restored it first.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 3, #KEYS do
  if ARGV[4] == '1' then
    redis.call('LPUSH', KEYS[i], ARGV[3])
  else
    redis.call('RPUSH', KEYS[i], ARGV[3])
  end
end
return 1
