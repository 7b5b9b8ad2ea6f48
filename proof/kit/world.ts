import { Redis } from 'ioredis';
import type { Incident } from '../../src/domain/incidents/model';
import { redisKeys } from '../../src/lib/keys';
import { RedisIncidentStore } from '../../src/outbound/store/incident-store';
import { startBot, startRedis, waitFor, type BotProcess, type ProofRedis } from './processes';
import { startSlackRecorder, type Fault, type SlackRecorder } from './slack-recorder';

/**
 * One scenario's world: a redis-server, a recording Slack, bot processes on them, and a reader of the
 * bot's incident store. `killWhen` arms a crash: the first Slack call matching is held unanswered
 * (Slack never saw it) and the bot that made it is SIGKILLed, then a new one is started.
 */
export type Matcher = (method: string, body: Record<string, unknown>) => boolean;

export interface World {
  redis: ProofRedis;
  slack: SlackRecorder;
  bots: BotProcess[];
  /** The first bot's URL (the one requests go to). */
  url(): string;
  incidents: RedisIncidentStore;
  reader: Redis;
  prefix: string;
  kills: number;
  incidentTitled(title: string, ready?: (incident: Incident) => boolean, timeoutMs?: number): Promise<Incident>;
  /**
   * Arm a crash: the first Slack call matching each of `when` is held; once all are held (and `also`
   * happened), the bot is SIGKILLed and replaced; resolves once the replacement is ready.
   */
  killWhen(when: Matcher | Matcher[], also?: Promise<void>): Promise<void>;
  /** SIGKILL bot `index` and start another in its place. */
  crash(index?: number): Promise<void>;
  /** Faults other than crashes (outages, permanent errors). */
  faults: (method: string, body: Record<string, unknown>) => Fault;
  close(): Promise<void>;
}

export async function startWorld(options: { config: string; replicas?: number; groups?: Record<string, string[]> }): Promise<World> {
  const redis = await startRedis();
  const slack = await startSlackRecorder({ groups: options.groups });
  const prefix = 'proof';
  const launch = () => startBot({ config: options.config, prefix, redisUrl: redis.url, slackApiUrl: slack.apiUrl });
  const bots = await Promise.all(Array.from({ length: options.replicas ?? 1 }, launch));
  const reader = new Redis(redis.url, { maxRetriesPerRequest: null });
  let armed: Matcher[] = [];
  let tripped: (() => void) | undefined;
  const world: World = {
    redis,
    slack,
    bots,
    url: () => bots[0]!.url,
    incidents: new RedisIncidentStore(reader, redisKeys(prefix)),
    reader,
    prefix,
    kills: 0,
    faults: () => undefined,
    async incidentTitled(title, ready = () => true, timeoutMs = 60_000) {
      let found: Incident | undefined;
      await waitFor(`incident "${title}"`, async () => {
        found = (await world.incidents.list({ status: 'all', limit: 200 })).find((i) => i.title === title);
        return found !== undefined && ready(found);
      }, timeoutMs);
      return found!;
    },
    async crash(index = 0) {
      await bots[index]!.stop('SIGKILL');
      world.kills += 1;
      slack.dropHeld();
      bots[index] = await launch();
    },
    async killWhen(when, also = Promise.resolve()) {
      armed = Array.isArray(when) ? [...when] : [when];
      await new Promise<void>((done) => (tripped = done));
      await also;
      await world.crash();
    },
    async close() {
      await Promise.all(bots.map((bot) => bot.stop('SIGKILL')));
      await reader.quit();
      await slack.close();
      await redis.stop();
    },
  };
  slack.fault = (method, body) => {
    const match = armed.findIndex((matches) => matches(method, body));
    if (match >= 0) {
      armed.splice(match, 1);
      if (armed.length === 0) tripped?.();
      return 'hold';
    }
    return world.faults(method, body);
  };
  return world;
}
