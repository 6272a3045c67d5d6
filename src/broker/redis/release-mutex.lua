-- Releases the unacked_mutex only if we still hold it (redis-py Lock.release, which kombu uses).
-- KEYS[1] = mutex key, ARGV[1] = our token
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
