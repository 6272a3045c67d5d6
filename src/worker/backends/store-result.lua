-- Stores a task's result meta and announces it, unless a SUCCESS is already stored
-- (Celery's _store_result rule: a late duplicate never overwrites a success).
-- KEYS[1] celery-task-meta-<id>   ARGV[1] meta JSON   ARGV[2] TTL in seconds (0: keep forever)
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and decoded['status'] == 'SUCCESS' then
    return 0
  end
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
