// Lua for the Redis async queue. Each script is one atomic step, so two processes can never claim
// the same attempt and a stale owner can never complete or reschedule an event another process holds.
// KEYS are always: 1 events, 2 state, 3 due, 4 claims, 5 owners, 6 enq (one hash tag: cluster-safe).

// ARGV: (id, event, state, due, enqueued) per event, a batch of submits. A repeated id keeps the first
// copy and its progress. The other writes are one variadic command each: per-call cost dominates in Lua.
// Returns how many were new.
export const ENQUEUE = `
local states, dues, enqs = {}, {}, {}
for i = 1, #ARGV, 5 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    local n = #states
    states[n + 1] = ARGV[i]
    states[n + 2] = ARGV[i + 2]
    dues[n + 1] = ARGV[i + 3]
    dues[n + 2] = ARGV[i]
    enqs[n + 1] = ARGV[i + 4]
    enqs[n + 2] = ARGV[i]
  end
end
if #states > 0 then
  redis.call('HSET', KEYS[2], unpack(states))
  redis.call('ZADD', KEYS[3], unpack(dues))
  redis.call('ZADD', KEYS[6], unpack(enqs))
end
return #states / 2`;

// ARGV: now, max, deadline, owner. Returns [event, state, due, ...] for each claimed id.
// Reads and writes are one variadic command per key for the whole claim (max is capped by the caller).
export const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return {} end
local ids = {}
for i = 1, #due, 2 do ids[#ids + 1] = due[i] end
redis.call('ZREM', KEYS[3], unpack(ids))
local evs = redis.call('HMGET', KEYS[1], unpack(ids))
local sts = redis.call('HMGET', KEYS[2], unpack(ids))
local out, claims, owners = {}, {}, {}
for j = 1, #ids do
  if evs[j] then
    claims[#claims + 1] = ARGV[3]
    claims[#claims + 1] = ids[j]
    owners[#owners + 1] = ids[j]
    owners[#owners + 1] = ARGV[4]
    out[#out + 1] = evs[j]
    out[#out + 1] = sts[j] or '{}'
    out[#out + 1] = due[2 * j]
  end
end
if #claims > 0 then
  redis.call('ZADD', KEYS[4], unpack(claims))
  redis.call('HSET', KEYS[5], unpack(owners))
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

// ARGV: (id, owner) per finished event, a batch. Returns 1/0 per pair: 0 when that owner no longer held it
// (or the id came earlier in the batch: as if the pairs ran one after another).
export const COMPLETE = `
local ids = {}
for i = 1, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local held = redis.call('HMGET', KEYS[5], unpack(ids))
local out, done, seen = {}, {}, {}
for j = 1, #ids do
  local id = ids[j]
  if held[j] == ARGV[2 * j] and not seen[id] then
    seen[id] = true
    done[#done + 1] = id
    out[j] = 1
  else
    out[j] = 0
  end
end
if #done > 0 then
  redis.call('HDEL', KEYS[1], unpack(done))
  redis.call('HDEL', KEYS[2], unpack(done))
  redis.call('HDEL', KEYS[5], unpack(done))
  redis.call('ZREM', KEYS[3], unpack(done))
  redis.call('ZREM', KEYS[4], unpack(done))
  redis.call('ZREM', KEYS[6], unpack(done))
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
