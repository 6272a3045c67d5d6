-- Claims occurrences and enqueues their messages in one atomic step: an entry's claim succeeds only
-- if its stored last run is still what the beat planned from, so no occurrence is sent twice, by
-- this beat after a crash or by another beat sharing the state.
-- KEYS[1] = meta hash, KEYS[2] = last-run hash, KEYS[3] = runs hash
-- ARGV[1] = number of routes R, then R times: priority list key, kombu binding set key, binding member;
--   then per claim: name, expected last run ("" = none yet), new last run, message count n,
--   then n times: route number (1..R), length in bytes of its envelope;
--   last, the envelopes' JSON one after another, in message order.
-- Binding and list keys come in ARGV, not KEYS: fine on one Redis, not on Redis Cluster.
-- Returns the refused claims only, 4 slots each: claim number (1-based), meta or "", last run or "", runs or "0".
--
-- A batch's reads and writes are grouped (one HMGET per hash, one HSET, one SADD per binding, one
-- LPUSH per list) instead of six calls per message: at a 100k burst the calls were most of
-- Redis's time. Each list still receives its messages in claim order.
local CHUNK = 1000 -- below Lua's unpack() limit

local function call_chunked(command, key, items)
  for first = 1, #items, CHUNK do
    redis.call(command, key, unpack(items, first, math.min(first + CHUNK - 1, #items)))
  end
end

local routeCount = tonumber(ARGV[1])
local claimsFrom = 2 + routeCount * 3

local envelopes = ARGV[#ARGV]
local names, starts, offsets = {}, {}, {} -- per claim: name, ARGV index, where its envelopes begin
local i, offset = claimsFrom, 1
while i < #ARGV do
  local count = tonumber(ARGV[i + 3])
  names[#names + 1] = ARGV[i]
  starts[#starts + 1] = i
  offsets[#offsets + 1] = offset
  for m = 0, count - 1 do offset = offset + tonumber(ARGV[i + 5 + m * 2]) end
  i = i + 4 + count * 2
end

local metas, lasts = {}, {}
for first = 1, #names, CHUNK do
  local last = math.min(first + CHUNK - 1, #names)
  local m = redis.call('HMGET', KEYS[1], unpack(names, first, last))
  local l = redis.call('HMGET', KEYS[2], unpack(names, first, last))
  for k = 1, #m do
    metas[first + k - 1] = m[k]
    lasts[first + k - 1] = l[k]
  end
end

local result = {}
local claimedLast = {} -- name -> last run stored by an earlier claim of this batch
local lastRunPairs = {}
local routeUsed = {}
local listMessages, listOrder = {}, {} -- list key -> envelopes in claim order; lists in order of first use
for c = 1, #names do
  local name, start, at = names[c], starts[c], offsets[c]
  local expected, last, count = ARGV[start + 1], ARGV[start + 2], tonumber(ARGV[start + 3])
  local current = claimedLast[name] or lasts[c] or ''
  -- An entry without meta was never registered here (or Redis lost it): the beat must register again.
  if current == expected and metas[c] then
    claimedLast[name] = last
    lastRunPairs[#lastRunPairs + 1] = name
    lastRunPairs[#lastRunPairs + 1] = last
    if count > 0 then redis.call('HINCRBY', KEYS[3], name, count) end
    for m = 0, count - 1 do
      local base = start + 4 + m * 2
      local route, length = tonumber(ARGV[base]), tonumber(ARGV[base + 1])
      routeUsed[route] = true
      local list = ARGV[route * 3 - 1]
      if not listMessages[list] then
        listMessages[list] = {}
        listOrder[#listOrder + 1] = list
      end
      table.insert(listMessages[list], string.sub(envelopes, at, at + length - 1))
      at = at + length
    end
  else
    result[#result + 1] = c
    result[#result + 1] = metas[c] or ''
    result[#result + 1] = current
    result[#result + 1] = redis.call('HGET', KEYS[3], name) or '0'
  end
end

call_chunked('HSET', KEYS[2], lastRunPairs)
for r = 1, routeCount do
  if routeUsed[r] then redis.call('SADD', ARGV[r * 3], ARGV[r * 3 + 1]) end
end
for _, list in ipairs(listOrder) do call_chunked('LPUSH', list, listMessages[list]) end
return result
