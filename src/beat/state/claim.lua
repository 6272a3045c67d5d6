-- Claims occurrences and enqueues their messages in one atomic step: an entry's claim succeeds only
-- if its stored last run is still what the beat planned from, so no occurrence is sent twice, by
-- this beat after a crash or by another beat sharing the state.
-- KEYS[1] = meta hash, KEYS[2] = last-run hash, KEYS[3] = runs hash
-- ARGV: per claim: name, expected last run ("" = none yet), new last run, message count n,
--       then n times: kombu binding set key, binding member, priority list key, envelope JSON
-- Binding and list keys come in ARGV, not KEYS: fine on one Redis, not on Redis Cluster.
-- Returns per claim: { "OK" } or { "CONFLICT", meta or "", last run or "", runs or "0" } (flattened, 4 slots each).
local result = {}
local i = 1
while i <= #ARGV do
  local name, expected, last, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  local current = redis.call('HGET', KEYS[2], name) or ''
  -- An entry without meta was never registered here (or Redis lost it): the beat must register again.
  if current == expected and redis.call('HEXISTS', KEYS[1], name) == 1 then
    redis.call('HSET', KEYS[2], name, last)
    if count > 0 then redis.call('HINCRBY', KEYS[3], name, count) end
    for m = 0, count - 1 do
      local base = i + m * 4
      redis.call('SADD', ARGV[base], ARGV[base + 1])
      redis.call('LPUSH', ARGV[base + 2], ARGV[base + 3])
    end
    result[#result + 1] = 'OK'
    result[#result + 1] = ''
    result[#result + 1] = ''
    result[#result + 1] = ''
  else
    result[#result + 1] = 'CONFLICT'
    result[#result + 1] = redis.call('HGET', KEYS[1], name) or ''
    result[#result + 1] = current
    result[#result + 1] = redis.call('HGET', KEYS[3], name) or '0'
  end
  i = i + count * 4
end
return result
