-- Takes the next message without blocking and records it as unacked in the same step, so no crash
-- can lose it in between (kombu's BRPOP-then-HSET has that window; the blocking path still does).
-- KEYS[1] = unacked hash, KEYS[2] = unacked_index zset, KEYS[3..n] = lists in BRPOP order
-- ARGV[1] = now, seconds since the epoch
-- Returns nil when every list is empty, else { list, envelope, delivery tag, unacked value }; the tag is "" when the
-- envelope lacks what the record needs (not JSON, no delivery_tag or delivery_info): then nothing
-- was recorded and the caller deals with it.
for i = 3, #KEYS do
  local raw = redis.call('RPOP', KEYS[i])
  if raw then
    local ok, envelope = pcall(cjson.decode, raw)
    local properties = ok and type(envelope) == 'table' and envelope.properties
    local tag = type(properties) == 'table' and properties.delivery_tag
    if type(tag) ~= 'string' then
      return { KEYS[i], raw, '' }
    end
    local info = properties.delivery_info
    if type(info) ~= 'table' or type(info.routing_key) ~= 'string' then
      return { KEYS[i], raw, '' }
    end
    local exchange = type(info.exchange) == 'string' and info.exchange or ''
    local routing_key = info.routing_key
    -- kombu's [message, exchange, routing_key], with the envelope kept byte for byte
    local value = '[' .. raw .. ',' .. cjson.encode(exchange) .. ',' .. cjson.encode(routing_key) .. ']'
    redis.call('HSET', KEYS[1], tag, value)
    redis.call('ZADD', KEYS[2], ARGV[1], tag)
    return { KEYS[i], raw, tag, value }
  end
end
return nil
