import type { Redis } from 'ioredis';
import { incidentSchema, publicationSchema, type Incident, type Publication, type TimelineEntry } from '../../domain/incidents/model';
import type { IncidentRepository } from '../../domain/incidents/ports';
import type { RedisKeys } from '../../lib/keys';

const REQUEST_KEY_TTL_SECONDS = 7 * 24 * 3600;

/** Incidents, their timelines and checklists in Redis. Survives restarts of the bot (and of Redis, with AOF). */
export class RedisIncidentStore implements IncidentRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async nextNumber(): Promise<number> {
    return this.redis.incr(this.keys.incidentSequence());
  }

  async findByRequestKey(requestKey: string): Promise<Incident | undefined> {
    const id = await this.redis.get(this.keys.seen('incident-request', requestKey));
    return id ? this.get(id) : undefined;
  }

  async createOnce(incident: Incident, requestKey: string): Promise<{ incident: Incident; created: boolean }> {
    const requestRef = this.keys.seen('incident-request', requestKey);
    const claimed = await this.redis.set(requestRef, incident.id, 'EX', REQUEST_KEY_TTL_SECONDS, 'NX');
    if (claimed !== 'OK') {
      const existing = await this.findByRequestKey(requestKey);
      if (existing) return { incident: existing, created: false };
    }
    await this.write(incident, this.redis.multi().zadd(this.keys.incidentsAll(), Date.parse(incident.createdAt), incident.id));
    return { incident, created: true };
  }

  async get(id: string): Promise<Incident | undefined> {
    const [raw, publication] = await Promise.all([this.redis.get(this.keys.incident(id)), this.redis.hgetall(this.keys.incidentPublication(id))]);
    return raw ? this.assemble(raw, publication) : undefined;
  }

  async save(incident: Incident): Promise<void> {
    await this.write(incident, this.redis.multi());
  }

  async claimChannelName(name: string, incidentId: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.channelNames(), name, incidentId)) === 1;
  }

  async bindChannel(incidentId: string, channelId: string, channelName: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.incidentByChannel(), channelId, incidentId)
      .hset(this.keys.incidentPublication(incidentId), 'channelId', channelId, 'channelName', channelName)
      .exec();
  }

  async recordPublication(incidentId: string, patch: Partial<Publication>): Promise<void> {
    const fields = Object.entries(patch).flatMap(([field, value]) => (value === undefined ? [] : [field, JSON.stringify(value)]));
    if (fields.length > 0) await this.redis.hset(this.keys.incidentPublication(incidentId), ...fields);
  }

  async findByChannel(channelId: string): Promise<Incident | undefined> {
    const id = await this.redis.hget(this.keys.incidentByChannel(), channelId);
    return id ? this.get(id) : undefined;
  }

  async openForService(service: string): Promise<Incident | undefined> {
    const id = await this.redis.hget(this.keys.incidentOpenForService(), service);
    return id ? this.get(id) : undefined;
  }

  async list({ status = 'open', limit = 20 }: { status?: 'open' | 'resolved' | 'all'; limit?: number }): Promise<Incident[]> {
    const index = status === 'open' ? this.keys.incidentsOpen() : this.keys.incidentsAll();
    const found: Incident[] = [];
    // Newest first; for "resolved" skip open ones until the page is full.
    for (let offset = 0; found.length < limit; offset += limit) {
      const ids = await this.redis.zrevrange(index, offset, offset + limit - 1);
      if (ids.length === 0) break;
      const incidents = await this.getMany(ids);
      found.push(...incidents.filter((i) => status === 'all' || i.status === status));
    }
    return found.slice(0, limit);
  }

  async appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void> {
    await this.redis.rpush(this.keys.incidentTimeline(incidentId), JSON.stringify(entry));
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const raw = await this.redis.lrange(this.keys.incidentTimeline(incidentId), 0, -1);
    return raw.map((line) => JSON.parse(line) as TimelineEntry);
  }

  async setChecklist(incidentId: string, checked: string[]): Promise<void> {
    const key = this.keys.incidentChecklist(incidentId);
    const multi = this.redis.multi().del(key);
    if (checked.length > 0) multi.sadd(key, ...checked);
    await multi.exec();
  }

  async checklist(incidentId: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.incidentChecklist(incidentId))).sort();
  }

  private async getMany(ids: string[]): Promise<Incident[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.get(this.keys.incident(id)).hgetall(this.keys.incidentPublication(id));
    const results = (await pipeline.exec()) ?? [];
    const incidents: Incident[] = [];
    for (let i = 0; i < results.length; i += 2) {
      const raw = results[i]?.[1] as string | null;
      const publication = (results[i + 1]?.[1] ?? {}) as Record<string, string>;
      if (raw) incidents.push(this.assemble(raw, publication));
    }
    return incidents;
  }

  /** The incident document plus its publication hash (channel binding and chat progress). */
  private assemble(raw: string, publication: Record<string, string>): Incident {
    const { channelId, channelName, ...progress } = publication;
    const incident = incidentSchema.parse(JSON.parse(raw));
    if (channelId) incident.channelId = channelId;
    if (channelName) incident.channelName = channelName;
    incident.publication = publicationSchema.parse(Object.fromEntries(Object.entries(progress).map(([k, v]) => [k, JSON.parse(v)])));
    return incident;
  }

  private async write(incident: Incident, multi: ReturnType<Redis['multi']>): Promise<void> {
    // Channel binding and publication progress live in their own hash; never overwrite them from here.
    const { channelId: _channelId, publication: _publication, ...document } = incident;
    multi.set(this.keys.incident(incident.id), JSON.stringify(document));
    if (incident.status === 'open') {
      multi.zadd(this.keys.incidentsOpen(), Date.parse(incident.createdAt), incident.id);
      if (incident.service) multi.hset(this.keys.incidentOpenForService(), incident.service, incident.id);
    } else {
      multi.zrem(this.keys.incidentsOpen(), incident.id);
      if (incident.service) {
        // Only clear the service's pointer if it still points at this incident.
        multi.eval(
          "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
          1,
          this.keys.incidentOpenForService(),
          incident.service,
          incident.id,
        );
      }
    }
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}
