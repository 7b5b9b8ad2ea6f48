import type { RedisClient } from '../../lib/redis-connection';
import { incidentSchema, publicationSchema, type Incident, type Publication, type TimelineEntry } from '../../domain/incidents/model';
import type { IncidentDraft, IncidentRepository } from '../../domain/incidents/ports';
import type { RedisKeys } from '../../lib/keys';
import { CLAIM_INCIDENT, INDEX_INCIDENT, TRANSITION_INCIDENT, WRITE_INCIDENT } from './incident-scripts';
import { spread } from './spread';

const REQUEST_KEY_TTL_SECONDS = 7 * 24 * 3600;
/** What a request key holds: the incident it opened and what it was opened with (CLAIM_INCIDENT). */
interface Claim {
  id: string;
  document: string;
  opened: string;
}

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
    const claim = await this.redis.get(this.keys.incidentRequest(requestKey));
    return claim ? this.get((JSON.parse(claim) as Claim).id) : undefined;
  }

  async openOnce(draft: IncidentDraft, requestKey: string, channelNames: string[], opened: TimelineEntry): Promise<{ incident: Incident; created: boolean }> {
    if (channelNames.length === 0) throw new Error('openOnce needs at least one candidate channel name');
    // The claim gives the document its id, number and channel name.
    const { publication: _p, channelId: _c, id: _i, number: _n, channelName: _name, ...document } = draft as IncidentDraft & Partial<Incident>;
    return this.settle(requestKey, ['open', JSON.stringify(document), JSON.stringify(opened), '', ...channelNames]);
  }

  async transition(next: Incident, expectedRevision: number, entry: TimelineEntry): Promise<'stored' | 'conflict' | 'missing'> {
    const result = (await this.redis.eval(
      TRANSITION_INCIDENT,
      2,
      ...[this.keys.incident(next.id), this.keys.incidentTimeline(next.id)],
      expectedRevision,
      JSON.stringify(this.document(next)),
      JSON.stringify(entry),
    )) as number;
    if (result === 1) await this.index(next);
    return result === 1 ? 'stored' : result === 0 ? 'conflict' : 'missing';
  }

  /** Store a fully formed incident (tests, benches, imports) unless `requestKey` already holds one; exactly once. */
  async createOnce(incident: Incident, requestKey: string): Promise<{ incident: Incident; created: boolean }> {
    return this.settle(requestKey, ['insert', JSON.stringify(this.document(incident)), '', incident.id]);
  }

  /**
   * Claim the request key (or find its claim; a loser spends no number or name), then make sure the claimed document, its "opened"
   * entry and its indexes are stored: every caller with the key does the same idempotent steps, so
   * one that crashed between them is completed by the next.
   */
  private async settle(requestKey: string, args: string[]): Promise<{ incident: Incident; created: boolean }> {
    const keys = [this.keys.incidentRequest(requestKey), this.keys.incidentSequence(), this.keys.channelNames()];
    const [, raw] = (await this.redis.eval(CLAIM_INCIDENT, 3, ...keys, REQUEST_KEY_TTL_SECONDS, ...args)) as [number, string];
    const claim = JSON.parse(raw) as Claim;
    // Exactly one caller writes the document: that one created the incident.
    const created = await this.redis.eval(WRITE_INCIDENT, 2, this.keys.incident(claim.id), this.keys.incidentTimeline(claim.id), claim.document, claim.opened);
    const incident = await this.get(claim.id);
    if (!incident) throw new Error(`incident ${claim.id} holds request ${requestKey} but has no document`);
    await this.index(incident);
    return { incident, created: created === 1 };
  }

  /** Bring the indexes up to this revision of the incident (a no-op when they are there or past it). */
  private async index(incident: Incident): Promise<void> {
    const keys = [this.keys.incidentIndexed(), this.keys.incidentsAll(), this.keys.incidentsOpen(), this.keys.incidentOpenForService()];
    await this.redis.eval(INDEX_INCIDENT, 4, ...keys, incident.id, incident.revision, Date.parse(incident.createdAt), incident.status, incident.service ?? '');
  }

  async get(id: string): Promise<Incident | undefined> {
    const [raw, publication] = await Promise.all([this.redis.get(this.keys.incident(id)), this.redis.hgetall(this.keys.incidentPublication(id))]);
    return raw ? this.assemble(raw, publication) : undefined;
  }

  async bindChannel(incidentId: string, channelId: string, channelName: string): Promise<void> {
    // Two slots (the incident's and the index's): the incident first, so the channel never points at an unbound incident.
    await this.redis.hset(this.keys.incidentPublication(incidentId), 'channelId', channelId, 'channelName', channelName);
    await this.redis.hset(this.keys.incidentByChannel(), channelId, incidentId);
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
    const incident = id ? await this.get(id) : undefined;
    // The index follows the document a moment later: trust the document, and bring the index up to
    // it (a replica that stopped between the two steps left it behind).
    if (incident?.status === 'open' && incident.service === service) return incident;
    if (incident) await this.index(incident);
    return undefined;
  }

  async list({ status = 'open', limit = 20 }: { status?: 'open' | 'resolved' | 'all'; limit?: number }): Promise<Incident[]> {
    const index = status === 'open' ? this.keys.incidentsOpen() : this.keys.incidentsAll();
    const found: Incident[] = [];
    const behind: Incident[] = [];
    // Newest first; for "resolved" skip open ones until the page is full.
    for (let offset = 0; found.length < limit; offset += limit) {
      const ids = await this.redis.zrevrange(index, offset, offset + limit - 1);
      if (ids.length === 0) break;
      const incidents = await this.getMany(ids);
      found.push(...incidents.filter((i) => status === 'all' || i.status === status));
      if (status === 'open') behind.push(...incidents.filter((i) => i.status !== 'open'));
    }
    // Open-index entries whose document moved on: the index step their change left undone.
    for (const incident of behind) await this.index(incident);
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
    const results = await spread(this.redis, (batch) => {
      for (const id of ids) batch.get(this.keys.incident(id)).hgetall(this.keys.incidentPublication(id));
    });
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
