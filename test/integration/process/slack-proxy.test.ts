import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { baseChildEnv } from '../../helpers/child-env';

const CHILD = path.resolve(__dirname, '../../helpers/slack-proxy-child.ts');
const run = promisify(execFile);

describe("the Slack Web API client and HTTPS_PROXY / HTTP_PROXY / NO_PROXY", () => {
  const servers: Server[] = [];
  const tunnels: string[] = [];
  const seenByTarget: string[] = [];
  let proxyUrl: string;
  let targetPort: number;

  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    // Slack's Web API, as far as a client can tell: answers auth.test for whatever host it was asked for.
    targetPort = await listen(
      createServer((req, res) => {
        seenByTarget.push(`${req.method} ${req.headers.host}${req.url} ${req.headers.authorization}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, team: 'Proxied', user_id: 'U0BOT' }));
      }),
    );
    // A forward proxy that tunnels every CONNECT to that server, recording what it was asked for.
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      tunnels.push(String(req.url));
      const upstream = connect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  beforeEach(() => {
    tunnels.length = 0;
    seenByTarget.length = 0;
  });

  const child = async (env: Record<string, string>) => {
    const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', CHILD], {
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...baseChildEnv(), SLACK_BOT_TOKEN: 'xoxb-proxied', SLACK_API_URL: `http://slack.proxied.test:${targetPort}/api/`, ...env },
      timeout: 20_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { installed: boolean; ok?: boolean; team?: string; error?: string };
  };

  it('goes through the proxy the environment names', async () => {
    expect(await child({ HTTP_PROXY: proxyUrl })).toEqual({ installed: true, ok: true, team: 'Proxied' });
    expect(tunnels).toEqual([`slack.proxied.test:${targetPort}`]);
    expect(seenByTarget).toEqual([`POST slack.proxied.test:${targetPort}/api/auth.test Bearer xoxb-proxied`]);
  });

  it('goes direct for a NO_PROXY host (here: one no resolver knows, so the call fails) and the proxy hears nothing', async () => {
    const outcome = await child({ HTTP_PROXY: proxyUrl, NO_PROXY: '.proxied.test' });
    expect(outcome.installed).toBe(true);
    expect(outcome.ok).toBeUndefined();
    expect(outcome.error).toBeDefined();
    expect(tunnels).toEqual([]);
    expect(seenByTarget).toEqual([]);
  });
});
