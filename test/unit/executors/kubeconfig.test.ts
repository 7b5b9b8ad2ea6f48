import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { PermanentActionError } from '../../../src/domain/remediation/errors';
import { readKubeConfig } from '../../../src/outbound/executors/kubeconfig';
import { KubeApi, loadKubeConfig } from '../../../src/outbound/executors/kubernetes-client';
import { useNock } from './helpers';
import { API } from './kubernetes-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(user: string, cluster = `server: ${API}\n      insecure-skip-tls-verify: true`): string {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
current-context: main
contexts:
  - name: main
    context: { cluster: c, user: u }
  - name: other
    context: { cluster: c2, user: u }
clusters:
  - name: c
    cluster:
      ${cluster}
  - name: c2
    cluster: { server: 'https://other.internal:6443/' }
users:
  - name: u
    user:
      ${user}
`,
  );
  return file;
}

describe('kubeconfig files', () => {
  useNock();

  it('re-reads a tokenFile (relative to the kubeconfig) before every call', async () => {
    writeFileSync(join(dir, 'token'), 'first-token\n');
    const kc = readKubeConfig({ kubeconfig: kubeconfig('tokenFile: token') });
    expect(kc).toMatchObject({ server: API, skipTLSVerify: true, tokenFile: join(dir, 'token') });
    const api = new KubeApi(kc, 1_000);
    const scope = nock(API)
      .get('/version')
      .matchHeader('authorization', 'Bearer first-token')
      .reply(200, { gitVersion: 'v1' })
      .get('/version')
      .matchHeader('authorization', 'Bearer rotated-token')
      .reply(200, { gitVersion: 'v1' });
    await expect(api.call({ method: 'GET', path: '/version' })).resolves.toEqual({ gitVersion: 'v1' });
    writeFileSync(join(dir, 'token'), 'rotated-token\n');
    await api.call({ method: 'GET', path: '/version' });
    scope.done();
  });

  it('sends basic auth when the user has a username and password', async () => {
    const api = new KubeApi(readKubeConfig({ kubeconfig: kubeconfig('{ username: admin, password: "s3cret" }') }), 1_000);
    const scope = nock(API).get('/version').basicAuth({ user: 'admin', pass: 's3cret' }).reply(200, {});
    await api.call({ method: 'GET', path: '/version' });
    scope.done();
  });

  it('selects the context given instead of current-context', () => {
    expect(readKubeConfig({ kubeconfig: kubeconfig('{ token: t }'), context: 'other' }).server).toBe('https://other.internal:6443');
  });

  it('refuses an exec plugin at load time, naming the user', () => {
    const file = kubeconfig('exec: { apiVersion: client.authentication.k8s.io/v1, command: aws, args: [eks, get-token] }');
    const load = () => loadKubeConfig({ kubeconfig: file });
    expect(load).toThrow(PermanentActionError);
    expect(load).toThrow(/cannot load kubeconfig: kubeconfig user "u" uses an exec\/auth-provider plugin/);
  });

  it('reads the service account in a cluster (KUBERNETES_SERVICE_HOST) and refuses a context there', () => {
    writeFileSync(join(dir, 'token'), 'sa-token');
    writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const kc = readKubeConfig({ env, serviceAccountDir: dir, home: dir });
    expect(kc).toEqual({ server: 'https://10.96.0.1:443', ca: Buffer.from('CA PEM'), tokenFile: join(dir, 'token') });
    expect(() => readKubeConfig({ env, serviceAccountDir: dir, context: 'prod' })).toThrow('kubeconfig has no context "prod"');
    expect(() => readKubeConfig({ env, serviceAccountDir: join(dir, 'missing') })).toThrow(/ENOENT/);
  });

  it('falls back to ~/.kube/config outside a cluster', () => {
    expect(() => readKubeConfig({ env: {}, home: dir })).toThrow(join(dir, '.kube', 'config'));
  });
});

describe('client certificates over real TLS', () => {
  let server: Server;
  let seen: { cn?: string; authorized?: boolean } = {};
  let pki: string;

  beforeAll(async () => {
    pki = mkdtempSync(join(tmpdir(), 'firebreak-pki-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test-ca');
    writeFileSync(join(pki, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    for (const [name, ext] of [['server', ['-extfile', 'san.ext']], ['client', []]] as const) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'client' ? 'firebreak' : '127.0.0.1'}`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...ext);
    }
    const read = (name: string) => readFileSync(join(pki, name));
    server = createServer({ key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const socket = req.socket as import('node:tls').TLSSocket;
      seen = { cn: String(socket.getPeerCertificate().subject?.CN), authorized: socket.authorized };
      res.setHeader('content-type', 'application/json');
      res.end('{"kind":"Deployment"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(pki, { recursive: true, force: true });
  });

  it('verifies the server with certificate-authority and presents client-certificate/-key (files and -data)', async () => {
    const { port } = server.address() as AddressInfo;
    const b64 = (name: string) => readFileSync(join(pki, name)).toString('base64');
    const byFile = readKubeConfig({
      kubeconfig: kubeconfig(
        `{ client-certificate: ${join(pki, 'client.crt')}, client-key: ${join(pki, 'client.key')} }`,
        `server: https://127.0.0.1:${port}\n      certificate-authority: ${join(pki, 'ca.crt')}`,
      ),
    });
    await expect(new KubeApi(byFile, 2_000).call({ method: 'GET', path: '/x' })).resolves.toEqual({ kind: 'Deployment' });
    expect(seen).toEqual({ cn: 'firebreak', authorized: true });

    const byData = readKubeConfig({
      kubeconfig: kubeconfig(
        `{ client-certificate-data: ${b64('client.crt')}, client-key-data: ${b64('client.key')} }`,
        `server: https://127.0.0.1:${port}\n      certificate-authority-data: ${b64('ca.crt')}`,
      ),
    });
    seen = {};
    await new KubeApi(byData, 2_000).call({ method: 'GET', path: '/x' });
    expect(seen).toEqual({ cn: 'firebreak', authorized: true });

    const noCa = readKubeConfig({ kubeconfig: kubeconfig('{ token: t }', `server: https://127.0.0.1:${port}`) });
    await expect(new KubeApi(noCa, 2_000).call({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });
});
