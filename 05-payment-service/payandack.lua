-- payandack.lua: pay a batch of orders and ack their order events, in one
-- atomic step. An order event no longer pending was paid, or dead-lettered,
-- by another instance: it is skipped. So no order is paid twice, and none is
-- acked unpaid. Run by pay.go's payAndAck.
--
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter, KEYS[3] order-events
-- ARGV[1] MAXLEN of payment-events, ARGV[2] the group reading order-events,
-- ARGV[3] when the batch was read, by Redis's clock, in µs (0: a batch
--         redelivered or tried again), ARGV[4] how long a batch is ours alone
--         after its read, in µs,
--         then 5 per order: entry ID, userId, productId, price, orderId
-- Returns the paymentProcessId before the first one it gives; 1 if the batch
-- was acked at once, 0 if order by order; how many orders of a batch acked at
-- once were no longer pending (acked by hand, say), and paid anyway; then the
-- position (1, 2, ...) of each order skipped as paid before.
-- The orders it pays get the next numbers in turn: one number per order cost
-- Redis 3.5% more (callgrind, docs/performance.md).

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
-- much as the command in it. So there is one call per order, XADD, and
-- everything else is done once per batch (measured with callgrind; see
-- docs/performance.md).
local call, argv = redis.call, ARGV
local payments, orders, group = KEYS[1], KEYS[3], ARGV[2]
local n = (#argv - 4) / 5

-- Is the batch still ours alone? Another instance takes an entry over only
-- once it has sat unacked for CLAIM_MIN_IDLE, at least 1s, counted from its
-- delivery, which came after ARGV[3]. Both times are Redis's clock, so a
-- paused service or a frozen Redis cannot fool the test: it only makes the
-- batch older. A batch read less than ARGV[4] ago (half of that 1s) is
-- pending and ours, and one XACK acks it all: one call per batch instead of
-- one per order, which cost Redis 5.8% more per order. An ACL user without
-- TIME (the rules before it was needed) gets the check order by order.
local function readLately()
  if argv[3] == '0' or not mayRun('TIME') then return false end
  local clock = call('TIME')
  local age = clock[1] * 1000000 + clock[2] - tonumber(argv[3])
  return age >= 0 and age < tonumber(argv[4])
end
-- A process with our consumer name (a name set twice, a restart overlapping
-- the old process) gets our pending entries at once, with no idle time, by
-- reading ID 0, and counts one more delivery of each. It reads them in ID
-- order from the oldest, and the batch's entries are pending until this
-- script acks them: had it read any of them, it would have read the first.
-- So a first entry still delivered once means nobody else has the batch.
local function deliveredOnce(id)
  local entry = call('XPENDING', orders, group, id, id, 1)[1]
  return entry ~= nil and entry[4] == 1
end

local acked, skipped, atOnce, paidAnyway = {}, {}, 0, 0
if readLately() and deliveredOnce(argv[5]) then
  atOnce = 1
  -- Lua's unpack takes at most about 8,000 values: XACK 1,000 at a time.
  for from = 1, n, 1000 do
    local to, ids = math.min(from + 999, n), {}
    for k = from, to do
      ids[k - from + 1] = argv[5 * k]
      acked[k] = 1
    end
    paidAnyway = paidAnyway + #ids - call('XACK', orders, group, unpack(ids))
  end
  -- Short only if someone acked an entry of ours by hand, or Redis lost it
  -- from the group (a restart from an older snapshot): no instance can have
  -- paid it, so it is paid now, once.
else
  -- An older batch may have been taken over and paid meanwhile: ack each
  -- order, 1 if it was pending, 0 if someone else finished it. This is the
  -- fence against a slow instance.
  for k = 1, n do
    acked[k] = call('XACK', orders, group, argv[5 * k])
    if acked[k] == 0 then skipped[#skipped + 1] = k end
  end
end
local count = n - #skipped
-- The answer, without unpack: every order of a big batch may be skipped.
local function answer(before)
  local reply = {before, atOnce, paidAnyway}
  for _, k in ipairs(skipped) do reply[#reply + 1] = k end
  return reply
end
if count == 0 then
  return answer(0) -- every order had been paid before
end

-- Number the orders acked with one INCRBY, and publish them. A number passed
-- to redis.call becomes its decimal digits (exact below 2^53).
local before = call('INCRBY', KEYS[2], count) - count
local id = before
for k = 1, n do
  if acked[k] == 1 then
    local i = 5 * k
    id = id + 1
    call('XADD', payments, '*', 'userId', argv[i + 1], 'productId', argv[i + 2],
      'price', argv[i + 3], 'paymentProcessId', id, 'orderId', argv[i + 4])
  end
end
-- Trim once per batch: the same bound as XADD MAXLEN ~ on every order, which
-- cost a drain 5% more.
call('XTRIM', payments, 'MAXLEN', '~', argv[1])
return answer(before)
