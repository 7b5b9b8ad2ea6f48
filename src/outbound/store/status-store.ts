import type { RedisClient } from '../../lib/redis-connection';
import { publicIncidentSchema, type PublicIncident } from '../../domain/status/model';
import type { StatusStore } from '../../domain/status/ports';
import type { RedisKeys } from '../../lib/keys';
import { RedisSteps } from './steps';

const CAS_ATTEMPTS = 20;

/** Public incidents in Redis: one JSON document each, changed by compare-and-set (WATCH/MULTI). */
export class RedisStatusStore implements StatusStore {
  private readonly steps: RedisSteps;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.steps = new RedisSteps(redis, keys.statusStep);
  }

  async get(incidentId: string): Promise<PublicIncident | undefined> {
    const raw = await this.redis.get(this.keys.statusIncident(incidentId));
    return raw ? publicIncidentSchema.parse(JSON.parse(raw)) : undefined;
  }

  async update(incidentId: string, change: (current: PublicIncident | undefined) => PublicIncident): Promise<PublicIncident> {
    const key = this.keys.statusIncident(incidentId);
    // A dedicated connection: WATCH belongs to the connection, and the shared one serves other callers.
    const connection = this.redis.duplicate();
    connection.on('error', () => undefined);
    try {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        await connection.watch(key);
        const raw = await connection.get(key);
        const current = raw ? publicIncidentSchema.parse(JSON.parse(raw)) : undefined;
        const next = publicIncidentSchema.parse(change(current));
        if (raw && JSON.stringify(next) === JSON.stringify(current)) {
          await connection.unwatch();
          return next;
        }
        const result = await connection
          .multi()
          .set(key, JSON.stringify(next))
          .zadd(this.keys.statusIncidents(), Date.parse(next.updatedAt), incidentId)
          .exec();
        if (result) return next;
      }
      throw new Error(`public record of ${incidentId} kept changing; try again`);
    } finally {
      connection.disconnect();
    }
  }

  async list(limit: number): Promise<PublicIncident[]> {
    const ids = await this.redis.zrevrange(this.keys.statusIncidents(), 0, limit - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.statusIncident(id)));
    return raws.flatMap((raw) => (raw ? [publicIncidentSchema.parse(JSON.parse(raw))] : []));
  }

  /** A publication's side effect, done once: the shared step store. */
  once(scope: string, step: string, action: () => Promise<void>): Promise<boolean> {
    return this.steps.once(scope, step, action);
  }
}
