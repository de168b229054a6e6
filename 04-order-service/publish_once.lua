-- publish_once.lua: add an order to the stream once per idempotency key.
-- The check, the XADD and the record of the key run as one step: a retry
-- that arrives while (or after) the first attempt runs finds the record.
--
-- KEYS[1]  the stream, order-events
-- KEYS[2]  the idempotency key's record, {order-events}:idem:<key> (same hash slot)
-- ARGV[1]  MAXLEN ~ bound
-- ARGV[2]  seconds to keep the record
-- ARGV[3]  the new orderId
-- ARGV[4]  the request, "userId productId price", to tell a retry from a reuse
-- ARGV[5…] the entry's fields and values
--
-- Returns the record: "orderId entryId userId productId price", the first
-- request's when the key was seen before, else the new one's.
local seen = redis.call('GET', KEYS[2])
if seen then
  return seen
end
-- The XADD is the first write: if Redis refuses it, nothing is written.
local entryId = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 5))
local record = ARGV[3] .. ' ' .. entryId .. ' ' .. ARGV[4]
redis.call('SET', KEYS[2], record, 'EX', ARGV[2])
return record
