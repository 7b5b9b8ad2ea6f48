import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Slack's Web API on a real 127.0.0.1 port for bots in other processes: answers the methods the bot
 * calls the way Slack does (ids, ts, name_taken, message_not_found), can fail on demand, and keeps
 * what Slack would show: each message posted (and how often), its latest text after updates.
 */
export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** What the caller got: ok, a Slack error code, an HTTP status, or nothing (dropped). */
  outcome: 'ok' | 'http500' | 'http429' | 'dropped' | string;
}

export interface ShownMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown;
  postedAt: number;
}

/** A fault for one call: an HTTP 500, a 429 with Retry-After, a Slack error, or hold it unanswered. */
export type Fault = { http: 500 } | { http: 429; retryAfter: number } | { error: string } | 'hold' | undefined;

export interface SlackRecorder {
  apiUrl: string;
  calls: RecordedCall[];
  /** Messages as Slack shows them, in post order. */
  messages: ShownMessage[];
  topics: Map<string, string>;
  /** Decides a fault per call (undefined: answer normally). */
  fault: (method: string, body: Record<string, unknown>) => Fault;
  /** Calls currently held unanswered; `dropHeld` destroys their sockets (the caller died). */
  held: number;
  dropHeld(): void;
  /** Successful chat.postMessage calls whose channel, thread and text repeat an earlier one. */
  duplicates(): ShownMessage[];
  posts(filter?: (m: ShownMessage) => boolean): ShownMessage[];
  close(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function parse(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      fields[key] = value;
    }
  }
  return fields;
}

const messageKey = (m: ShownMessage) => `${m.channel}|${m.threadTs ?? ''}|${m.text}`;

export async function startSlackRecorder(options: { groups?: Record<string, string[]> } = {}): Promise<SlackRecorder> {
  const calls: RecordedCall[] = [];
  const messages: ShownMessage[] = [];
  const topics = new Map<string, string>();
  const channelsByName = new Map<string, string>();
  const held: ServerResponse[] = [];
  let seq = 0;
  let channelSeq = 0;

  const answer = (method: string, body: Record<string, unknown>, at: number): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'U0BOT', bot_id: 'B0FIREBREAK', team_id: 'T0TEST' };
      case 'conversations.create': {
        const name = String(body.name);
        if (channelsByName.has(name)) return { ok: false, error: 'name_taken' };
        const id = `C0INC${++channelSeq}`;
        channelsByName.set(name, id);
        return { ok: true, channel: { id, name } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D0${String(body.users)}` } };
      case 'conversations.setTopic':
        topics.set(String(body.channel), String(body.topic));
        return { ok: true, channel: { id: body.channel, topic: { value: body.topic } } };
      case 'usergroups.users.list':
        return { ok: true, users: options.groups?.[String(body.usergroup)] ?? [] };
      case 'chat.postMessage': {
        const ts = `1900000000.${String(++seq).padStart(6, '0')}`;
        const channel = String(body.channel);
        const threadTs = body.thread_ts ? String(body.thread_ts) : undefined;
        messages.push({ channel, ts, threadTs, text: String(body.text ?? ''), blocks: body.blocks, postedAt: at });
        return { ok: true, channel, ts, message: { ts, text: body.text } };
      }
      case 'chat.update': {
        const shown = messages.find((m) => m.channel === String(body.channel) && m.ts === String(body.ts));
        if (!shown) return { ok: false, error: 'message_not_found' };
        if (body.text !== undefined) shown.text = String(body.text);
        if (body.blocks !== undefined) shown.blocks = body.blocks;
        return { ok: true, channel: shown.channel, ts: shown.ts };
      }
      default:
        return { ok: true };
    }
  };

  const recorder: SlackRecorder = {
    apiUrl: '',
    calls,
    messages,
    topics,
    fault: () => undefined,
    get held() {
      return held.length;
    },
    dropHeld() {
      for (const res of held.splice(0)) res.destroy();
    },
    duplicates() {
      const seen = new Set<string>();
      const repeats: ShownMessage[] = [];
      for (const m of messages) {
        const key = messageKey(m);
        if (seen.has(key)) repeats.push(m);
        seen.add(key);
      }
      return repeats;
    },
    posts: (filter = () => true) => messages.filter(filter),
    close: () =>
      new Promise<void>((done) => {
        recorder.dropHeld();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };

  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const body = parse(raw, req.headers['content-type']);
      const at = Date.now();
      const fault = recorder.fault(method, body);
      const call: RecordedCall = { method, body, at, outcome: 'ok' };
      calls.push(call);
      if (fault === 'hold') {
        call.outcome = 'dropped';
        held.push(res);
        return;
      }
      if (fault && 'http' in fault) {
        call.outcome = `http${fault.http}`;
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (fault.http === 429) headers['Retry-After'] = String(fault.retryAfter);
        res.writeHead(fault.http, headers).end(JSON.stringify({ ok: false, error: fault.http === 429 ? 'ratelimited' : 'internal_error' }));
        return;
      }
      const json = fault ? { ok: false, error: fault.error } : answer(method, body, at);
      call.outcome = json.ok ? 'ok' : String(json.error);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  recorder.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return recorder;
}
