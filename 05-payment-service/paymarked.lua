-- paymarked.lua: pay a batch of orders once each, remembering each paid order
-- with a marker key (SET with a TTL). For a Redis Cluster, where a script's
-- keys must share one slot and order-events and payment-events do not: every
-- key here has the hash tag {payment-events}. The consumer acks the order
-- events afterwards; a redelivered order finds its marker and is not paid
-- again. Run by pay.go's payOnceMarked.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter,
--         then KEYS[2 + n] the paid marker of order n
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the marker TTL in seconds,
--         then 5 per order: entry ID (unused here), userId, productId, price, orderId
-- Returns each order's new paymentProcessId, or 0 for an order paid before.

-- checkfirst.lua came first: the keys hold the right types, and mayRun
-- asks the ACL.
if #KEYS >= 3 and not (mayRun('INCR', KEYS[2]) and mayRun('XADD', KEYS[1], '*', 'f', 'v') and
                       mayRun('XTRIM', KEYS[1], 'MAXLEN', '1') and mayRun('SET', KEYS[3], '1')) then
  return redis.error_reply('NOPERM this user may not run INCR, XADD, XTRIM and SET on these keys')
end

local ids, paid = {}, 0
for n = 1, #KEYS - 2 do
  local marker, i = KEYS[2 + n], 3 + (n - 1) * 5
  local id = 0
  if redis.call('EXISTS', marker) == 0 then
    id = redis.call('INCR', KEYS[2])
    redis.call('XADD', KEYS[1], '*',
      'userId', ARGV[i + 1], 'productId', ARGV[i + 2], 'price', ARGV[i + 3],
      'paymentProcessId', id, 'orderId', ARGV[i + 4])
    redis.call('SET', marker, id, 'EX', ARGV[2])
    paid = paid + 1
  end
  ids[#ids + 1] = id
end
-- Trim once per batch, as payandack.lua does.
if paid > 0 then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[1])
end
return ids
