-- Registers entries' current definitions atomically, so every beat sharing this Redis agrees on
-- anchors. Mirrors nextRegisteredState (registration.ts); the backend conformance suite checks both.
-- KEYS[1] = meta hash (name -> "anchor:since:enabled:fingerprint"), KEYS[2] = last-run hash, KEYS[3] = runs hash
-- ARGV[1] = now (ms); then per entry: name, fingerprint, enabled ("1"/"0")
-- Returns per entry: { meta, last run or "", runs or "0" } after the update.
local now = ARGV[1]
local result = {}
for i = 2, #ARGV, 3 do
  local name, fingerprint, enabled = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local meta = redis.call('HGET', KEYS[1], name)
  local updated = meta
  if not meta then
    updated = now .. ':' .. now .. ':' .. enabled .. ':' .. fingerprint
  else
    local oldAnchor, oldSince, oldEnabled, oldFingerprint = string.match(meta, '^([^:]*):([^:]*):([^:]*):(.*)$')
    if oldFingerprint ~= fingerprint then
      updated = now .. ':' .. now .. ':' .. enabled .. ':' .. fingerprint
    elseif oldEnabled == '0' and enabled == '1' then
      updated = oldAnchor .. ':' .. now .. ':1:' .. fingerprint
    elseif oldEnabled ~= enabled then
      updated = oldAnchor .. ':' .. oldSince .. ':' .. enabled .. ':' .. fingerprint
    end
  end
  if updated ~= meta then redis.call('HSET', KEYS[1], name, updated) end
  result[#result + 1] = updated
  result[#result + 1] = redis.call('HGET', KEYS[2], name) or ''
  result[#result + 1] = redis.call('HGET', KEYS[3], name) or '0'
end
return result
