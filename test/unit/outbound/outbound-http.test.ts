import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { guardSchema } from '../../../src/config/guard';
import { outboundDispatcher, proxySettings } from '../../../src/lib/outbound-http';
import { PrometheusClient, prometheusClientOptions } from '../../../src/outbound/guard/prometheus';

const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const get = (url: string, dispatcher: Dispatcher) => fetch(url, { dispatcher } as unknown as RequestInit);

describe('outbound HTTP proxy (HTTP_PROXY / HTTPS_PROXY / NO_PROXY)', () => {
  /** A forward proxy: records each CONNECT it is asked for and tunnels it to the target server, whatever the host. */
  const proxied: string[] = [];
  let proxyUrl: string;
  let target: string;

  beforeAll(async () => {
    target = await listen(createHttpServer((req, res) => res.end(`answered ${req.headers.host}`)));
    const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      proxied.push(`CONNECT ${req.url}`);
      const [host, port] = target.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxyUrl = `http://${await listen(proxy)}`;
  });
  beforeEach(() => {
    proxied.length = 0;
  });

  it('reads the variables (upper or lower case), HTTPS_PROXY defaulting to HTTP_PROXY, loopback always direct', () => {
    expect(proxySettings({})).toBeUndefined();
    expect(proxySettings({ http_proxy: 'http://p:3128', NO_PROXY: '.corp' })).toEqual({
      httpProxy: 'http://p:3128',
      httpsProxy: 'http://p:3128',
      noProxy: '.corp,localhost,127.0.0.1,::1',
    });
  });

  it('sends other hosts to the proxy and NO_PROXY hosts (and loopback) straight to the server', async () => {
    const dispatcher = outboundDispatcher({ HTTP_PROXY: proxyUrl, NO_PROXY: 'flags.internal,127.0.0.2' });
    const port = target.split(':')[1];
    await expect(get(`http://deployer.internal:${port}/rollback`, dispatcher).then((r) => r.text())).resolves.toBe(`answered deployer.internal:${port}`);
    expect(proxied).toEqual([`CONNECT deployer.internal:${port}`]);

    // a NO_PROXY address is dialled directly (nobody listens on 127.0.0.2): refused, and the proxy hears nothing
    await expect(get(`http://127.0.0.2:${port}/`, dispatcher)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await expect(get(`http://${target}/`, dispatcher).then((r) => r.text())).resolves.toBe(`answered ${target}`);
    expect(proxied).toHaveLength(1);
    await (dispatcher as Dispatcher & { close(): Promise<void> }).close();
  });

  it('goes direct when no proxy is set', async () => {
    const dispatcher = outboundDispatcher({});
    await expect(get(`http://${target}/`, dispatcher).then((r) => r.text())).resolves.toBe(`answered ${target}`);
    expect(proxied).toEqual([]);
  });
});

describe('Prometheus client auth, headers and CA', () => {
  let pki: string;
  let base: string;
  const seen: Array<Record<string, string | string[] | undefined>> = [];

  beforeAll(async () => {
    pki = mkdtempSync(join(tmpdir(), 'firebreak-prom-'));
    writeFileSync(join(pki, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=prom-ca');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'san.ext');
    const server = createHttpsServer({ key: readFileSync(join(pki, 'srv.key')), cert: readFileSync(join(pki, 'srv.crt')) }, (req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [0, '0.07'] } }));
    });
    base = `https://${await listen(server as unknown as Server)}`;
  });
  afterAll(() => rmSync(pki, { recursive: true, force: true }));
  beforeEach(() => {
    seen.length = 0;
  });

  const client = (block: Record<string, unknown>) =>
    new PrometheusClient(base, prometheusClientOptions(guardSchema.parse({ prometheus: base, prometheusClient: block }).prometheusClient, {}));

  it('trusts the configured CA and sends the bearer token and extra headers', async () => {
    const reading = await client({ bearerToken: 'prom-token', headers: { 'X-Scope-OrgID': 'team-a' }, caFile: join(pki, 'ca.crt') }).instant('up', Date.now());
    expect(reading).toEqual({ value: 0.07 });
    expect(seen[0]).toMatchObject({ authorization: 'Bearer prom-token', 'x-scope-orgid': 'team-a' });
  });

  it('sends basic auth', async () => {
    await client({ basicAuth: { username: 'grafana', password: 'pw' }, caFile: join(pki, 'ca.crt') }).instant('up', Date.now());
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('grafana:pw').toString('base64')}`);
  });

  it('without the CA the server is not trusted: an unreachable gap, nothing sent', async () => {
    const reading = await client({ bearerToken: 'prom-token' }).instant('up', Date.now());
    expect(reading).toMatchObject({ gap: 'unreachable', problem: expect.stringMatching(/^unreachable \(/) });
    expect(seen).toEqual([]);
  });

  it('refuses an unreadable caFile, and bearer plus basic auth, when the config loads', () => {
    const parse = (block: Record<string, unknown>) => guardSchema.safeParse({ prometheus: base, prometheusClient: block });
    const missing = parse({ caFile: join(pki, 'nope.pem') });
    expect(missing.success ? [] : missing.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['prometheusClient.caFile', expect.stringMatching(/^cannot read .*nope\.pem: ENOENT/)],
    ]);
    expect(parse({ bearerToken: 't', basicAuth: { username: 'u', password: 'p' } }).success).toBe(false);
  });
});
