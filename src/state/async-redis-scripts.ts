// Lua for the Redis async queue. Each script is one atomic step, so two processes can never claim
// the same attempt and a stale owner can never complete or reschedule an event another process holds.
// KEYS are always: 1 events, 2 state, 3 due, 4 claims, 5 owners, 6 enq, 7 ready (one hash tag: cluster-safe).
//
// A fresh submit (due when enqueued, no attempt yet) is not a script: the queue LPUSHes it onto the ready list
// as one element `<enqueuedAtMs> <id bytes> <id><immutable event JSON>` (one variadic LPUSH per tick batch, the
// cost of a plain list push). CLAIM moves it into the hashes and sets when it is claimed. Dedupe of a repeated id
// therefore happens at claim time: a ready element whose id is already in events (queued in the due set, claimed
// or waiting for a retry) is dropped there. A repeat claimed after the first copy completed runs again.

// ARGV: (id, event, state, due, enqueued) per event, a batch of submits that are not fresh (delayed or with
// attempt state). A repeated id keeps the first copy and its progress. The other writes are one variadic
// command each: per-call cost dominates in Lua. Returns how many were new.
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

// ARGV: now, max, deadline, owner. Returns [event, state, due, ...] for each claimed id, then the number of
// ready elements dropped (duplicates, malformed). Oldest first across the ready list (its oldest element is its tail) and the
// due set (retries, delays, and events written by the layout before the ready list), so FIFO order holds and a
// flood of fresh submits cannot starve due retries. Reads and writes are one variadic command per key for the
// whole claim (max is capped by the caller).
export const CLAIM = `
local max = tonumber(ARGV[2])
local ready = redis.call('LRANGE', KEYS[7], -max, -1)
local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, max)
if #ready == 0 and #due == 0 then return {} end
local ri, di, dropped = #ready, 1, 0
-- The next ready element, oldest first; one that is not in the layout (never written by sluice) is dropped.
local function nextReady()
  while ri > 0 do
    local enq, n, p = string.match(ready[ri], '^(%S+) (%d+) ()')
    if enq and tonumber(enq) and #ready[ri] >= p + n then
      n = tonumber(n)
      return { enq, string.sub(ready[ri], p, p + n - 1), string.sub(ready[ri], p + n) }
    end
    ri = ri - 1
    dropped = dropped + 1
  end
  return nil
end
-- Merge: taken[k] = { id, event or false, due, from ready }.
local taken, dueIds, readyIds = {}, {}, {}
local r = nextReady()
while #taken < max do
  local d = due[2 * di]
  if r and (not d or tonumber(r[1]) <= tonumber(d)) then
    taken[#taken + 1] = { r[2], r[3], r[1], true }
    readyIds[#readyIds + 1] = r[2]
    ri = ri - 1
    r = nextReady()
  elseif d then
    taken[#taken + 1] = { due[2 * di - 1], false, d, false }
    dueIds[#dueIds + 1] = due[2 * di - 1]
    di = di + 1
  else
    break
  end
end
local popped = #ready - ri
if popped > 0 then redis.call('LTRIM', KEYS[7], 0, -(popped + 1)) end
local evs, sts, held = {}, {}, {}
if #dueIds > 0 then
  redis.call('ZREM', KEYS[3], unpack(dueIds))
  local e = redis.call('HMGET', KEYS[1], unpack(dueIds))
  local s = redis.call('HMGET', KEYS[2], unpack(dueIds))
  for j = 1, #dueIds do
    evs[dueIds[j]] = e[j]
    sts[dueIds[j]] = s[j]
  end
end
if #readyIds > 0 then
  local e = redis.call('HMGET', KEYS[1], unpack(readyIds))
  for j = 1, #readyIds do
    if e[j] then held[readyIds[j]] = true end
  end
end
local out, claims, owners, fresh, enqs = {}, {}, {}, {}, {}
for k = 1, #taken do
  local t = taken[k]
  local id, ev = t[1], t[2]
  if t[4] then
    if held[id] then
      ev = false
      dropped = dropped + 1
    else
      held[id] = true
      fresh[#fresh + 1] = id
      fresh[#fresh + 1] = ev
      enqs[#enqs + 1] = t[3]
      enqs[#enqs + 1] = id
    end
  else
    ev = evs[id]
  end
  if ev then
    claims[#claims + 1] = ARGV[3]
    claims[#claims + 1] = id
    owners[#owners + 1] = id
    owners[#owners + 1] = ARGV[4]
    out[#out + 1] = ev
    out[#out + 1] = sts[id] or '{}'
    out[#out + 1] = t[3]
  end
end
if #fresh > 0 then
  redis.call('HSET', KEYS[1], unpack(fresh))
  redis.call('ZADD', KEYS[6], unpack(enqs))
end
if #claims > 0 then
  redis.call('ZADD', KEYS[4], unpack(claims))
  redis.call('HSET', KEYS[5], unpack(owners))
end
out[#out + 1] = dropped
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
