-- One sender's pace, checked and taken in one atomic step (GCRA, the same
-- rule as the in-memory limiter). The state is one number: the theoretical
-- arrival time (TAT) in microseconds of Redis' own clock, so every instance
-- shares one clock. The key expires when the bucket is full again, so idle
-- senders leave nothing behind.
--
-- KEYS[1]  the sender's key (a keyed hash, never an address or a user id)
-- ARGV[1]  emission interval: microseconds one conversion costs
-- ARGV[2]  burst: conversions admitted at once from a full bucket
-- Returns  0 when admitted, else the microseconds to wait.
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end
local earliest = tat - tolerance
if now < earliest then
  return earliest - now
end
local next = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000))
return 0
