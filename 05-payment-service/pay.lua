-- pay.lua: pay a batch of orders, each exactly once, in one atomic step.
-- The fence is a record per paid order, its orderId in a set: an order with a
-- record is not paid again, whoever delivered it, however often, in whatever
-- group. No clock, no pending list. The records are in two sets, the newer
-- and the older, so that records.go can forget old records a set at a time.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter,
-- KEYS[3] the newer and KEYS[4] the older paid-orders set, KEYS[5] the time
-- (ms) of the newest entry each set holds a record of (a sorted set);
-- KEYS[6] order-events, or none on a cluster (there pay.go acks after it)
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
-- ARGV[3] the time (ms) of the batch's newest entry, ARGV[4] n; then the n
-- orderIds, the n entry IDs, and userId, productId, price of each order in
-- turn; with tracing on, the n traceparents of the payments last ('' for none).
-- (n is at most consumer.MaxCount: unpack takes at most about 8,000 values.)
-- Returns the paymentProcessId before the first it gives, then the position
-- (1, 2, ...) of each order paid before; the others got the next numbers.
local call, argv, n = redis.call, ARGV, tonumber(ARGV[4])
local inNewer = call('SMISMEMBER', KEYS[3], unpack(argv, 5, 4 + n))
local inOlder = call('SMISMEMBER', KEYS[4], unpack(argv, 5, 4 + n))
local reply, fresh, seen = {0}, {}, {}
for k = 1, n do
  if inNewer[k] == 1 or inOlder[k] == 1 or seen[argv[4 + k]] then
    reply[#reply + 1] = k -- paid before, or twice in this batch
  else
    seen[argv[4 + k]], fresh[#fresh + 1] = true, k
  end
end
-- The k-th payment's traceparent field, or nothing (tracing off, or none).
local function traced(k)
  local traceparent = argv[4 + 5 * n + k]
  if traceparent and traceparent ~= '' then return 'traceparent', traceparent end
end

-- The writes, in an order where one that fails leaves the ones before it
-- harmless, up to the records; the XADDs after them cannot fail
-- (checkfirst.lua). Every order gets a record in the newer set, paid before
-- or not, so that a record lives as long as the newest entry of its order.
call('ZADD', KEYS[5], 'GT', argv[3], 'newer')
reply[1] = call('INCRBY', KEYS[2], #fresh) - #fresh
call('SADD', KEYS[3], unpack(argv, 5, 4 + n))
for j, k in ipairs(fresh) do
  local i = 2 * n + 3 * k + 1 -- the order's userId is at i + 1
  call('XADD', KEYS[1], '*', 'userId', argv[i + 1], 'productId', argv[i + 2], 'price', argv[i + 3],
    'paymentProcessId', string.format('%d', reply[1] + j), 'orderId', argv[4 + k], traced(k))
end
if #fresh > 0 then call('XTRIM', KEYS[1], 'MAXLEN', '~', argv[1]) end
if KEYS[6] then call('XACK', KEYS[6], argv[2], unpack(argv, 5 + n, 4 + 2 * n)) end
return reply
