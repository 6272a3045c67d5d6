-- Takes up to ARGV[2] waiting messages without blocking and records each as unacked in the same step,
-- so no crash can lose one in between (kombu's BRPOP-then-HSET has that window; the blocking path
-- still does). The order is exactly that of as many single BRPOPs in a row: priority step first, then
-- the queues in turn (a queue that delivered moves to the back, kombu's round_robin), FIFO in a list.
-- KEYS[1] = unacked hash, KEYS[2] = unacked_index zset,
-- KEYS[3..n] = the lists step by step, each step's lists in the queues' current order
-- ARGV[1] = now, seconds since the epoch; ARGV[2] = most messages to take; ARGV[3] = number of queues
-- Returns a flat array, four items per message taken: the list's position in KEYS[3..n] (1-based),
-- the envelope, its delivery tag and the tail of its unacked value (`,"exchange","routing_key"]`,
-- so the value is '[' .. envelope .. tail). The tag is "" when the envelope lacks what the record needs
-- (not JSON, no delivery_tag or delivery_info): then nothing was recorded and the caller deals with it.
local limit = tonumber(ARGV[2])
local queue_count = tonumber(ARGV[3])
local step_count = (#KEYS - 2) / queue_count
local order = {}
for q = 1, queue_count do order[q] = q end
local empty = {}
local taken = {}
local unacked = {}
local index = {}

-- The next envelope in delivery order, and its list's position; nil when every list is empty.
local function pop()
  for step = 0, step_count - 1 do
    for at = 1, queue_count do
      local list = step * queue_count + order[at]
      if not empty[list] then
        local raw = redis.call('RPOP', KEYS[2 + list])
        if raw then
          table.insert(order, table.remove(order, at))
          return raw, list
        end
        -- Nothing is pushed while a script runs: an empty list stays empty.
        empty[list] = true
      end
    end
  end
  return nil
end

-- kombu's [message, exchange, routing_key], with the envelope kept byte for byte.
local function record(raw)
  local ok, envelope = pcall(cjson.decode, raw)
  local properties = ok and type(envelope) == 'table' and envelope.properties
  local tag = type(properties) == 'table' and properties.delivery_tag
  local info = type(tag) == 'string' and properties.delivery_info
  if type(info) ~= 'table' or type(info.routing_key) ~= 'string' then
    return '', ''
  end
  local exchange = type(info.exchange) == 'string' and info.exchange or ''
  local tail = ',' .. cjson.encode(exchange) .. ',' .. cjson.encode(info.routing_key) .. ']'
  table.insert(unacked, tag)
  table.insert(unacked, '[' .. raw .. tail)
  table.insert(index, ARGV[1])
  table.insert(index, tag)
  return tag, tail
end

while #taken < limit * 4 do
  local raw, list = pop()
  if not raw then break end
  local tag, tail = record(raw)
  table.insert(taken, list)
  table.insert(taken, raw)
  table.insert(taken, tag)
  table.insert(taken, tail)
end
if #unacked > 0 then
  redis.call('HSET', KEYS[1], unpack(unacked))
  redis.call('ZADD', KEYS[2], unpack(index))
end
return taken
