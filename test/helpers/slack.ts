import { createHmac, randomUUID } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';
export const TEAM = { id: 'T0TEST', domain: 'firebreak-test' };

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': String(timestamp) };
}

export interface SlackPostOptions {
  timestamp?: number;
  secret?: string;
  retryNum?: number;
}

/** POST a body to /slack/events signed as Slack signs it. */
export async function postSigned(baseUrl: string, body: string, contentType: string, options: SlackPostOptions = {}) {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    ...sign(body, options.timestamp, options.secret),
  };
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = 'http_timeout';
  }
  const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** A slash command as Slack sends it: form-encoded. */
export function slashCommand(overrides: { text: string; user_id?: string; channel_id?: string; trigger_id?: string; response_url?: string }) {
  const fields = {
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0REPORTER',
    user_name: 'reporter',
    command: '/incident',
    api_app_id: 'A0FIREBREAK',
    is_enterprise_install: 'false',
    response_url: `http://slack.test/commands/${randomUUID()}`,
    trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e9)}.trigger`,
    ...overrides,
  };
  return new URLSearchParams(fields).toString();
}

/** `values` for view.state: { block_id: { value: {type, value | selected_option | selected_user} } } */
export type ViewValues = Record<string, Record<string, Record<string, unknown>>>;

export const textValue = (value: string) => ({ value: { type: 'plain_text_input', value } });
export const selectValue = (value: string) => ({ value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } } });
export const userValue = (user: string | null) => ({ value: { type: 'users_select', selected_user: user } });

/** A view_submission interaction payload, form-encoded as `payload=<json>`. */
export function viewSubmission(options: { callbackId: string; values: ViewValues; privateMetadata?: string; userId?: string; viewId?: string }) {
  const payload = {
    type: 'view_submission',
    team: TEAM,
    user: { id: options.userId ?? 'U0REPORTER', username: 'reporter', name: 'reporter', team_id: TEAM.id },
    api_app_id: 'A0FIREBREAK',
    token: 'legacy-verification-token',
    trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e9)}.trigger`,
    view: {
      id: options.viewId ?? `V${randomUUID().slice(0, 10).toUpperCase().replace(/-/g, '')}`,
      team_id: TEAM.id,
      type: 'modal',
      blocks: [],
      private_metadata: options.privateMetadata ?? '',
      callback_id: options.callbackId,
      state: { values: options.values },
      hash: `${Date.now()}.abc`,
      title: { type: 'plain_text', text: 'Modal' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: null,
      app_id: 'A0FIREBREAK',
      external_id: '',
      app_installed_team_id: TEAM.id,
      bot_id: 'B0FIREBREAK',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A block_actions payload for one action on a message in `channelId`. */
export function blockAction(options: { action: Record<string, unknown>; channelId: string; userId?: string; messageTs?: string; triggerId?: string }) {
  const messageTs = options.messageTs ?? '1700000000.000100';
  const payload = {
    type: 'block_actions',
    user: { id: options.userId ?? 'U0REPORTER', username: 'reporter', name: 'reporter', team_id: TEAM.id },
    api_app_id: 'A0FIREBREAK',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: options.channelId, is_ephemeral: false },
    trigger_id: options.triggerId ?? `${Date.now()}.${Math.floor(Math.random() * 1e9)}.trigger`,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channelId, name: 'incident' },
    message: { type: 'message', ts: messageTs, bot_id: 'B0FIREBREAK', text: 'message', blocks: [] },
    state: { values: {} },
    response_url: `http://slack.test/actions/${randomUUID()}`,
    actions: [{ action_ts: `${Date.now() / 1000}`, ...options.action }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export const FORM = 'application/x-www-form-urlencoded';
