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

/** Alerts per script call: a 10,000-alert body is 20 calls, none of which holds Redis for long. */
export const ALERTS_PER_CALL = 500;

/**
 * One call's notifications of one service, in body order, atomically (several replicas may record
 * the same fingerprint at once), and the service's index: every key carries the service's hash tag,
 * so the script stays in one Redis Cluster slot. A fingerprint twice in one call is recorded twice,
 * in order. A notification older than the state (startsAt before the stored one, or a firing resend
 * of the episode that already resolved) is stale: counted and seen, but the state does not change.
 * The index (a sorted set by last notification) gets every fingerprint, repeats too (so a retried
 * request repairs it), and loses entries older than the retention.
 * KEYS: the service's index, then one alert hash per notification.
 * ARGV: now ms, retention ms, cutoff ms, then per notification: fingerprint, alert json, status, startsAt ms.
 * Returns per notification, flat: changed, state, count, isNew (1 | 0).
 */
const RECORD_SERVICE = `
local now, retention = ARGV[1], ARGV[2]
local out, scored = {}, {}
for i = 2, #KEYS do
  local key, a = KEYS[i], 4 * i - 4
  local status, startsText = ARGV[a + 2], ARGV[a + 3]
  local startsAt = tonumber(startsText)
  local previous = redis.call('HMGET', key, 'state', 'startsAtMs', 'count')
  local prevState, prevStart = previous[1], tonumber(previous[2])
  local count = (tonumber(previous[3]) or 0) + 1
  local changed, state = 'repeat', status
  if not prevState then
    changed = status == 'firing' and 'new' or 'resolved'
    redis.call('HSET', key, 'firstSeen', now, 'alert', ARGV[a + 1], 'state', state, 'startsAtMs', startsText, 'lastSeen', now, 'count', count)
  elseif startsAt < prevStart or (prevState == 'resolved' and status == 'firing' and startsAt == prevStart) then
    state = prevState
    redis.call('HSET', key, 'lastSeen', now, 'count', count)
  else
    if prevState ~= status then changed = status == 'resolved' and 'resolved' or 'refired' end
    redis.call('HSET', key, 'alert', ARGV[a + 1], 'state', state, 'startsAtMs', startsText, 'lastSeen', now, 'count', count)
  end
  redis.call('PEXPIRE', key, retention)
  out[#out + 1] = changed; out[#out + 1] = state; out[#out + 1] = count; out[#out + 1] = prevState and 0 or 1
  scored[#scored + 1] = now; scored[#scored + 1] = ARGV[a]
end
redis.call('ZADD', KEYS[1], unpack(scored))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], retention)
return out
`;

/** Flat: changed, state, count, isNew for each notification of the call. */
type RecordReply = (string | number)[];

interface AlertScripts {
  firebreakRecordServiceAlerts(numberOfKeys: number, ...args: (string | number)[]): Promise<RecordReply>;
}

/** Alert state in a hash per service and fingerprint, and a sorted set per service scored by last notification. */
export class RedisAlertStore implements AlertTracker {
  private readonly redis: RedisClient & AlertScripts;
  private readonly retentionMs: number;

  constructor(redis: RedisClient, private readonly keys: RedisKeys, options: AlertStoreOptions = {}) {
    redis.defineCommand('firebreakRecordServiceAlerts', { lua: RECORD_SERVICE });
    this.redis = redis as RedisClient & AlertScripts;
    this.retentionMs = options.retentionMs ?? DEFAULT_ALERT_RETENTION_MS;
  }

  async record(alert: Alert, nowMs: number): Promise<RecordedAlert> {
    const [recorded] = await this.recordMany([alert], nowMs);
    return recorded!;
  }

  /**
   * A whole webhook body: one script per service (per ALERTS_PER_CALL of its alerts), the services'
   * calls sent at once, so a connection with auto-pipelining joins them with other requests' into
   * one write. A service's chunks go one after another, so its alerts are recorded in body order.
   */
  async recordMany(alerts: Alert[], nowMs: number): Promise<RecordedAlert[]> {
    if (alerts.length === 0) return [];
    const byService = new Map<string, number[]>();
    alerts.forEach((alert, index) => {
      const indexes = byService.get(alert.service);
      if (indexes) indexes.push(index);
      else byService.set(alert.service, [index]);
    });
    const results = new Array<RecordedAlert>(alerts.length);
    await Promise.all([...byService].map(([service, indexes]) => this.recordService(service, alerts, indexes, nowMs, results)));
    return results;
  }

  private async recordService(service: string, alerts: Alert[], indexes: number[], nowMs: number, results: RecordedAlert[]): Promise<void> {
    const retention = this.retentionMs;
    for (let first = 0; first < indexes.length; first += ALERTS_PER_CALL) {
      const chunk = indexes.slice(first, first + ALERTS_PER_CALL);
      const keys: string[] = [this.keys.alertsByService(service)];
      const args: (string | number)[] = [nowMs, retention, nowMs - retention];
      for (const index of chunk) {
        const alert = alerts[index]!;
        keys.push(this.keys.alert(service, alert.fingerprint));
        args.push(alert.fingerprint, JSON.stringify(alert), alert.status, Date.parse(alert.startsAt));
      }
      const reply = await this.redis.firebreakRecordServiceAlerts(keys.length, ...keys, ...args);
      chunk.forEach((index, i) => {
        results[index] = {
          fingerprint: alerts[index]!.fingerprint,
          changed: reply[4 * i] as AlertChange,
          state: reply[4 * i + 1] as AlertStatus,
          count: Number(reply[4 * i + 2]),
          isNew: reply[4 * i + 3] === 1,
        };
      });
    }
  }

  async get(service: string, fingerprint: string): Promise<AlertState | undefined> {
    return this.parse(await this.redis.hgetall(this.keys.alert(service, fingerprint)));
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
        for (const fingerprint of fingerprints) batch.hgetall(this.keys.alert(service, fingerprint));
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
