import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackCall } from './fake-slack';

/**
 * A Slack Web API stand-in on a real port, for what nock cannot reach: other processes (the crash
 * test's workers) and benchmarks. Answers every method with `ok` (and a ts for posts), records calls.
 */
export interface SlackServer {
  /** For SLACK_API_URL / WebClient's slackApiUrl. */
  apiUrl: string;
  calls: SlackCall[];
  close(): Promise<void>;
}

function parse(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  return fields;
}

async function read(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startSlackServer(): Promise<SlackServer> {
  const calls: SlackCall[] = [];
  let seq = 0;
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const body = parse(raw, req.headers['content-type']);
      calls.push({ method, body, at: Date.now() });
      const ts = `1900000000.${String(++seq).padStart(6, '0')}`;
      const answer =
        method === 'chat.update' ? { ok: true, channel: body.channel, ts: body.ts }
        : method === 'usergroups.users.list' ? { ok: true, users: [] }
        : method === 'auth.test' ? { ok: true, user_id: 'U0BOT', bot_id: 'B0FIREBREAK', team_id: 'T0TEST' }
        : { ok: true, channel: body.channel, ts };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
