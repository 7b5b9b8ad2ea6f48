import { createHmac, randomBytes } from 'node:crypto';
import { SANDBOX_BOT, SANDBOX_TEAM, SANDBOX_USERS } from './demo';
import type { SandboxMessage, SandboxStore, SandboxView } from './store';

export interface DeliveryReply {
  status: number;
  json: Record<string, unknown> | undefined;
}

/** Where a response_url's answers go. */
export interface ResponseTarget {
  channel: string;
  user: string;
  messageTs?: string;
  threadTs?: string;
}

type Values = Record<string, string | string[] | null | undefined>;
type Element = { type?: string; action_id?: string; options?: { value: string }[]; max_length?: number; min_length?: number };
type InputBlock = { type?: string; block_id?: string; optional?: boolean; element?: Element };

const person = (id: string) => {
  const user = SANDBOX_USERS.find((u) => u.id === id);
  return { id, username: user?.name ?? id, name: user?.name ?? id, team_id: SANDBOX_TEAM.id };
};

/**
 * Slack's side of the conversation with the bot: slash commands and interactions signed with the
 * signing secret and POSTed to /slack/events, form-encoded, exactly as Slack delivers them.
 */
export class SlackDelivery {
  constructor(
    private readonly store: SandboxStore,
    private readonly signingSecret: string,
    private readonly baseUrl: () => string,
  ) {}

  private async post(body: string): Promise<DeliveryReply> {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', this.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const response = await fetch(`${this.baseUrl()}/slack/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': String(timestamp) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  }

  private async trigger(user: string): Promise<string> {
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}.sandbox`;
    await this.store.remember('trigger', id, { user });
    return id;
  }

  private async responseUrl(target: ResponseTarget): Promise<string> {
    const token = randomBytes(12).toString('hex');
    await this.store.remember('response', token, target);
    return `${this.baseUrl()}/sandbox/respond/${token}`;
  }

  private async tell(channel: string, user: string, text: string): Promise<void> {
    await this.store.post({ channel, user: SANDBOX_BOT.userId, ephemeralFor: user, text });
  }

  /** `/incident …` typed in a channel: the command's synchronous answer shows as an ephemeral message. */
  async command(input: { user: string; channel: string; line: string }): Promise<void> {
    const [command = '', ...rest] = input.line.trim().split(/\s+/);
    if (command !== '/incident') {
      await this.tell(input.channel, input.user, `\`${command}\` is not a valid command. In this sandbox, try \`/incident help\`.`);
      return;
    }
    const channel = await this.store.channel(input.channel);
    const fields = {
      token: 'sandbox-verification-token',
      team_id: SANDBOX_TEAM.id,
      team_domain: SANDBOX_TEAM.domain,
      channel_id: input.channel,
      channel_name: channel?.dmWith ? 'directmessage' : (channel?.name ?? 'unknown'),
      user_id: input.user,
      user_name: person(input.user).name,
      command,
      text: rest.join(' '),
      api_app_id: SANDBOX_BOT.appId,
      is_enterprise_install: 'false',
      response_url: await this.responseUrl({ channel: input.channel, user: input.user }),
      trigger_id: await this.trigger(input.user),
    };
    const reply = await this.post(new URLSearchParams(fields).toString());
    if (reply.status !== 200) {
      await this.tell(input.channel, input.user, `/incident failed with the error "dispatch_failed" (HTTP ${reply.status})`);
      return;
    }
    if (reply.json) await this.respond({ channel: input.channel, user: input.user }, reply.json);
  }

  /** A button, checkbox or select in a message: block_actions, as Slack sends it. */
  async action(input: { user: string; message: SandboxMessage; actionId: string; blockId: string; selected?: string[] }): Promise<void> {
    const { message } = input;
    const element = findElement(message.blocks ?? [], input.blockId, input.actionId);
    if (!element) throw new Error(`no element ${input.blockId}/${input.actionId} in that message`);
    const channel = await this.store.channel(message.channel);
    const type = String(element.type);
    const action: Record<string, unknown> = { type, action_id: input.actionId, block_id: input.blockId, action_ts: `${Date.now() / 1000}` };
    if (type === 'button') Object.assign(action, { value: element.value, text: element.text });
    if (type === 'checkboxes') action.selected_options = (element.options ?? []).filter((o) => input.selected?.includes(o.value));
    if (type === 'static_select' || type === 'overflow') action.selected_option = (element.options ?? []).find((o) => o.value === input.selected?.[0]);
    const payload = {
      type: 'block_actions',
      team: { id: SANDBOX_TEAM.id, domain: SANDBOX_TEAM.domain },
      user: person(input.user),
      api_app_id: SANDBOX_BOT.appId,
      token: 'sandbox-verification-token',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.ephemeralFor !== undefined },
      trigger_id: await this.trigger(input.user),
      channel: { id: message.channel, name: channel?.name ?? '' },
      ...(message.ephemeralFor ? {} : { message: { type: 'message', user: message.user, ts: message.ts, text: message.text, blocks: message.blocks, ...(message.threadTs ? { thread_ts: message.threadTs } : {}) } }),
      response_url: await this.responseUrl({ channel: message.channel, user: input.user, messageTs: message.ts, threadTs: message.threadTs }),
      actions: [action],
    };
    const reply = await this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    if (reply.status !== 200) await this.tell(message.channel, input.user, `Firebreak did not answer that click (HTTP ${reply.status}).`);
  }

  /**
   * **Submit** on a modal. Required fields are checked first, as Slack's client does; then the bot's
   * answer decides: nothing (close), `errors` (shown under their inputs), `update`, `push` or `clear`.
   */
  async submit(view: SandboxView, values: Values): Promise<Record<string, string> | undefined> {
    const blocks = (Array.isArray(view.view.blocks) ? view.view.blocks : []) as InputBlock[];
    const missing: Record<string, string> = {};
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of blocks) {
      if (block.type !== 'input' || !block.block_id || !block.element?.action_id) continue;
      const raw = values[block.block_id];
      const value = stateValue(block.element, raw);
      const empty = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);
      if (empty && block.optional !== true) missing[block.block_id] = 'Please complete this required field.';
      else if (typeof raw === 'string' && block.element.max_length && raw.length > block.element.max_length)
        missing[block.block_id] = `Must be ${block.element.max_length} characters or fewer.`;
      state[block.block_id] = { [block.element.action_id]: value };
    }
    if (Object.keys(missing).length > 0) return missing;
    const payload = {
      type: 'view_submission',
      team: { id: SANDBOX_TEAM.id, domain: SANDBOX_TEAM.domain },
      user: person(view.user),
      api_app_id: SANDBOX_BOT.appId,
      token: 'sandbox-verification-token',
      trigger_id: await this.trigger(view.user),
      view: { ...view.view, id: view.id, team_id: SANDBOX_TEAM.id, app_id: SANDBOX_BOT.appId, bot_id: SANDBOX_BOT.botId, state: { values: state }, hash: view.id },
      response_urls: [],
    };
    const reply = await this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    if (reply.status !== 200) return { _: `Firebreak did not accept the form (HTTP ${reply.status}).` };
    const action = reply.json?.response_action;
    if (action === 'errors') return (reply.json?.errors ?? {}) as Record<string, string>;
    if (action === 'update' && reply.json?.view) await this.store.saveView({ id: view.id, user: view.user, view: { ...(reply.json.view as object), id: view.id } });
    else if (action === 'push' && reply.json?.view) await this.store.pushView(view.user, reply.json.view as Record<string, unknown>);
    else await this.store.closeView(view.user, view.id, action === 'clear');
    return undefined;
  }

  /** What arrives at a response_url (or a command's synchronous answer). */
  async respond(target: ResponseTarget, body: Record<string, unknown>): Promise<void> {
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? (body.blocks as unknown[]) : undefined;
    if (body.delete_original === true || (body.replace_original === true && target.messageTs)) {
      const original = target.messageTs ? await this.store.message(target.channel, target.messageTs) : undefined;
      if (original && body.delete_original !== true) await this.store.replace({ ...original, text, blocks, edited: true });
      return;
    }
    if (!text && !blocks?.length) return;
    const inChannel = body.response_type === 'in_channel';
    await this.store.post({
      channel: target.channel,
      user: SANDBOX_BOT.userId,
      text,
      ...(blocks ? { blocks } : {}),
      ...(inChannel ? {} : { ephemeralFor: target.user }),
      ...(inChannel && target.threadTs ? { threadTs: target.threadTs } : {}),
    });
  }
}

type ActionElement = { type?: string; action_id?: string; value?: string; text?: unknown; options?: { value: string }[] };

function findElement(blocks: unknown[], blockId: string, actionId: string): ActionElement | undefined {
  for (const block of blocks as { block_id?: string; elements?: ActionElement[]; accessory?: ActionElement }[]) {
    if (block.block_id !== undefined && block.block_id !== blockId) continue;
    const candidates = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
    const found = candidates.find((e) => e.action_id === actionId);
    if (found) return found;
  }
  return undefined;
}

function stateValue(element: Element, raw: string | string[] | null | undefined): Record<string, unknown> {
  const type = element.type ?? 'plain_text_input';
  const one = Array.isArray(raw) ? raw[0] : raw;
  const option = (value: string | null | undefined) => (element.options ?? []).find((o) => o.value === value) ?? null;
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: option(one) };
    case 'checkboxes':
    case 'multi_static_select':
      return { type, selected_options: (element.options ?? []).filter((o) => (Array.isArray(raw) ? raw : []).includes(o.value)) };
    case 'users_select':
      return { type, selected_user: one || null };
    default:
      return { type, value: one ?? null };
  }
}
