import express, { type Request, type Router } from 'express';
import { SANDBOX_BOT, SANDBOX_GROUPS, SANDBOX_TEAM, SANDBOX_USERS } from './demo';
import type { SandboxChannel, SandboxStore } from './store';

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;
type Method = (args: Args) => Promise<Answer>;

/** Fields the Web API client sends JSON-encoded inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

export class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function parseArgs(body: unknown): Args {
  const args: Args = {};
  if (!body || typeof body !== 'object') return args;
  for (const [key, value] of Object.entries(body as Args)) {
    args[key] = typeof value === 'string' && JSON_FIELDS.has(key) && /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return args;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const need = (args: Args, field: string): string => {
  const value = str(args[field]);
  if (!value) throw new SlackApiError(`missing_${field}`);
  return value;
};

function userObject(id: string) {
  const user = SANDBOX_USERS.find((u) => u.id === id);
  if (!user) throw new SlackApiError('user_not_found');
  return { id, team_id: SANDBOX_TEAM.id, name: user.name, real_name: user.realName, is_bot: user.isBot === true, profile: { real_name: user.realName, display_name: user.name, title: user.title } };
}

function channelObject(channel: SandboxChannel) {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.dmWith,
    is_im: channel.dmWith !== undefined,
    ...(channel.dmWith ? { user: channel.dmWith } : {}),
    topic: { value: channel.topic },
    num_members: channel.members.length,
  };
}

/** The DM between the bot and a person, created on first use. */
export async function directMessageChannel(store: SandboxStore, userId: string): Promise<SandboxChannel> {
  userObject(userId);
  const id = `D${userId.slice(1)}`;
  return (await store.channel(id)) ?? (await store.createChannel({ id, name: `dm-${userId.toLowerCase()}`, topic: '', dmWith: userId, members: [userId, SANDBOX_BOT.userId] })) ?? (await store.channel(id))!;
}

async function targetChannel(store: SandboxStore, ref: string): Promise<SandboxChannel> {
  if (/^[UW][A-Z0-9]+$/.test(ref)) return directMessageChannel(store, ref);
  const channel = await store.resolveChannel(ref);
  if (!channel) throw new SlackApiError('channel_not_found');
  return channel;
}

function messageFields(args: Args) {
  const text = typeof args.text === 'string' ? args.text : '';
  const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
  if (args.blocks !== undefined && !blocks) throw new SlackApiError('invalid_blocks');
  if (!text && !blocks?.length) throw new SlackApiError('no_text');
  return { text, ...(blocks ? { blocks } : {}) };
}

/** The part of Slack's Web API Firebreak calls, answered from the sandbox's Redis state. */
export function slackApiMethods(store: SandboxStore, baseUrl: () => string): Record<string, Method> {
  const viewFor = async (args: Args) => {
    const id = str(args.view_id) ?? str(args.external_id);
    const found = id ? await store.view(id) : undefined;
    if (!found) throw new SlackApiError('not_found');
    return found;
  };
  const triggerUser = async (args: Args) => {
    const trigger = await store.recall<{ user: string }>('trigger', need(args, 'trigger_id'));
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    return trigger.user;
  };
  const viewArg = (args: Args) => {
    if (!args.view || typeof args.view !== 'object') throw new SlackApiError('invalid_arguments');
    return args.view as Record<string, unknown>;
  };

  return {
    'auth.test': async () => ({ url: `${baseUrl()}/sandbox`, team: SANDBOX_TEAM.name, user: 'firebreak', team_id: SANDBOX_TEAM.id, user_id: SANDBOX_BOT.userId, bot_id: SANDBOX_BOT.botId }),
    'chat.postMessage': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const threadTs = str(args.thread_ts);
      if (threadTs && !(await store.message(channel.id, threadTs))) throw new SlackApiError('thread_not_found');
      const broadcast = threadTs !== undefined && (args.reply_broadcast === true || args.reply_broadcast === 'true');
      const message = await store.post({ channel: channel.id, user: SANDBOX_BOT.userId, ...messageFields(args), ...(threadTs ? { threadTs } : {}), ...(broadcast ? { broadcast } : {}) });
      return { channel: channel.id, ts: message.ts, message: { text: message.text, ts: message.ts, user: message.user } };
    },
    'chat.postEphemeral': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const user = need(args, 'user');
      userObject(user);
      const threadTs = str(args.thread_ts);
      const message = await store.post({ channel: channel.id, user: SANDBOX_BOT.userId, ephemeralFor: user, ...messageFields(args), ...(threadTs ? { threadTs } : {}) });
      return { message_ts: message.ts };
    },
    'chat.update': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const existing = await store.message(channel.id, need(args, 'ts'));
      if (!existing) throw new SlackApiError('message_not_found');
      if (existing.user !== SANDBOX_BOT.userId) throw new SlackApiError('cant_update_message');
      const fields = messageFields(args);
      await store.replace({ ...existing, text: fields.text, blocks: fields.blocks, edited: true });
      return { channel: channel.id, ts: existing.ts, text: fields.text };
    },
    'chat.getPermalink': async (args) => ({ permalink: `${baseUrl()}/sandbox#${need(args, 'channel')}/${need(args, 'message_ts')}` }),
    'conversations.create': async (args) => {
      const name = need(args, 'name');
      if (!/^[a-z0-9][a-z0-9_-]{0,79}$/.test(name)) throw new SlackApiError('invalid_name_specials');
      const channel = await store.createChannel({ name, topic: '', members: [SANDBOX_BOT.userId] });
      if (!channel) throw new SlackApiError('name_taken');
      return { channel: channelObject(channel) };
    },
    'conversations.invite': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const users = need(args, 'users').split(',').map((u) => u.trim()).filter(Boolean);
      users.forEach(userObject);
      const fresh = users.filter((u) => !channel.members.includes(u));
      if (fresh.length === 0) throw new SlackApiError('already_in_channel');
      channel.members.push(...fresh);
      await store.saveChannel(channel);
      return { channel: channelObject(channel) };
    },
    'conversations.join': async (args) => ({ channel: channelObject(await targetChannel(store, need(args, 'channel'))) }),
    'conversations.open': async (args) => {
      const users = need(args, 'users').split(',').filter((u) => u !== SANDBOX_BOT.userId);
      if (users.length !== 1) throw new SlackApiError('not_supported');
      return { channel: channelObject(await directMessageChannel(store, users[0]!)) };
    },
    'conversations.setTopic': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      channel.topic = String(args.topic ?? '').slice(0, 250);
      await store.saveChannel(channel);
      return { channel: channelObject(channel) };
    },
    'conversations.info': async (args) => ({ channel: channelObject(await targetChannel(store, need(args, 'channel'))) }),
    'conversations.members': async (args) => ({ members: (await targetChannel(store, need(args, 'channel'))).members }),
    'conversations.list': async () => ({ channels: (await store.channels()).filter((c) => !c.dmWith).map(channelObject) }),
    'conversations.history': async (args) => ({ messages: (await store.history((await targetChannel(store, need(args, 'channel'))).id)).reverse() }),
    'conversations.replies': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const ts = need(args, 'ts');
      const parent = await store.message(channel.id, ts);
      if (!parent) throw new SlackApiError('thread_not_found');
      return { messages: [parent, ...(await store.replies(channel.id, ts))] };
    },
    'pins.add': async (args) => {
      const channel = await targetChannel(store, need(args, 'channel'));
      const ts = need(args, 'timestamp');
      if (!(await store.message(channel.id, ts))) throw new SlackApiError('message_not_found');
      if (!(await store.pin(channel.id, ts))) throw new SlackApiError('already_pinned');
      return {};
    },
    'pins.list': async (args) => ({ items: (await store.pins((await targetChannel(store, need(args, 'channel'))).id)).map((ts) => ({ type: 'message', message: { ts } })) }),
    'usergroups.users.list': async (args) => {
      const members = SANDBOX_GROUPS[need(args, 'usergroup')];
      if (!members) throw new SlackApiError('no_such_subteam');
      return { users: members };
    },
    'users.info': async (args) => ({ user: userObject(need(args, 'user')) }),
    'users.list': async () => ({ members: SANDBOX_USERS.map((u) => userObject(u.id)) }),
    'views.open': async (args) => ({ view: (await store.pushView(await triggerUser(args), viewArg(args), true)).view }),
    'views.push': async (args) => ({ view: (await store.pushView(await triggerUser(args), viewArg(args))).view }),
    'views.update': async (args) => {
      const existing = await viewFor(args);
      const updated = { id: existing.id, user: existing.user, view: { ...viewArg(args), id: existing.id } };
      await store.saveView(updated);
      return { view: updated.view };
    },
    'files.getUploadURLExternal': async (args) => {
      const id = await store.nextId('F');
      await store.saveFile(id, { name: need(args, 'filename'), title: need(args, 'filename') });
      return { file_id: id, upload_url: `${baseUrl()}/sandbox/upload/${id}` };
    },
    'files.completeUploadExternal': async (args) => {
      const files = Array.isArray(args.files) ? (args.files as { id: string; title?: string }[]) : [];
      if (files.length === 0) throw new SlackApiError('invalid_arguments');
      const shown: { id: string; name: string; title: string }[] = [];
      for (const f of files) {
        const stored = await store.file(f.id);
        if (!stored) throw new SlackApiError('file_not_found');
        await store.saveFile(f.id, { name: stored.name, title: f.title ?? stored.title });
        shown.push({ id: f.id, name: stored.name, title: f.title ?? stored.title });
      }
      const channelRef = str(args.channel_id);
      if (channelRef) {
        const channel = await targetChannel(store, channelRef);
        const threadTs = str(args.thread_ts);
        await store.post({ channel: channel.id, user: SANDBOX_BOT.userId, text: typeof args.initial_comment === 'string' ? args.initial_comment : '', files: shown, ...(threadTs ? { threadTs } : {}) });
      }
      return { files: shown };
    },
  };
}

/** POST /sandbox/api/<method>: bearer token checked, form or JSON arguments, Slack's `{ok, error}` answers. */
export function slackApiRouter(store: SandboxStore, token: string, baseUrl: () => string): Router {
  const router = express.Router();
  const methods = slackApiMethods(store, baseUrl);
  router.post('/:method', express.urlencoded({ extended: false, limit: '2mb' }), express.json({ limit: '2mb' }), async (req: Request, res) => {
    const args = parseArgs(req.body);
    const bearer = req.get('authorization')?.replace(/^Bearer\s+/i, '') ?? str(args.token);
    if (bearer !== token) {
      res.json({ ok: false, error: bearer ? 'invalid_auth' : 'not_authed' });
      return;
    }
    const method = methods[String(req.params.method)];
    if (!method) {
      res.json({ ok: false, error: 'unknown_method' });
      return;
    }
    try {
      res.json({ ok: true, ...(await method(args)) });
    } catch (error) {
      if (error instanceof SlackApiError) res.json({ ok: false, error: error.code });
      else throw error;
    }
  });
  return router;
}
