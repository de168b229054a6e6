-- pay.lua: pay a batch of orders, each exactly once, in one atomic step.
-- The fence is a record per order: the paid-orders sorted set holds each paid
-- orderId. ZADD NX adds it only for an order never paid, whoever delivered it,
-- however often, in whatever group. No clock, no pending list.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter,
-- KEYS[3] the paid-orders set; KEYS[4] order-events, or none on a cluster
-- (there the consumer acks afterwards)
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
-- then 6 per order: entry ID, entry time (ms), userId, productId, price, orderId
-- Returns the paymentProcessId before the first it gives, then the position
-- (1, 2, ...) of each order paid before; the others got the next numbers.
local call, argv = redis.call, ARGV
local n = (#argv - 2) / 6
local fresh, skipped = {}, {}
for k = 1, n do
  local i = 6 * k - 3
  if call('ZADD', KEYS[3], 'NX', argv[i + 1], argv[i + 5]) == 1 then
    fresh[#fresh + 1] = i
  else
    -- Paid before. Keep the record as long as the newest entry of the order.
    call('ZADD', KEYS[3], 'GT', argv[i + 1], argv[i + 5])
    skipped[#skipped + 1] = k
  end
end
local before = call('INCRBY', KEYS[2], #fresh) - #fresh
for j, i in ipairs(fresh) do
  call('XADD', KEYS[1], '*', 'userId', argv[i + 2], 'productId', argv[i + 3],
    'price', argv[i + 4], 'paymentProcessId', before + j, 'orderId', argv[i + 5])
end
if #fresh > 0 then call('XTRIM', KEYS[1], 'MAXLEN', '~', argv[1]) end
if KEYS[4] then
  for from = 1, n, 1000 do -- unpack takes at most about 8,000 values
    local ids = {}
    for k = from, math.min(from + 999, n) do ids[#ids + 1] = argv[6 * k - 3] end
    call('XACK', KEYS[4], argv[2], unpack(ids))
  end
end
local reply = {before}
for _, k in ipairs(skipped) do reply[#reply + 1] = k end
return reply
