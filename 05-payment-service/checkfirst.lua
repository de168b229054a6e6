-- checkfirst.lua: pay.go puts it in front of pay.lua, with the same keys.
-- Redis does not roll back a script that fails halfway: the writes made
-- before the error stay. pay.lua writes in an order where a failed write
-- leaves only harmless ones behind (a raised time bound, a paymentProcessId
-- skipped), up to the records of paid orders. After the records come the
-- XADDs of the payments: one failing then would leave an order recorded as
-- paid and never published. So, before any write, check what could make an
-- XADD fail: the key's type, and the ACL user's right to run it. (A failed
-- XTRIM or XACK after them is harmless: the batch comes back, and every order
-- in it finds its record.)
local found = redis.call('TYPE', KEYS[1])
if type(found) == 'table' then found = found.ok end
if found ~= 'stream' and found ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. found .. ', not a stream')
end
if redis.acl_check_cmd and not redis.acl_check_cmd('XADD', KEYS[1], '*', 'f', 'v') then
  return redis.error_reply('NOPERM this user may not run XADD on ' .. KEYS[1])
end
