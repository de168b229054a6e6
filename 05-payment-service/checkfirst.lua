-- checkfirst.lua: pay.go puts it in front of pay.lua, with the same keys.
-- Redis does not roll back a script that fails halfway: the writes made
-- before the error stay. So fail now on anything that would make a later
-- write fail (a key of the wrong type, a command the ACL user may not run),
-- before writing anything. (The sets are read before any write: SMISMEMBER
-- fails first there.)
local function typeOf(key)
  local t = redis.call('TYPE', key)
  if type(t) == 'table' then return t.ok end
  return t
end
for key, want in pairs({[KEYS[1]] = 'stream', [KEYS[5]] = 'zset'}) do
  local found = typeOf(key)
  if found ~= want and found ~= 'none' then
    return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. found .. ', not a ' .. want)
  end
end
local counter = redis.call('GET', KEYS[2])
if counter and not string.match(counter, '^%-?%d+$') then
  return redis.error_reply('ERR ' .. KEYS[2] .. ' does not hold a number')
end
local function mayRun(...)
  return not redis.acl_check_cmd or redis.acl_check_cmd(...)
end
if not (mayRun('SADD', KEYS[3], 'o') and mayRun('ZADD', KEYS[5], '1', 'newer') and
        mayRun('INCRBY', KEYS[2], '1') and mayRun('XADD', KEYS[1], '*', 'f', 'v') and
        mayRun('XTRIM', KEYS[1], 'MAXLEN', '1') and
        (not KEYS[6] or mayRun('XACK', KEYS[6], ARGV[2], '0-1'))) then
  return redis.error_reply('NOPERM this user may not run SADD, ZADD, INCRBY, XADD, XTRIM and XACK on these keys')
end
