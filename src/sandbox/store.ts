import { EventEmitter } from 'node:events';
import type { RedisClient } from '../lib/redis-connection';
import type { RedisKeys } from '../lib/keys';

export interface SandboxChannel {
  id: string;
  name: string;
  topic: string;
  /** A DM with the bot: the person it is with. */
  dmWith?: string;
  members: string[];
}

export interface SandboxMessage {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  replyCount?: number;
  /** Shown only to this person (chat.postEphemeral, ephemeral responses). */
  ephemeralFor?: string;
  edited?: boolean;
  files?: { id: string; name: string; title: string }[];
  /** A thread reply also shown in the channel (reply_broadcast). */
  broadcast?: boolean;
}

export interface SandboxView {
  id: string;
  user: string;
  view: Record<string, unknown>;
  errors?: Record<string, string>;
}

/** What a change touched, so open pages refresh only when it concerns them. */
export interface SandboxChange {
  kind: 'channel' | 'message' | 'view' | 'deployer';
  channel?: string;
  user?: string;
}

/**
 * The embedded workspace's state, in Redis under the bot's prefix (it survives a restart).
 * Single writer per key (a message is replaced whole), so no read-modify-write races matter here
 * beyond reply counts, which use HINCRBY-style counters kept beside the message.
 */
export class SandboxStore {
  readonly changes = new EventEmitter();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.changes.setMaxListeners(100);
  }

  private k(...parts: string[]): string {
    return this.keys.sandbox(...parts);
  }

  changed(change: SandboxChange): void {
    this.changes.emit('change', change);
  }

  async nextId(prefix: string): Promise<string> {
    const n = await this.redis.incr(this.k('seq'));
    return `${prefix}${String(n).padStart(7, '0')}`;
  }

  async nextTs(): Promise<string> {
    const n = await this.redis.incr(this.k('seq'));
    return `${Math.floor(Date.now() / 1000)}.${String(n % 1_000_000).padStart(6, '0')}`;
  }

  // channels
  async channel(id: string): Promise<SandboxChannel | undefined> {
    const raw = await this.redis.hget(this.k('channels'), id);
    return raw ? (JSON.parse(raw) as SandboxChannel) : undefined;
  }

  async channelIdByName(name: string): Promise<string | undefined> {
    return (await this.redis.hget(this.k('channel-names'), name.replace(/^#/, ''))) ?? undefined;
  }

  /** A channel id, a `#name` or a bare name → the channel. */
  async resolveChannel(ref: string): Promise<SandboxChannel | undefined> {
    const byId = await this.channel(ref);
    if (byId) return byId;
    const id = await this.channelIdByName(ref);
    return id ? this.channel(id) : undefined;
  }

  async channels(): Promise<SandboxChannel[]> {
    const all = await this.redis.hvals(this.k('channels'));
    return all.map((raw) => JSON.parse(raw) as SandboxChannel);
  }

  /** Creates the channel unless the name is taken; returns undefined when it is. */
  async createChannel(input: Omit<SandboxChannel, 'id'> & { id?: string }): Promise<SandboxChannel | undefined> {
    const id = input.id ?? (await this.nextId('C'));
    const claimed = await this.redis.hsetnx(this.k('channel-names'), input.name, id);
    if (!claimed) return undefined;
    const channel: SandboxChannel = { ...input, id };
    await this.saveChannel(channel);
    return channel;
  }

  async saveChannel(channel: SandboxChannel): Promise<void> {
    await this.redis.hset(this.k('channels'), channel.id, JSON.stringify(channel));
    this.changed({ kind: 'channel', channel: channel.id });
  }

  // messages
  async message(channel: string, ts: string): Promise<SandboxMessage | undefined> {
    const raw = await this.redis.get(this.k('message', channel, ts));
    return raw ? (JSON.parse(raw) as SandboxMessage) : undefined;
  }

  async post(input: Omit<SandboxMessage, 'ts'>): Promise<SandboxMessage> {
    const message: SandboxMessage = { ...input, ts: await this.nextTs() };
    await this.redis.set(this.k('message', message.channel, message.ts), JSON.stringify(message));
    if (message.threadTs) {
      await this.redis.rpush(this.k('replies', message.channel, message.threadTs), message.ts);
      await this.redis.hincrby(this.k('reply-counts', message.channel), message.threadTs, 1);
      if (message.broadcast) await this.redis.rpush(this.k('timeline', message.channel), message.ts);
    } else {
      await this.redis.rpush(this.k('timeline', message.channel), message.ts);
    }
    this.changed({ kind: 'message', channel: message.channel });
    return message;
  }

  async replace(message: SandboxMessage): Promise<void> {
    await this.redis.set(this.k('message', message.channel, message.ts), JSON.stringify(message));
    this.changed({ kind: 'message', channel: message.channel });
  }

  private async load(channel: string, tss: string[]): Promise<SandboxMessage[]> {
    if (tss.length === 0) return [];
    const raws = await this.redis.mget(tss.map((ts) => this.k('message', channel, ts)));
    const counts = await this.redis.hgetall(this.k('reply-counts', channel));
    return raws.flatMap((raw) => {
      if (!raw) return [];
      const message = JSON.parse(raw) as SandboxMessage;
      const replies = Number(counts[message.ts] ?? 0);
      return [replies > 0 ? { ...message, replyCount: replies } : message];
    });
  }

  async history(channel: string, limit = 200): Promise<SandboxMessage[]> {
    return this.load(channel, await this.redis.lrange(this.k('timeline', channel), -limit, -1));
  }

  async replies(channel: string, threadTs: string): Promise<SandboxMessage[]> {
    return this.load(channel, await this.redis.lrange(this.k('replies', channel, threadTs), 0, -1));
  }

  async pin(channel: string, ts: string): Promise<boolean> {
    const added = await this.redis.sadd(this.k('pins', channel), ts);
    this.changed({ kind: 'message', channel });
    return added === 1;
  }

  async pins(channel: string): Promise<string[]> {
    return this.redis.smembers(this.k('pins', channel));
  }

  // views (modals), one stack per person
  async pushView(user: string, view: Record<string, unknown>, replaceStack = false): Promise<SandboxView> {
    const id = await this.nextId('V');
    const stored: SandboxView = { id, user, view: { ...view, id } };
    await this.redis.set(this.k('view', id), JSON.stringify(stored), 'EX', 86_400);
    if (replaceStack) await this.redis.del(this.k('views', user));
    await this.redis.rpush(this.k('views', user), id);
    this.changed({ kind: 'view', user });
    return stored;
  }

  async view(id: string): Promise<SandboxView | undefined> {
    const raw = await this.redis.get(this.k('view', id));
    return raw ? (JSON.parse(raw) as SandboxView) : undefined;
  }

  async saveView(view: SandboxView): Promise<void> {
    await this.redis.set(this.k('view', view.id), JSON.stringify(view), 'EX', 86_400);
    this.changed({ kind: 'view', user: view.user });
  }

  async views(user: string): Promise<SandboxView[]> {
    const ids = await this.redis.lrange(this.k('views', user), 0, -1);
    const views = await Promise.all(ids.map((id) => this.view(id)));
    return views.filter((v): v is SandboxView => v !== undefined);
  }

  async closeView(user: string, id: string, all = false): Promise<void> {
    if (all) await this.redis.del(this.k('views', user));
    else await this.redis.lrem(this.k('views', user), 0, id);
    this.changed({ kind: 'view', user });
  }

  // short-lived tokens: trigger ids (→ person) and response URLs (→ where the answer goes)
  async remember(kind: 'trigger' | 'response', id: string, value: unknown): Promise<void> {
    await this.redis.set(this.k(kind, id), JSON.stringify(value), 'EX', 1800);
  }

  async recall<T>(kind: 'trigger' | 'response', id: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.k(kind, id));
    return raw ? (JSON.parse(raw) as T) : undefined;
  }

  // files and the demo deployer's log
  async saveFile(id: string, file: { name: string; title: string; content?: string }): Promise<void> {
    const existing = await this.file(id);
    await this.redis.set(this.k('file', id), JSON.stringify({ ...existing, ...file }));
  }

  async file(id: string): Promise<{ name: string; title: string; content?: string } | undefined> {
    const raw = await this.redis.get(this.k('file', id));
    return raw ? (JSON.parse(raw) as { name: string; title: string; content?: string }) : undefined;
  }

  async logDeployerCall(entry: Record<string, unknown>): Promise<void> {
    await this.redis.lpush(this.k('deployer'), JSON.stringify(entry));
    await this.redis.ltrim(this.k('deployer'), 0, 49);
    this.changed({ kind: 'deployer' });
  }

  async deployerCalls(): Promise<Record<string, unknown>[]> {
    return (await this.redis.lrange(this.k('deployer'), 0, 19)).map((raw) => JSON.parse(raw) as Record<string, unknown>);
  }
}
