// Lua for the Redis async queue. Each script is one atomic step, so two processes can never claim
// the same attempt and a stale owner can never complete or reschedule an event another process holds.
// KEYS are always: 1 events, 2 state, 3 due, 4 claims, 5 owners, 6 enq (one hash tag: cluster-safe).

// ARGV: (id, event, state, due, enqueued) per event, a batch of submits. A repeated id keeps the first
// copy and its progress. Returns how many were new.
export const ENQUEUE = `
local n = 0
for i = 1, #ARGV, 5 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
    redis.call('ZADD', KEYS[3], ARGV[i + 3], ARGV[i])
    redis.call('ZADD', KEYS[6], ARGV[i + 4], ARGV[i])
    n = n + 1
  end
end
return n`;

// ARGV: now, max, deadline, owner. Returns [event, state, due, ...] for each claimed id.
export const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #ids, 2 do
  local id = ids[i]
  redis.call('ZREM', KEYS[3], id)
  local ev = redis.call('HGET', KEYS[1], id)
  if ev then
    redis.call('ZADD', KEYS[4], ARGV[3], id)
    redis.call('HSET', KEYS[5], id, ARGV[4])
    out[#out + 1] = ev
    out[#out + 1] = redis.call('HGET', KEYS[2], id) or '{}'
    out[#out + 1] = ids[i + 1]
  end
end
return out`;

// ARGV: deadline, owner, id... Returns the ids the owner no longer holds.
export const EXTEND = `
local lost = {}
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[5], ARGV[i]) == ARGV[2] then
    redis.call('ZADD', KEYS[4], 'XX', ARGV[1], ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost`;

// ARGV: (id, owner) per finished event, a batch. Returns 1/0 per pair: 0 when that owner no longer held it.
export const COMPLETE = `
local out = {}
for i = 1, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', KEYS[5], id) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[5], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    redis.call('ZREM', KEYS[6], id)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out`;

// ARGV: id, owner, due, state.
export const RESCHEDULE = `
if redis.call('HGET', KEYS[5], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`;

// ARGV: now, limit. Expired claims go back to the due set, due now.
export const RECOVER = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  if redis.call('HEXISTS', KEYS[1], id) == 1 then redis.call('ZADD', KEYS[3], ARGV[1], id) end
end
return #ids`;
