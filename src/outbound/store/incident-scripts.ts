/**
 * Each incident state change as one Lua script: Redis runs it atomically, so a change is checked
 * and stored in one step (as bullmq keeps one script per job state change in src/commands/*.lua).
 * Keys of a document are built inside the script from a template ('@ID@' stands for the id),
 * because the id of a new incident is only known there.
 */

/** Shared by both scripts: index an incident as open or resolved. */
const INDEX = `
local function index(id, status, score, service, openKey, byServiceKey)
  if status == 'open' then
    redis.call('ZADD', openKey, score, id)
    if service ~= '' then redis.call('HSET', byServiceKey, service, id) end
  else
    redis.call('ZREM', openKey, id)
    if service ~= '' and redis.call('HGET', byServiceKey, service) == id then redis.call('HDEL', byServiceKey, service) end
  end
end
local function keyFor(template, id)
  local s, e = string.find(template, '@ID@', 1, true)
  return string.sub(template, 1, s - 1) .. id .. string.sub(template, e + 1)
end
`;

/**
 * Open a new incident unless its request key already opened one: claim the key, take the next
 * number, the first free channel name, write the document, index it and put "opened" on its
 * timeline — all or nothing. A second caller with the same key gets the first one's id and spends
 * nothing.
 *
 * KEYS: request ref, sequence, channel names, all, open, open-by-service
 * ARGV: ttl, document key template, timeline key template, document without id/number/channelName
 *       (JSON object), score, status, service, timeline entry (JSON), candidate channel names…
 * Returns {1, id} when created, {0, id} when the key already held one.
 */
export const OPEN_INCIDENT = `${INDEX}
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local number = redis.call('INCR', KEYS[2])
local id = 'INC-' .. number
local name
for i = 9, #ARGV do
  if redis.call('HSETNX', KEYS[3], ARGV[i], id) == 1 then name = ARGV[i]; break end
end
if not name then
  name = ARGV[9] .. '-inc-' .. number
  redis.call('HSET', KEYS[3], name, id)
end
local head = '{"id":' .. cjson.encode(id) .. ',"number":' .. number .. ',"channelName":' .. cjson.encode(name)
local rest = string.sub(ARGV[4], 2)
if rest ~= '}' then head = head .. ',' end
redis.call('SET', keyFor(ARGV[2], id), head .. rest)
redis.call('SET', KEYS[1], id, 'EX', tonumber(ARGV[1]))
redis.call('ZADD', KEYS[4], tonumber(ARGV[5]), id)
index(id, ARGV[6], tonumber(ARGV[5]), ARGV[7], KEYS[5], KEYS[6])
redis.call('RPUSH', keyFor(ARGV[3], id), ARGV[8])
return {1, id}
`;

/**
 * Compare-and-set of an incident document: store the new version only if the stored one still
 * has the revision the change was decided on; index it and append its timeline entry in the same step.
 *
 * KEYS: document, timeline, open, open-by-service
 * ARGV: expected revision, new document (JSON), id, score, status, service, timeline entry (JSON)
 * Returns 1 stored, 0 conflict (someone changed it since), -1 no such incident.
 */
export const TRANSITION_INCIDENT = `${INDEX}
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local current = cjson.decode(raw)
if (tonumber(current['revision']) or 0) ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
index(ARGV[3], ARGV[5], tonumber(ARGV[4]), ARGV[6], KEYS[3], KEYS[4])
redis.call('RPUSH', KEYS[2], ARGV[7])
return 1
`;

/** Seed a fully formed incident (tests, benches, imports) unless its request key holds one. KEYS: request ref, document, all, open, open-by-service. */
export const INSERT_INCIDENT = `${INDEX}
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[3], 'EX', tonumber(ARGV[1]))
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]), ARGV[3])
index(ARGV[3], ARGV[5], tonumber(ARGV[4]), ARGV[6], KEYS[4], KEYS[5])
return {1, ARGV[3]}
`;
