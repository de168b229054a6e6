-- payandack.lua: pay a batch of orders and ack their order events, in one
-- atomic step. An order event no longer pending (XACK answers 0) was paid, or
-- dead-lettered, by another instance: it is skipped. So no order is paid twice,
-- and none is acked unpaid. Run by pay.go's payAndAck.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter, KEYS[3] order-events
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
--         then 5 per order: entry ID, userId, productId, price, orderId
-- Returns each order's new paymentProcessId, or 0 for an order paid before.

-- checkfirst.lua came first: the keys hold the right types, and mayRun
-- asks the ACL.
if not (mayRun('XACK', KEYS[3], ARGV[2], '0-1') and mayRun('INCRBY', KEYS[2], '1') and
        mayRun('XADD', KEYS[1], '*', 'f', 'v')) then
  return redis.error_reply('NOPERM this user may not run XACK, INCRBY and XADD on these keys')
end
-- XACK answers 0, not an error, when the group is gone (a Redis restart
-- without persistence): every order would look paid. XPENDING raises NOGROUP,
-- and the consumer then creates the group again and retries the batch.
redis.call('XPENDING', KEYS[3], ARGV[2])

-- Ack, then number the orders acked with one INCRBY: a call costs about as
-- much as the work in it.
local acked, count = {}, 0
for i = 3, #ARGV, 5 do
  if redis.call('XACK', KEYS[3], ARGV[2], ARGV[i]) == 1 then
    acked[i], count = true, count + 1
  end
end
local id = 0
if count > 0 then
  id = redis.call('INCRBY', KEYS[2], count) - count
end

local ids = {}
for i = 3, #ARGV, 5 do
  if acked[i] then
    id = id + 1
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
      'userId', ARGV[i + 1], 'productId', ARGV[i + 2], 'price', ARGV[i + 3],
      'paymentProcessId', string.format('%d', id), 'orderId', ARGV[i + 4])
    ids[#ids + 1] = id
  else
    ids[#ids + 1] = 0
  end
end
return ids
