/**
 * Lua scripts of the Redis ownership adapter. Records are `gatewayId|token`
 * strings; tokens come from one INCR counter per key prefix.
 *
 * Tokens are read back with GET rather than taken from INCR's reply, because
 * Lua numbers are doubles and would lose precision (and print in exponent
 * form) for very large counters; the string is exact.
 */

/** KEYS: owner key, fence key. ARGV: gateway id, ttl ms. Returns `{ token, previousRecord | nil }`. */
export const CLAIM_SCRIPT = `
local previous = redis.call('GET', KEYS[1])
redis.call('INCR', KEYS[2])
local token = redis.call('GET', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return { token, previous }
`;

/**
 * KEYS: owner keys. ARGV[1]: ttl ms, ARGV[1 + i]: expected record of KEYS[i].
 * Extends the keys still holding their expected record; returns the 1-based
 * indexes of the others (lost: replaced or expired).
 */
export const REFRESH_SCRIPT = `
local lost = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  else
    lost[#lost + 1] = i
  end
end
return lost
`;

/** KEYS: owner key. ARGV: expected record. Deletes only on an exact match; returns 1 if deleted. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;
