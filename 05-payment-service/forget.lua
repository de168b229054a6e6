-- forget.lua: records.go runs it now and then, with the keys 3 to 5 of
-- pay.lua and ARGV[1], the time (ms) of order-events' first entry. Once
-- order-events holds no entry that the older set has a record of, it drops
-- that set, and the newer set becomes the older one. Returns how many
-- records it dropped.
local bound = redis.call('ZSCORE', KEYS[3], 'older')
if redis.call('EXISTS', KEYS[2]) == 1 and not (bound and tonumber(bound) < tonumber(ARGV[1])) then
  return 0 -- still needed; or no bound (deleted by hand?), and then kept for good
end
local dropped = redis.call('SCARD', KEYS[2])
redis.call('UNLINK', KEYS[2])
redis.call('ZREM', KEYS[3], 'older')
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  local newest = redis.call('ZSCORE', KEYS[3], 'newer')
  if newest then redis.call('ZADD', KEYS[3], newest, 'older') end
  redis.call('ZREM', KEYS[3], 'newer')
end
return dropped
