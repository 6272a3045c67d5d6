-- Registers entries' current definitions atomically, so every beat sharing this Redis agrees on
-- anchors. Mirrors nextRegisteredState (registration.ts); the backend conformance suite checks both.
-- KEYS[1] = meta hash (name -> "anchor:since:enabled:fingerprint"), KEYS[2] = last-run hash, KEYS[3] = runs hash
-- ARGV[1] = now (ms); then per entry: name, fingerprint, enabled ("1"/"0")
-- Returns per entry: { meta, last run or "", runs or "0" } after the update.
-- The hashes are read with one HMGET each and written with one HSET (in chunks), not three or four
-- calls per entry: a start-up registers 100k entries.
local CHUNK = 1000 -- below Lua's unpack() limit
local now = ARGV[1]

local names = {}
for i = 2, #ARGV, 3 do names[#names + 1] = ARGV[i] end

local function hmget(key)
  local values = {}
  for first = 1, #names, CHUNK do
    local got = redis.call('HMGET', key, unpack(names, first, math.min(first + CHUNK - 1, #names)))
    for k = 1, #got do values[first + k - 1] = got[k] end
  end
  return values
end

local metas, lasts, runs = hmget(KEYS[1]), hmget(KEYS[2]), hmget(KEYS[3])
local current = {} -- name -> meta as updated by an earlier registration in this call
local writes = {}
local result = {}
for k = 1, #names do
  local i = 2 + (k - 1) * 3
  local name, fingerprint, enabled = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local meta = current[name] or metas[k]
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
  if updated ~= meta then
    current[name] = updated
    writes[#writes + 1] = name
    writes[#writes + 1] = updated
  end
  result[#result + 1] = updated
  result[#result + 1] = lasts[k] or ''
  result[#result + 1] = runs[k] or '0'
end
for first = 1, #writes, CHUNK do
  redis.call('HSET', KEYS[1], unpack(writes, first, math.min(first + CHUNK - 1, #writes)))
end
return result
