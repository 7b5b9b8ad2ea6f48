/**
 * Remediation clicks at once: 200 concurrent Rollback clicks (signed block_actions) on 200 different
 * incidents, each for its own deploy. Prints Slack ack latency p50/p99 next to a bare Bolt app acking
 * a no-op action in the same run (and the ratio), and click → executor call p50/p99, the executor
 * being an http deployer on a local port. Slack's Web API is a local stand-in. Measured twice: web
 * and workers in one process, then a web-only Firebreak with the workers in a process of their own.
 *
 *   npm run bench -- actions            (REDIS_URL to use a running Redis; otherwise a local one)
 *   BENCH_CLICKS=500 npm run bench -- actions
 *   BENCH_SPLIT=1 npm run bench -- actions     (only the split layout; 0 for only the one process)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { App, ExpressReceiver } from '@slack/bolt';
import { Redis } from 'ioredis';
import { parseEnv } from '../src/config/env';
import { parseConfigText } from '../src/config/file';
import { loadContent } from '../src/content';
import type { Incident } from '../src/domain/incidents/model';
import { startFirebreak } from '../src/firebreak';
import { redisKeys } from '../src/lib/keys';
import { createLogger } from '../src/lib/logger';
import { startLocalRedis, type LocalRedis } from '../src/lib/redis-server';
import { RedisActionStore } from '../src/outbound/store/action-store';
import { RedisDeployStore } from '../src/outbound/store/deploy-store';
import { RedisIncidentStore } from '../src/outbound/store/incident-store';
import { RemediationOfferStore } from '../src/outbound/store/remediation-offers';
import { REMEDIATION_ACTIONS } from '../src/blocks/remediation-ids';
import { remediationActionId } from '../src/domain/remediation/model';
import { deleteKeys } from '../test/helpers/redis';
import { blockAction, FORM, sign } from '../test/helpers/slack';
import { NODE_FLAGS } from './node-flags';
import { ms, percentile } from './stats';

const CLICKS = Number(process.env.BENCH_CLICKS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? CLICKS);
/** Layouts measured: both by default (one process, then web + a worker process); BENCH_SPLIT=0 or 1 for one. */
const SPLITS = process.env.BENCH_SPLIT === undefined ? [false, true] : [process.env.BENCH_SPLIT === '1'];
const SIGNING_SECRET = 'bench-signing-secret';
const RESPONDER = 'U0BENCH';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The load generator: a worker thread (its own event loop, its own core where there is one) with
 * raw sockets, all connected before timing starts; each request is written at once and timed to the
 * first byte of its response. So the figures are the app's ack latency under 200 clicks arriving
 * together, not an HTTP client's overhead.
 */
const FIRE = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
const connect = () => new Promise((resolve, reject) => {
  const socket = net.connect(workerData.port, '127.0.0.1', () => resolve(socket));
  socket.setNoDelay(true);
  socket.once('error', reject);
});
(async () => {
  const sockets = await Promise.all(workerData.requests.map(connect));
  const timings = await Promise.all(sockets.map((socket, i) => new Promise((resolve, reject) => {
    let sent = 0;
    socket.once('data', (chunk) => {
      const acked = now();
      const status = chunk.toString('latin1', 0, 12);
      socket.destroy();
      if (status.endsWith(' 200')) resolve({ sent, acked }); else reject(new Error('answered ' + status));
    });
    socket.once('error', reject);
    sent = now();
    socket.write(workerData.requests[i]);
  })));
  parentPort.postMessage(timings);
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/** Send every signed body at once from the load-generator thread; the send and ack time of each. */
async function fire(url: string, bodies: string[]): Promise<{ sent: number; acked: number }[]> {
  const { host, port } = new URL(url);
  const requests = bodies.map((body) => {
    const headers = { Host: host, 'Content-Type': FORM, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...sign(body, undefined, SIGNING_SECRET) };
    return `POST /slack/events HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
  });
  const worker = new Worker(FIRE, { eval: true, workerData: { port: Number(port), requests } });
  try {
    const result = (await once(worker, 'message'))[0] as { sent: number; acked: number }[] | { error: string };
    if ('error' in result) throw new Error(result.error);
    return result;
  } finally {
    await worker.terminate();
  }
}

/**
 * The far side, in a thread of its own as it would be on other machines: a Slack Web API stand-in
 * (ok to everything, a ts for posts) and a deployer that answers at once and notes when each
 * idempotency key first arrived.
 */
const FAR_SIDE = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
const arrivals = {};
let seq = 0;
const listen = (handler) => new Promise((resolve) => {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1', () => resolve(server.address().port));
});
const read = (req, then) => { let body = ''; req.on('data', (c) => (body += c)); req.on('end', () => then(body)); };
(async () => {
  const slackPort = await listen((req, res) => read(req, (body) => {
    const fields = new URLSearchParams(body);
    const method = req.url.replace(/^\\/api\\//, '');
    const ts = method === 'chat.update' ? fields.get('ts') : '1900000000.' + String(++seq).padStart(6, '0');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, channel: fields.get('channel'), ts, user_id: 'U0BOT', users: [] }));
  }));
  const deployerPort = await listen((req, res) => {
    const key = String(req.headers['idempotency-key']);
    if (!(key in arrivals)) arrivals[key] = now();
    read(req, () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"message":"rolled back"}'));
  });
  parentPort.postMessage({ slackPort, deployerPort });
  parentPort.on('message', () => parentPort.postMessage({ arrivals }));
})();
`;

async function startFarSide() {
  const worker = new Worker(FAR_SIDE, { eval: true });
  const { slackPort, deployerPort } = (await once(worker, 'message'))[0] as { slackPort: number; deployerPort: number };
  return {
    slackApiUrl: `http://127.0.0.1:${slackPort}/api/`,
    deployerUrl: `http://127.0.0.1:${deployerPort}`,
    /** When each idempotency key first reached the deployer. */
    async arrivals(): Promise<Map<string, number>> {
      worker.postMessage('report');
      const { arrivals } = (await once(worker, 'message'))[0] as { arrivals: Record<string, number> };
      return new Map(Object.entries(arrivals));
    },
    close: () => worker.terminate(),
  };
}

/** test/helpers/remediation-worker-process.ts: only the remediation worker, in its own process. */
async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const script = join(__dirname, '../test/helpers/remediation-worker-process.ts');
  const child = spawn(process.execPath, [...NODE_FLAGS, '--require', 'tsx/cjs', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
  });
  return child;
}

/** The baseline: Bolt on Express, acking a no-op button and doing nothing else. */
async function startBareBolt(slackApiUrl: string) {
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', processBeforeResponse: false });
  const app = new App({ token: 'xoxb-bench', receiver, clientOptions: { slackApiUrl } });
  app.action('noop', async ({ ack }) => {
    await ack();
  });
  const server = createServer(receiver.app);
  return { url: await listen(server), server };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function run(): Promise<void> {
  for (const split of SPLITS) await runLayout(split);
}

async function runLayout(split: boolean): Promise<void> {
  let local: LocalRedis | undefined;
  let dir: string | undefined;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
    local = await startLocalRedis({ dir });
    redisUrl = local.url;
  }
  const prefix = `bench${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const keys = redisKeys(prefix);
  const redis = new Redis(redisUrl);
  const far = await startFarSide();
  const bare = await startBareBolt(far.slackApiUrl);
  const total = WARMUP + CLICKS;

  const configText = `services:\n  checkout:\n    channel: "#checkout"\n    responders: [${RESPONDER}]\n    rollback: { executor: http, url: "${far.deployerUrl}/rollback", secret: "bench", attempts: 3, backoff: 1s }\n`;
  const config = parseConfigText(configText, 'bench config', {});
  const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: far.slackApiUrl, PORT: '0', LOG_LEVEL: 'silent', FIREBREAK_REDIS_PREFIX: prefix });
  // split: a web-only Firebreak (workers: false) and the remediation worker in a process of its own.
  const firebreak = await startFirebreak({ env, config, content: loadContent(), redisUrl, logger: createLogger((process.env.BENCH_LOG ?? 'silent') as 'silent'), workers: !split });
  const workerProcess = split ? await startWorkerProcess({ TEST_REDIS_URL: redisUrl, FIREBREAK_REDIS_PREFIX: prefix, FIREBREAK_TEST_CONFIG: configText, SLACK_API_URL: far.slackApiUrl }) : undefined;

  try {
    // One incident and one deploy (its own environment, so each is the latest there) per click.
    const deploys = new RedisDeployStore(redis, keys);
    const incidents = new RedisIncidentStore(redis, keys);
    const offers = new RemediationOfferStore(redis, keys, 3_600_000);
    const clicks: { body: string; actionId: string }[] = [];
    for (let i = 0; i < total; i++) {
      const { id: deployId } = await deploys.record({
        service: 'checkout', environment: `cell-${i}`, version: 'v2.0.1', previousVersion: 'v2.0.0', strategy: 'blue-green', status: 'succeeded',
        timestamp: new Date().toISOString(), changes: { config: false, dependencies: false, migrations: [], flags: [] }, source: 'generic',
      });
      const incident: Incident = {
        id: `INC-${i + 1}`, number: i + 1, title: `Cell ${i} errors`, severity: 'P1', service: 'checkout', impact: 'errors', status: 'open',
        workStatus: 'Investigating', reporterId: RESPONDER, commanderId: RESPONDER, createdAt: new Date().toISOString(), updateCount: 0, revision: 0,
        channelName: `inc-cell-${i}`, channelId: `C0CELL${i}`, publication: { invited: true, topicSet: true, pinned: true },
      };
      await incidents.createOnce(incident, `bench-${i}`);
      const context = { kind: 'incident' as const, id: incident.id };
      // The button's value names an offer the server stored when it rendered the button.
      const offer = randomUUID().replace(/-/g, '');
      await offers.save([{ id: offer, payload: { service: 'checkout', deployId, context } }]);
      const value = JSON.stringify({ offer });
      const action = { type: 'button', action_id: REMEDIATION_ACTIONS.rollback, block_id: 'remediation', value, text: { type: 'plain_text', text: 'Rollback' } };
      clicks.push({ body: blockAction({ action, channelId: `C0CELL${i}`, userId: RESPONDER }), actionId: remediationActionId('rollback', context, deployId) });
    }
    const noop = (i: number) => blockAction({ action: { type: 'button', action_id: 'noop', block_id: 'b', value: String(i), text: { type: 'plain_text', text: 'noop' } }, channelId: 'C0NOOP' });

    // Warm both apps up with a full round each (JIT, connections, Bolt's auth.test), then measure.
    const store = new RedisActionStore(redis, keys, { retentionMs: 3_600_000 });
    const announced = async (batch: typeof clicks) => (await Promise.all(batch.map((c) => store.get(c.actionId)))).filter((r) => r?.progress.announcementTs).length;
    const settle = async (batch: typeof clicks) => {
      const until = Date.now() + 60_000;
      while ((await announced(batch)) < batch.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    };
    await fire(bare.url, Array.from({ length: WARMUP }, (_, i) => noop(i)));
    await fire(firebreak.url, clicks.slice(0, WARMUP).map((c) => c.body));
    await settle(clicks.slice(0, WARMUP));

    const bareAcks = (await fire(bare.url, Array.from({ length: CLICKS }, (_, i) => noop(WARMUP + i)))).map((t) => t.acked - t.sent);
    const measured = clicks.slice(WARMUP);
    const timings = await fire(firebreak.url, measured.map((c) => c.body));
    const acks = timings.map((t) => t.acked - t.sent);
    const sentAt = new Map(measured.map((c, i) => [c.actionId, timings[i]!.sent]));

    const deadline = Date.now() + 60_000;
    let arrivals = await far.arrivals();
    while (measured.some((c) => !arrivals.has(c.actionId)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      arrivals = await far.arrivals();
    }
    const toExecutor = measured.filter((c) => arrivals.has(c.actionId)).map((c) => arrivals.get(c.actionId)! - sentAt.get(c.actionId)!);
    const finished = () => announced(measured);
    await settle(measured);
    // Where click → executor goes: the ack path up to the stored request, the queue until a worker
    // starts the job, then the job up to the call.
    const records = await Promise.all(measured.map((c) => store.get(c.actionId)));
    const stages = { requested: [] as number[], started: [] as number[], called: [] as number[] };
    measured.forEach((c, i) => {
      const record = records[i];
      const arrived = arrivals.get(c.actionId);
      if (!record?.progress.startedAt || arrived === undefined) return;
      const requested = Date.parse(record.spec.requestedAt);
      const started = Date.parse(record.progress.startedAt);
      stages.requested.push(requested - sentAt.get(c.actionId)!);
      stages.started.push(started - requested);
      stages.called.push(arrived - started);
    });

    const rows = [
      ['', 'p50', 'p99', 'max'],
      ['bare Bolt ack (no-op action)', ms(percentile(bareAcks, 50)), ms(percentile(bareAcks, 99)), ms(Math.max(...bareAcks))],
      ['Firebreak ack (Rollback click)', ms(percentile(acks, 50)), ms(percentile(acks, 99)), ms(Math.max(...acks))],
      ['ratio Firebreak / bare', `${(percentile(acks, 50) / percentile(bareAcks, 50)).toFixed(2)}x`, `${(percentile(acks, 99) / percentile(bareAcks, 99)).toFixed(2)}x`, ''],
      ['click → executor call', ms(percentile(toExecutor, 50)), ms(percentile(toExecutor, 99)), ms(Math.max(...toExecutor))],
      ['  click → request stored', ms(percentile(stages.requested, 50)), ms(percentile(stages.requested, 99)), ms(Math.max(...stages.requested))],
      ['  stored → job started', ms(percentile(stages.started, 50)), ms(percentile(stages.started, 99)), ms(Math.max(...stages.started))],
      ['  job started → executor call', ms(percentile(stages.called, 50)), ms(percentile(stages.called, 99)), ms(Math.max(...stages.called))],
    ];
    console.log(`\nactions: ${CLICKS} concurrent Rollback clicks on different incidents (after ${WARMUP} warm-up clicks; ${split ? 'web-only Firebreak + a worker process' : 'web and workers in one process'})`);
    for (const row of rows) console.log(`  ${row[0]!.padEnd(32)} ${row.slice(1).map((cell) => cell!.padStart(10)).join(' ')}`);
    console.log(`  executor calls: ${toExecutor.length}/${CLICKS}; actions finished (announced): ${await finished()}/${CLICKS}; deployer calls total: ${arrivals.size}`);
    console.log(`  aims: ack p99 < 50 ms (${percentile(acks, 99) < 50 ? 'met' : 'missed'}), click → executor p99 < 500 ms (${percentile(toExecutor, 99) < 500 ? 'met' : 'missed'})\n`);
  } finally {
    workerProcess?.kill('SIGTERM');
    if (workerProcess) await once(workerProcess, 'exit');
    await firebreak.close();
    await Promise.all([closeServer(bare.server), far.close()]);
    await deleteKeys(redis, `${prefix}:*`);
    await redis.quit();
    await local?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
