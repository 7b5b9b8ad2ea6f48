import type { RedisClient } from '../../lib/redis-connection';
import { incidentSchema, publicationSchema, type Incident, type Publication, type TimelineEntry } from '../../domain/incidents/model';
import type { IncidentDraft, IncidentRepository } from '../../domain/incidents/ports';
import type { RedisKeys } from '../../lib/keys';
import { INSERT_INCIDENT, OPEN_INCIDENT, TRANSITION_INCIDENT } from './incident-scripts';

const REQUEST_KEY_TTL_SECONDS = 7 * 24 * 3600;
/** Stands for the incident id in key templates the Lua scripts fill in. */
const ID = '@ID@';

/** Incidents, their timelines and checklists in Redis. Survives restarts of the bot (and of Redis, with AOF). */
export class RedisIncidentStore implements IncidentRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Next incident number, for seeding a fully formed incident (`createOnce`); `openOnce` numbers its own. */
  async nextNumber(): Promise<number> {
    return this.redis.incr(this.keys.incidentSequence());
  }

  async findByRequestKey(requestKey: string): Promise<Incident | undefined> {
    const id = await this.redis.get(this.keys.seen('incident-request', requestKey));
    return id ? this.get(id) : undefined;
  }

  async openOnce(draft: IncidentDraft, requestKey: string, channelNames: string[], opened: TimelineEntry): Promise<{ incident: Incident; created: boolean }> {
    if (channelNames.length === 0) throw new Error('openOnce needs at least one candidate channel name');
    // The script gives the document its id, number and channel name.
    const { publication: _p, channelId: _c, id: _i, number: _n, channelName: _name, ...document } = draft as IncidentDraft & Partial<Incident>;
    const [created, id] = (await this.redis.eval(
      OPEN_INCIDENT,
      6,
      ...[this.keys.seen('incident-request', requestKey), this.keys.incidentSequence(), this.keys.channelNames()],
      ...[this.keys.incidentsAll(), this.keys.incidentsOpen(), this.keys.incidentOpenForService()],
      REQUEST_KEY_TTL_SECONDS,
      this.keys.incident(ID),
      this.keys.incidentTimeline(ID),
      JSON.stringify(document),
      Date.parse(draft.createdAt),
      draft.status,
      draft.service ?? '',
      JSON.stringify(opened),
      ...channelNames,
    )) as [number, string];
    const incident = await this.get(id);
    if (!incident) throw new Error(`incident ${id} holds request ${requestKey} but has no document`);
    return { incident, created: created === 1 };
  }

  async transition(next: Incident, expectedRevision: number, entry: TimelineEntry): Promise<'stored' | 'conflict' | 'missing'> {
    const result = (await this.redis.eval(
      TRANSITION_INCIDENT,
      4,
      ...[this.keys.incident(next.id), this.keys.incidentTimeline(next.id), this.keys.incidentsOpen(), this.keys.incidentOpenForService()],
      expectedRevision,
      JSON.stringify(this.document(next)),
      next.id,
      Date.parse(next.createdAt),
      next.status,
      next.service ?? '',
      JSON.stringify(entry),
    )) as number;
    return result === 1 ? 'stored' : result === 0 ? 'conflict' : 'missing';
  }

  /** Store a fully formed incident (tests, benches, imports) unless `requestKey` already holds one; atomic. */
  async createOnce(incident: Incident, requestKey: string): Promise<{ incident: Incident; created: boolean }> {
    const [created, id] = (await this.redis.eval(
      INSERT_INCIDENT,
      5,
      ...[this.keys.seen('incident-request', requestKey), this.keys.incident(incident.id), this.keys.incidentsAll()],
      ...[this.keys.incidentsOpen(), this.keys.incidentOpenForService()],
      REQUEST_KEY_TTL_SECONDS,
      JSON.stringify(this.document(incident)),
      incident.id,
      Date.parse(incident.createdAt),
      incident.status,
      incident.service ?? '',
    )) as [number, string];
    if (created === 1) return { incident, created: true };
    const existing = await this.get(id);
    if (!existing) throw new Error(`incident ${id} holds request ${requestKey} but has no document`);
    return { incident: existing, created: false };
  }

  async get(id: string): Promise<Incident | undefined> {
    const [raw, publication] = await Promise.all([this.redis.get(this.keys.incident(id)), this.redis.hgetall(this.keys.incidentPublication(id))]);
    return raw ? this.assemble(raw, publication) : undefined;
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

  /** The stored document: channel binding and publication progress live in their own hash, never written from here. */
  private document(incident: Incident): Omit<Incident, 'channelId' | 'publication'> {
    const { channelId: _channelId, publication: _publication, ...document } = incident;
    return document;
  }
}
