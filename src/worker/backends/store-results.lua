-- Stores task results and announces each, skipping any task that already has a SUCCESS stored
-- (Celery's _store_result rule: a late duplicate never overwrites a success).
-- KEYS[i] celery-task-meta-<id>   ARGV[i] its meta JSON   ARGV[#KEYS + 1] TTL in seconds (0: keep forever)
-- Returns how many were stored.
local ttl = tonumber(ARGV[#KEYS + 1])
local stored = 0
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  local ok, decoded = false, nil
  if current then
    ok, decoded = pcall(cjson.decode, current)
  end
  if not (ok and type(decoded) == 'table' and decoded['status'] == 'SUCCESS') then
    if ttl > 0 then
      redis.call('SET', key, ARGV[i], 'EX', ttl)
    else
      redis.call('SET', key, ARGV[i])
    end
    redis.call('PUBLISH', key, ARGV[i])
    stored = stored + 1
  end
end
return stored
