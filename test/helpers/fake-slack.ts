import nock from 'nock';

export const SLACK_API_BASE = 'http://slack.test';
export const SLACK_API_URL = `${SLACK_API_BASE}/api/`;

export interface SlackCall {
  method: string;
  /** The request's fields; JSON-encoded ones (blocks, view…) are parsed. */
  body: Record<string, unknown>;
  /** When the fake received it (ms since the epoch). */
  at: number;
}

type Responder = (call: SlackCall) => Record<string, unknown> | undefined;

function parseBody(raw: unknown): Record<string, unknown> {
  if (raw && typeof raw === 'object') return raw as Record<string, unknown>;
  const text = typeof raw === 'string' ? raw : '';
  if (text.startsWith('{')) return JSON.parse(text) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return fields;
}

/**
 * Slack's Web API stood in by nock: answers every method plausibly, records what was sent,
 * and lets a test override any method's answer (errors, rate limits).
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: SlackCall[] = [];
  /** Bodies uploaded to files.getUploadURLExternal's upload_url, by file id. */
  readonly uploads = new Map<string, string>();
  private readonly overrides = new Map<string, Responder>();
  private channelSeq = 0;
  private tsSeq = 0;

  constructor() {
    nock(SLACK_API_BASE)
      .persist()
      .post(/\/api\/.+/)
      .reply((uri, requestBody) => {
        const method = uri.replace(/^\/api\//, '').split('?')[0] ?? '';
        const call = { method, body: parseBody(requestBody), at: Date.now() };
        this.calls.push(call);
        const override = this.overrides.get(method)?.(call);
        if (override && typeof override.status === 'number') {
          const { status, headers, ...body } = override;
          return [status, body, headers as Record<string, string>];
        }
        return [200, override ?? this.answer(call)];
      });
    nock(SLACK_API_BASE)
      .persist()
      .post(/\/upload\/.+/)
      .reply((uri, requestBody) => {
        this.uploads.set(uri.split('/').pop() ?? '', typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody));
        return [200, 'OK - uploaded'];
      });
    nock(SLACK_API_BASE)
      .persist()
      .post(/\/(commands|actions)\/.+/)
      .reply((uri, requestBody) => {
        this.responses.push({ method: uri, body: parseBody(requestBody), at: Date.now() });
        return [200, 'ok'];
      });
  }

  /** Answer `method` with this instead (return undefined to fall back to the default). */
  on(method: string, responder: Responder): void {
    this.overrides.set(method, responder);
  }

  called(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Text of every chat.postMessage to `channel`, blocks included. */
  postsTo(channel: string): string[] {
    return this.called('chat.postMessage')
      .filter((c) => c.body.channel === channel)
      .map((c) => JSON.stringify(c.body));
  }

  private answer(call: SlackCall): Record<string, unknown> {
    const ts = () => `1800000000.${String(++this.tsSeq).padStart(6, '0')}`;
    switch (call.method) {
      case 'auth.test':
        return { ok: true, url: 'https://firebreak-test.slack.com/', team: 'Test', user: 'firebreak', team_id: 'T0TEST', user_id: 'U0BOT', bot_id: 'B0FIREBREAK' };
      case 'conversations.create':
        return { ok: true, channel: { id: `C0INC${++this.channelSeq}`, name: call.body.name } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D0${String(call.body.users ?? 'X')}` } };
      case 'chat.postMessage':
        return { ok: true, channel: call.body.channel, ts: ts(), message: { text: call.body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'chat.update':
        return { ok: true, channel: call.body.channel, ts: call.body.ts };
      case 'views.open':
        return { ok: true, view: { id: 'V0MODAL' } };
      case 'files.getUploadURLExternal': {
        const fileId = `F0FILE${++this.tsSeq}`;
        return { ok: true, file_id: fileId, upload_url: `${SLACK_API_BASE}/upload/${fileId}` };
      }
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      default:
        return { ok: true };
    }
  }
}
