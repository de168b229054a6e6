-- payandack.lua: pay a batch of orders and ack their order events, in one
-- atomic step. An order event no longer pending (XACK answers 0) was paid, or
-- dead-lettered, by another instance: it is skipped. So no order is paid twice,
-- and none is acked unpaid. Run by pay.go's payAndAck.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter, KEYS[3] order-events
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
--         then 5 per order: entry ID, userId, productId, price, orderId
-- Returns the paymentProcessId before the first one it gives, then the
-- position (1, 2, ...) of each order paid before, if any: the orders it pays
-- get the next numbers in turn. One number per order cost Redis 3.5% more
-- (callgrind, docs/performance.md): most batches are paid whole.

-- checkfirst.lua came first: the keys hold the right types, and mayRun
-- asks the ACL.
if not (mayRun('XACK', KEYS[3], ARGV[2], '0-1') and mayRun('INCRBY', KEYS[2], '1') and
        mayRun('XADD', KEYS[1], '*', 'f', 'v') and mayRun('XTRIM', KEYS[1], 'MAXLEN', '1')) then
  return redis.error_reply('NOPERM this user may not run XACK, INCRBY, XADD and XTRIM on these keys')
end
-- XACK answers 0, not an error, when the group is gone (a Redis restart
-- without persistence): every order would look paid. XPENDING raises NOGROUP,
-- and the consumer then creates the group again and retries the batch.
redis.call('XPENDING', KEYS[3], ARGV[2])

-- This script is the cost of a drain: each redis.call costs Redis about as
-- much as the command in it. So there are two calls per order, XACK and XADD,
-- and everything else is done once per batch (measured with callgrind; see
-- docs/performance.md).
local call, argv = redis.call, ARGV
local payments, orders, group = KEYS[1], KEYS[3], ARGV[2]

-- Ack each order: 1 if it was pending, 0 if someone else finished it. (One
-- XACK of the whole batch would answer only how many were pending, not which.)
local acked, skipped = {}, {}
for n = 1, (#argv - 2) / 5 do
  acked[n] = call('XACK', orders, group, argv[5 * n - 2])
  if acked[n] == 0 then skipped[#skipped + 1] = n end
end
local count = #acked - #skipped
if count == 0 then
  return {0, unpack(skipped)} -- every order had been paid before
end

-- Number the orders acked with one INCRBY, and publish them. A number passed
-- to redis.call becomes its decimal digits (exact below 2^53).
local before = call('INCRBY', KEYS[2], count) - count
local id = before
for n = 1, #acked do
  if acked[n] == 1 then
    local i = 5 * n - 2
    id = id + 1
    call('XADD', payments, '*', 'userId', argv[i + 1], 'productId', argv[i + 2],
      'price', argv[i + 3], 'paymentProcessId', id, 'orderId', argv[i + 4])
  end
end
-- Trim once per batch: the same bound as XADD MAXLEN ~ on every order, which
-- cost a drain 5% more.
call('XTRIM', payments, 'MAXLEN', '~', argv[1])
return {before, unpack(skipped)}
