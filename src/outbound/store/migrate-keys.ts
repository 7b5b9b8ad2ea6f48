import { z } from 'zod';
import { redisKeys, type RedisKeys } from '../../lib/keys';
import type { RedisClient } from '../../lib/redis-connection';
import { isCluster } from './spread';

/**
 * Keys written before the Redis Cluster layout (hash tags, see src/lib/keys.ts) under their new
 * names, on the one Redis they live on. Run once on upgrade, before or while the new version runs
 * (`npm run migrate-keys`); running it again changes nothing. Names inside keys are already escaped,
 * so an old key splits on ':' into its fixed words and names. An alert's state (`alert:FP`) moves
 * into its service's slot, whose name is in the alert itself: `kind: 'alert'`, its new name found
 * when it is moved.
 */
export type NamedMove = { key: string; kind: 'rename' | 'request' | 'environments' };
export type Migration = NamedMove | { kind: 'alert' };

const SERVICE_WORDS = new Set(['alerts', 'alerts-pending', 'alerts-inflight', 'alerts-batch', 'alert-card']);
const INCIDENT_INDEXES = new Set(['by-channel', 'open', 'all', 'open-by-service', 'seq', 'channel-names']);

/** The new name of an old key, or undefined when the key kept its name (or is not ours). */
export function migratedKey(old: string, prefix: string): Migration | undefined {
  if (!old.startsWith(`${prefix}:`)) return undefined;
  const rest = old.slice(prefix.length + 1);
  if (rest.startsWith('{')) return undefined;
  const [head, ...s] = rest.split(':');
  const t = (tag: string, ...parts: string[]): NamedMove => ({ key: [prefix, `{${tag}}`, ...parts].join(':'), kind: 'rename' });
  const one = s.length === 1;
  switch (head) {
    case 'incident':
      return s.length >= 1 ? t(`incident:${s[0]}`, ...s.slice(1)) : undefined;
    case 'incidents':
      return one && INCIDENT_INDEXES.has(s[0]!) ? t('incidents', s[0]!) : undefined;
    case 'seen':
      return s[0] === 'incident-request' && s.length === 2 ? { ...t('incidents', 'request', s[1]!), kind: 'request' } : undefined;
    case 'deploys':
    case 'deploy-dedupe':
      return s.length === 2 ? t(`service:${s[0]}`, head, s[1]!) : undefined;
    case 'deploy-environments':
      return one ? { ...t(`service:${s[0]}`, head), kind: 'environments' } : undefined;
    case 'alerts-step':
      return s.length === 2 ? t(`service:${s[0]}`, head, s[1]!) : undefined;
    case 'guard':
      return one ? t(`service:${s[0]}`, 'guard') : undefined;
    case 'metric-samples':
      return s.length === 3 ? t(`service:${s[0]}`, head, s[1]!, s[2]!) : undefined;
    case 'action':
      return one ? t('actions', 'action', s[0]!) : undefined;
    case 'action-target':
      return one ? t('actions', 'target', s[0]!) : undefined;
    case 'escalation':
      return s.length >= 1 ? t(`incident:${s[0]}`, 'escalation', ...s.slice(1)) : undefined;
    case 'drill':
      return s.length === 2 ? t(`incident:${s[0]}`, 'drill', s[1]!) : undefined;
    case 'oncall':
      if (s[0] === 'overrides' && s.length === 2) return t('oncall', 'overrides', s[1]!);
      return s[0] === 'audit' && one ? t('oncall', 'audit') : undefined;
    case 'status':
      if (s[0] === 'incident' && s.length === 2) return t('status', 'incident', s[1]!);
      return s[0] === 'incidents' && one ? t('status', 'incidents') : undefined;
    case 'sandbox':
      return t('sandbox', ...s);
    case 'alert':
      return one ? { kind: 'alert' } : undefined;
    default:
      return head !== undefined && SERVICE_WORDS.has(head) && one ? t(`service:${s[0]}`, head) : undefined;
  }
}

/** A name as `keyPart` escaped it, back (a name cut and hashed for length stays as it is). */
export function unescapePart(part: string): string {
  if (part.includes('%h')) return part;
  return part.replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_all, wide: string | undefined, byte: string | undefined) => String.fromCharCode(parseInt((wide ?? byte)!, 16)));
}

export interface MigrationReport {
  moved: number;
  /**
   * Old keys left alone because their new name already holds data (written by the new version), or
   * (an alert) because they hold no alert whose service and fingerprint would name them.
   */
  kept: string[];
}

/** Move every old key of `prefix` to its new name, keeping expiries. One Redis only (no cluster). */
export async function migrateKeys(redis: RedisClient, prefix: string): Promise<MigrationReport> {
  if (isCluster(redis)) throw new Error('migrate keys on the single Redis that holds them, before moving to a cluster');
  const report: MigrationReport = { moved: 0, kept: [] };
  const moves: [string, Migration][] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const migration = migratedKey(key, prefix);
      if (migration) moves.push([key, migration]);
    }
  } while (cursor !== '0');
  // Incident documents first: a request claim is built from the document it names.
  moves.sort(([, a], [, b]) => Number(a.kind === 'request') - Number(b.kind === 'request'));
  const keys = redisKeys(prefix);
  for (const [old, migration] of moves) {
    const moved = migration.kind === 'alert' ? await migrateAlert(redis, keys, old) : await migrate(redis, prefix, old, migration);
    if (moved === 'moved') report.moved += 1;
    else report.kept.push(old);
  }
  return report;
}

const alertIdSchema = z.object({ service: z.string(), fingerprint: z.string() });

/** An alert's hash under the name of its service and fingerprint (both in its `alert` field), expiry kept. */
async function migrateAlert(redis: RedisClient, keys: RedisKeys, old: string): Promise<'moved' | 'kept'> {
  const json = await redis.hget(old, 'alert');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? '');
  } catch {
    return 'kept';
  }
  const id = alertIdSchema.safeParse(parsed);
  if (!id.success) return 'kept';
  return (await redis.renamenx(old, keys.alert(id.data.service, id.data.fingerprint))) === 1 ? 'moved' : 'kept';
}

async function migrate(redis: RedisClient, prefix: string, old: string, { key, kind }: NamedMove): Promise<'moved' | 'kept'> {
  if (kind === 'rename') return (await redis.renamenx(old, key)) === 1 ? 'moved' : 'kept';
  if ((await redis.exists(key)) === 1) return 'kept';
  const ttl = await redis.pttl(old);
  if (kind === 'environments') {
    const members = await redis.smembers(old);
    if (members.length > 0) await redis.sadd(key, ...members.map(unescapePart));
  } else {
    // The request key held the incident id; it now holds the claim (CLAIM_INCIDENT) with the document.
    const id = await redis.get(old);
    if (!id) return 'kept';
    const document = (await redis.get(redisKeys(prefix).incident(id))) ?? '{}';
    await redis.set(key, JSON.stringify({ id, document, opened: '' }));
  }
  if (ttl > 0) await redis.pexpire(key, ttl);
  await redis.del(old);
  return 'moved';
}
