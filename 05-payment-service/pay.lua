-- pay.lua: pay a batch of orders, each exactly once, in one atomic step.
-- The fence is a record per paid order, its orderId in a set: an order with a
-- record is not paid again, whoever delivered it, however often, in whatever
-- group. No clock, no pending list. The records are in two sets, the newer
-- and the older, so that records.go can forget old records a set at a time.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter,
-- KEYS[3] the newer and KEYS[4] the older paid-orders set, KEYS[5] the time
-- (ms) of the newest entry each set holds a record of (a sorted set);
-- KEYS[6] order-events, or none on a cluster (there the consumer acks)
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
-- ARGV[3] the time (ms) of the batch's newest entry; then the n orderIds,
-- the n entry IDs, and userId, productId, price of each order in turn.
-- Returns the paymentProcessId before the first it gives, then the position
-- (1, 2, ...) of each order paid before; the others got the next numbers.
local call, format, argv, n = redis.call, string.format, ARGV, (#ARGV - 3) / 5

-- Calls send with ARGV[first..last], 1,000 at a time (unpack takes at most
-- about 8,000 values); returns the replies, joined.
local function inChunks(first, last, send)
  if last - first < 1000 then return send(unpack(argv, first, last)) end
  local joined = {}
  for from = first, last, 1000 do
    local reply = send(unpack(argv, from, math.min(from + 999, last)))
    for _, r in ipairs(type(reply) == 'table' and reply or {}) do joined[#joined + 1] = r end
  end
  return joined
end

local inNewer = inChunks(4, 3 + n, function(...) return call('SMISMEMBER', KEYS[3], ...) end)
local inOlder = inChunks(4, 3 + n, function(...) return call('SMISMEMBER', KEYS[4], ...) end)
-- Every order gets a record in the newer set, paid before or not, so that a
-- record lives as long as the newest entry of its order.
inChunks(4, 3 + n, function(...) return call('SADD', KEYS[3], ...) end)
call('ZADD', KEYS[5], 'GT', argv[3], 'newer')
local reply, fresh, seen = {0}, {}, {}
for k = 1, n do
  if inNewer[k] == 1 or inOlder[k] == 1 or seen[argv[3 + k]] then
    reply[#reply + 1] = k -- paid before, or twice in this batch
  else
    seen[argv[3 + k]], fresh[#fresh + 1] = true, k
  end
end
reply[1] = call('INCRBY', KEYS[2], #fresh) - #fresh
for j, k in ipairs(fresh) do
  local i = 2 * n + 3 * k -- the order's userId is at i + 1
  call('XADD', KEYS[1], '*', 'userId', argv[i + 1], 'productId', argv[i + 2], 'price', argv[i + 3],
    'paymentProcessId', format('%d', reply[1] + j), 'orderId', argv[3 + k])
end
if #fresh > 0 then call('XTRIM', KEYS[1], 'MAXLEN', '~', argv[1]) end
if KEYS[6] then inChunks(4 + n, 3 + 2 * n, function(...) return call('XACK', KEYS[6], argv[2], ...) end) end
return reply
