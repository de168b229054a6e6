-- checkfirst.lua: the start of both payment scripts; pay.go puts it in
-- front of payandack.lua and of paymarked.lua. It expects their keys:
-- KEYS[1] payment-events, KEYS[2] the paymentProcessId counter.
--
-- Check first. Redis does not roll back a script that fails halfway: the
-- writes made before the error stay. So fail now on anything that would make
-- a later write fail (a key of the wrong type, a command the ACL user may not
-- run), before writing anything. mayRun lets each script ask the ACL about
-- its own writes.
local function typeOf(key)
  local t = redis.call('TYPE', key)
  if type(t) == 'table' then return t.ok end
  return t
end
local streamType = typeOf(KEYS[1])
if streamType ~= 'stream' and streamType ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. streamType .. ', not a stream')
end
local counter = redis.call('GET', KEYS[2])
if counter and not string.match(counter, '^%-?%d+$') then
  return redis.error_reply('ERR ' .. KEYS[2] .. ' does not hold a number')
end
local function mayRun(...)
  return not redis.acl_check_cmd or redis.acl_check_cmd(...)
end
