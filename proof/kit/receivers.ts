import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deployer that honours the receiver's contract the README states: it applies each rollback once
 * per `Idempotency-Key` and answers repeats with the first result. `hangFirst` leaves the first call
 * unanswered (its caller is about to be killed); `onCall` sees every call as it arrives.
 */
export interface Deployer {
  base: string;
  calls: { key: string | undefined; at: number }[];
  /** Effects applied: one per distinct key. */
  applied: Map<string, number>;
  hangFirst: boolean;
  onCall?: () => void;
  close(): Promise<void>;
}

export async function startDeployer(): Promise<Deployer> {
  const hung: ServerResponse[] = [];
  const deployer: Deployer = {
    base: '',
    calls: [],
    applied: new Map(),
    hangFirst: false,
    close: () =>
      new Promise<void>((done) => {
        hung.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.writeHead(200).end('ok');
    req.resume();
    req.on('end', () => {
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : undefined;
      deployer.calls.push({ key, at: Date.now() });
      deployer.onCall?.();
      if (deployer.hangFirst && deployer.calls.length === 1) return void hung.push(res);
      if (key && !deployer.applied.has(key)) deployer.applied.set(key, deployer.calls.length);
      if (!key) deployer.applied.set(`no-key-${deployer.calls.length}`, deployer.calls.length);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'rolled back' }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  deployer.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return deployer;
}
