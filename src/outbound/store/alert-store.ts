import { createHash } from 'node:crypto';
import type { RedisClient } from '../../lib/redis-connection';
import type { Alert, AlertChange, AlertState, AlertStatus } from '../../domain/alerts/model';
import type { AlertTracker, RecordedAlert } from '../../domain/alerts/ports';
import type { RedisKeys } from '../../lib/keys';
import { spread } from './spread';

export interface AlertStoreOptions {
  /** How long an alert's state is kept after its last notification. Default 7 days. */
  retentionMs?: number;
}

export const DEFAULT_ALERT_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * One notification of one alert, atomically (several replicas may record the same fingerprint at
 * once); only the alert's own hash, so the script's keys stay in one key's family.
 * A notification older than the state (startsAt before the stored one, or a firing resend of the
 * episode that already resolved) is stale: counted, but the state does not change.
 * KEYS: alert hash. ARGV: alert json, status, now ms, startsAt ms, retention ms.
 * Returns {changed, state, count, isNew}.
 */
const RECORD = `
local previous = redis.call('HMGET', KEYS[1], 'state', 'startsAtMs')
local prevState, prevStart = previous[1], tonumber(previous[2])
local status, startsAt = ARGV[2], tonumber(ARGV[4])
local changed, state = 'repeat', status
if not prevState then
  changed = status == 'firing' and 'new' or 'resolved'
  redis.call('HSET', KEYS[1], 'firstSeen', ARGV[3], 'alert', ARGV[1], 'state', state, 'startsAtMs', ARGV[4], 'lastSeen', ARGV[3])
elseif startsAt < prevStart or (prevState == 'resolved' and status == 'firing' and startsAt == prevStart) then
  state = prevState
  redis.call('HSET', KEYS[1], 'lastSeen', ARGV[3])
else
  if prevState ~= status then changed = status == 'resolved' and 'resolved' or 'refired' end
  redis.call('HSET', KEYS[1], 'alert', ARGV[1], 'state', state, 'startsAtMs', ARGV[4], 'lastSeen', ARGV[3])
end
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {changed, state, count, prevState and 0 or 1}
`;

/**
 * A service's alerts by last notification: every fingerprint of one request's notifications in
 * one call, entries older than the retention dropped. KEYS: the service's index.
 * ARGV: now ms, retention ms, cutoff ms, fingerprint…
 */
const INDEX = `
-- One ZADD per 500 fingerprints (unpack's stack has room for a few thousand values).
for first = 4, #ARGV, 500 do
  local scored = {}
  for i = first, math.min(first + 499, #ARGV) do scored[#scored + 1] = ARGV[1]; scored[#scored + 1] = ARGV[i] end
  redis.call('ZADD', KEYS[1], unpack(scored))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`;

type RecordReply = [AlertChange, AlertStatus, number, number];

interface AlertScripts {
  firebreakRecordAlert(...args: (string | number)[]): Promise<RecordReply>;
  firebreakIndexAlerts(...args: (string | number)[]): Promise<number>;
}

/** Fingerprints become key parts as they are when they are safe, else as their sha1. */
function keyPart(fingerprint: string): string {
  return /^[A-Za-z0-9._-]{1,128}$/.test(fingerprint) ? fingerprint : `sha1-${createHash('sha1').update(fingerprint).digest('hex')}`;
}

const toResult = (fingerprint: string, [changed, state, count, isNew]: RecordReply): RecordedAlert => ({
  fingerprint,
  isNew: isNew === 1,
  changed,
  state,
  count,
});

/** Alert state by fingerprint in a hash, and a sorted set per service scored by last notification. */
export class RedisAlertStore implements AlertTracker {
  private readonly redis: RedisClient & AlertScripts;
  private readonly retentionMs: number;

  constructor(redis: RedisClient, private readonly keys: RedisKeys, options: AlertStoreOptions = {}) {
    redis.defineCommand('firebreakRecordAlert', { numberOfKeys: 1, lua: RECORD });
    redis.defineCommand('firebreakIndexAlerts', { numberOfKeys: 1, lua: INDEX });
    this.redis = redis as RedisClient & AlertScripts;
    this.retentionMs = options.retentionMs ?? DEFAULT_ALERT_RETENTION_MS;
  }

  async record(alert: Alert, nowMs: number): Promise<RecordedAlert> {
    const [recorded] = await this.recordMany([alert], nowMs);
    return recorded!;
  }

  /**
   * One round trip for a whole webhook body: each alert's script, then one index update per
   * service (the index is written for repeats too, so a retried request repairs it). Sent as
   * single commands, so a connection with auto-pipelining joins them with other requests' into one
   * write.
   */
  async recordMany(alerts: Alert[], nowMs: number): Promise<RecordedAlert[]> {
    if (alerts.length === 0) return [];
    const byService = new Map<string, string[]>();
    const retention = this.retentionMs;
    const replies = alerts.map((alert) => {
      const fingerprints = byService.get(alert.service);
      if (fingerprints) fingerprints.push(alert.fingerprint);
      else byService.set(alert.service, [alert.fingerprint]);
      return this.redis.firebreakRecordAlert(this.keys.alert(keyPart(alert.fingerprint)), JSON.stringify(alert), alert.status, nowMs, Date.parse(alert.startsAt), retention);
    });
    const indexed = [...byService].map(([service, fingerprints]) =>
      this.redis.firebreakIndexAlerts(this.keys.alertsByService(service), nowMs, retention, nowMs - retention, ...fingerprints),
    );
    const [recorded] = await Promise.all([Promise.all(replies), Promise.all(indexed)]);
    return recorded.map((reply, index) => toResult(alerts[index]!.fingerprint, reply));
  }

  async get(fingerprint: string): Promise<AlertState | undefined> {
    return this.parse(await this.redis.hgetall(this.keys.alert(keyPart(fingerprint))));
  }

  async recent(
    service: string,
    { sinceMs = 0, limit = 100, state }: { sinceMs?: number; limit?: number; state?: AlertStatus } = {},
  ): Promise<AlertState[]> {
    const found: AlertState[] = [];
    // Most recently seen first; with a state filter, page on until the page is full.
    for (let offset = 0; found.length < limit; offset += limit) {
      const fingerprints = await this.redis.zrevrangebyscore(this.keys.alertsByService(service), '+inf', sinceMs, 'LIMIT', offset, limit);
      if (fingerprints.length === 0) break;
      const replies = await spread(this.redis, (batch) => {
        for (const fingerprint of fingerprints) batch.hgetall(this.keys.alert(keyPart(fingerprint)));
      });
      for (const [, hash] of replies) {
        const alert = this.parse(hash as Record<string, string>);
        if (alert && (!state || alert.state === state)) found.push(alert);
      }
    }
    return found.slice(0, limit);
  }

  private parse(hash: Record<string, string>): AlertState | undefined {
    if (!hash.alert || !hash.state) return undefined;
    return {
      ...(JSON.parse(hash.alert) as Alert),
      state: hash.state as AlertStatus,
      firstSeen: new Date(Number(hash.firstSeen)).toISOString(),
      lastSeen: new Date(Number(hash.lastSeen)).toISOString(),
      count: Number(hash.count),
    };
  }
}
