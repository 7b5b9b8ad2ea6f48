/**
 * Each incident state change as Lua scripts: Redis runs each atomically, so a change is checked and
 * stored in one step (as bullmq keeps one script per job state change in src/commands/*.lua).
 *
 * Redis Cluster: a script may only use keys of one slot. An incident's own keys share its tag
 * (`{incident:ID}`); the indexes, the number sequence, channel names and request claims share
 * `{incidents}`. So a change is two or three atomic steps, each safe to repeat:
 * 1. opening claims the request key, a number and a channel name in `{incidents}` (exactly once;
 *    the claim keeps the document, so a retry or a concurrent caller writes the same one);
 * 2. the document (and its timeline) is written or compare-and-set in `{incident:ID}`;
 * 3. the indexes follow the document's revision in `{incidents}`, never going back to an older one.
 */

/**
 * Claim a request key: a new incident takes the next number and the first free channel name; a
 * seeded one (mode `insert`) brings its own id. A second caller with the same key gets the first
 * one's claim and spends nothing.
 *
 * KEYS: request claim, sequence, channel names
 * ARGV: ttl, mode (open|insert), document (JSON object; for open without id/number/channelName),
 *       timeline entry (JSON or ''), id (insert), candidate channel names… (open)
 * Returns {1, claim} when claimed now, {0, claim} when the key already held one; claim is the JSON
 * {id, document, opened}.
 */
export const CLAIM_INCIDENT = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local id, document
if ARGV[2] == 'insert' then
  id, document = ARGV[5], ARGV[3]
else
  local number = redis.call('INCR', KEYS[2])
  id = 'INC-' .. number
  local name
  for i = 6, #ARGV do
    if redis.call('HSETNX', KEYS[3], ARGV[i], id) == 1 then name = ARGV[i]; break end
  end
  if not name then
    name = ARGV[6] .. '-inc-' .. number
    redis.call('HSET', KEYS[3], name, id)
  end
  local head = '{"id":' .. cjson.encode(id) .. ',"number":' .. number .. ',"channelName":' .. cjson.encode(name)
  local rest = string.sub(ARGV[3], 2)
  if rest ~= '}' then head = head .. ',' end
  document = head .. rest
end
local claim = cjson.encode({id = id, document = document, opened = ARGV[4]})
redis.call('SET', KEYS[1], claim, 'EX', tonumber(ARGV[1]))
return {1, claim}
`;

/**
 * Write a claimed incident's document unless it is there already, with its "opened" entry.
 * KEYS: document, timeline. ARGV: document (JSON), timeline entry (JSON or '').
 * Returns 1 written, 0 already there.
 */
export const WRITE_INCIDENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[2]) end
return 1
`;

/**
 * Compare-and-set of an incident document: store the new version only if the stored one still
 * has the revision the change was decided on, and append its timeline entry in the same step.
 *
 * KEYS: document, timeline
 * ARGV: expected revision, new document (JSON), timeline entry (JSON)
 * Returns 1 stored, 0 conflict (someone changed it since), -1 no such incident.
 */
export const TRANSITION_INCIDENT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local current = cjson.decode(raw)
if (tonumber(current['revision']) or 0) ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
return 1
`;

/**
 * Index an incident as of one revision of its document: in all, and as open (by creation time
 * and by service) or not. A revision older than the one indexed already changes nothing, so
 * index steps that arrive out of order (two replicas) or twice (a retry) leave the newest.
 *
 * KEYS: indexed revisions, all, open, open-by-service
 * ARGV: id, revision, score, status, service
 * Returns 1 indexed, 0 already as new or newer.
 */
export const INDEX_INCIDENT = `
local id, revision, score, service = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[5]
if tonumber(redis.call('HGET', KEYS[1], id) or '-1') >= revision then return 0 end
redis.call('HSET', KEYS[1], id, revision)
redis.call('ZADD', KEYS[2], score, id)
if ARGV[4] == 'open' then
  redis.call('ZADD', KEYS[3], score, id)
  if service ~= '' then redis.call('HSET', KEYS[4], service, id) end
else
  redis.call('ZREM', KEYS[3], id)
  if service ~= '' and redis.call('HGET', KEYS[4], service) == id then redis.call('HDEL', KEYS[4], service) end
end
return 1
`;
