/**
 * @internal The Lua scripts of `redisLog`: each runs atomically inside Redis, so a lease is
 * checked and a checkpoint written with nothing in between. A lease's value is the token
 * `"<holder> <epoch>"`; every key a script touches carries the shard's hash tag, so each
 * script stays within one Redis Cluster slot.
 */

/** Offsets `"<ms>-<seq>"` compared as numbers: is `a` before `b`? */
const BEFORE = `
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
`;

/** KEYS: a shard's stream. ARGV: bodies. Appends one entry per body; returns their offsets. */
export const APPEND = `
local ids = {}
for i = 1, #ARGV do ids[i] = redis.call('XADD', KEYS[1], '*', 'b', ARGV[i]) end
return ids
`;

/**
 * KEYS: shards' streams. ARGV: one offset per stream, then count, then limit. For each stream,
 * in turn, the entries strictly after its offset, at most count, and at most limit over all
 * the streams (those after the limit is reached give nothing), as one text: for each entry
 * "<offset> <bytes of its body> <body>" (no separator after the body). One call and one short
 * reply for the entries of every shard held: a client pays per command and per reply element
 * far more than per byte. (Like XREAD over several shards, it needs their streams on one
 * server: a Redis Cluster would take one call per slot.)
 */
export const READ = `
local count = tonumber(ARGV[#KEYS + 1])
local left = tonumber(ARGV[#KEYS + 2])
local out = {}
for k = 1, #KEYS do
  local parts = {}
  if left > 0 then
    local entries = redis.call('XRANGE', KEYS[k], '(' .. ARGV[k], '+', 'COUNT', math.min(count, left))
    left = left - #entries
    for i = 1, #entries do
      local fields = entries[i][2]
      local body = ''
      for j = 1, #fields, 2 do
        if fields[j] == 'b' then body = fields[j + 1] break end
      end
      parts[#parts + 1] = entries[i][1]
      parts[#parts + 1] = ' ' .. #body .. ' '
      parts[#parts + 1] = body
    end
  end
  out[k] = table.concat(parts)
end
return out
`;

/**
 * KEYS: lease, epoch counter. ARGV: holder, ttl (ms). Takes the lease when it is free or held
 * by the same holder (then with a new epoch); returns the epoch, or false when another holds it.
 */
export const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then
  local space = string.find(current, ' ', 1, true)
  if string.sub(current, 1, space - 1) ~= ARGV[1] then return false end
end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. epoch, 'PX', ARGV[2])
return epoch
`;

/** KEYS: lease. ARGV: token, ttl (ms). Extends the lease while the token holds it: 1, else 0. */
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: lease. ARGV: token. Deletes the lease while the token holds it: 1, else 0. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * KEYS: lease, models hash, summaries hash. ARGV: token, offset, applied, epoch, holder,
 * savedAt, n, then n triples (key, model, summary). Writes the checkpoint only while the token
 * holds the lease (else 0) and the offset does not go backwards (else -1); then 1.
 */
export const COMMIT = `${BEFORE}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local previous = redis.call('HGET', KEYS[2], '@offset')
if previous and before(ARGV[2], previous) then return -1 end
redis.call('HSET', KEYS[2], '@offset', ARGV[2], '@applied', ARGV[3], '@epoch', ARGV[4],
  '@holder', ARGV[5], '@at', ARGV[6])
local n = tonumber(ARGV[7])
local i = 8
local chunk = 0
while chunk < n do
  local models = {}
  local summaries = {}
  local last = math.min(n, chunk + 500)
  for j = chunk + 1, last do
    models[#models + 1] = 'k:' .. ARGV[i]
    models[#models + 1] = ARGV[i + 1]
    summaries[#summaries + 1] = ARGV[i]
    summaries[#summaries + 1] = ARGV[i + 2]
    i = i + 3
  end
  redis.call('HSET', KEYS[2], unpack(models))
  redis.call('HSET', KEYS[3], unpack(summaries))
  chunk = last
end
return 1
`;

/**
 * KEYS: workers (sorted set by expiry), workers' info hash. ARGV: name, ttl (ms), info. Records
 * the announcement with the server's clock, forgets the expired ones, and returns every live
 * worker as (name, expiresAt, info) triples, in name order.
 */
export const ANNOUNCE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[1] ~= '' then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
end
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, name in ipairs(dead) do redis.call('HDEL', KEYS[2], name) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for j = 1, #live, 2 do
  out[#out + 1] = live[j]
  out[#out + 1] = live[j + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], live[j]) or ''
end
return out
`;
