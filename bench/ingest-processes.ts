/**
 * Intake measured as deployed: Firebreak as `node dist/main.js` in processes of its own (a `web`
 * process with a `worker` beside it, then one `all` process), a bare node:http server in another,
 * and autocannon (bench/load-child.js) in a third, so the generator shares no event loop with a server.
 *
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_PROFILE=1 npm run bench -- ingest
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeys } from '../test/helpers/redis';
import { NODE_FLAGS } from './node-flags';
import { ms } from './stats';

const ROOT = join(__dirname, '..');
const SECONDS = process.env.BENCH_SECONDS ?? '10';
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? '64';
const TOKEN = 'bench-token';
/** The entry point measured (BENCH_MAIN, e.g. another build's dist/main.js to compare with). */
const MAIN = process.env.BENCH_MAIN ?? 'dist/main.js';
/** Which layouts to run (BENCH_LAYOUTS=web,all). */
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? 'web,all').split(',');

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Seconds (autocannon's duration). */
  duration: number;
  /** CPU the generator used, in cores. */
  cores: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds each named process used between this call and the returned function's call. */
function cpuMeter(pids: Record<string, number | undefined>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) - before[name]!]));
}

/** Each process's CPU during a run: in cores, and in µs per request (steadier than alerts/s on a shared machine). */
function cpuLine(used: Record<string, number>, r: LoadResult): string {
  const seconds = r.duration > 100 ? r.duration / 1000 : r.duration;
  return Object.entries(used)
    .map(([name, cpu]) => `${name} ${(cpu / seconds).toFixed(2)} (${((cpu * 1e6) / r.requests.total).toFixed(0)} µs/req)`)
    .join(', ');
}

/** Redis commands of one run: calls per request and the share of Redis's time, top five. */
async function commandStats(redis: Redis, requests: number): Promise<string> {
  const text = await redis.info('commandstats');
  const rows = [...text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)].map(([, name, calls, usec]) => ({ name: name!, calls: Number(calls), usec: Number(usec) }));
  const total = rows.reduce((sum, r) => sum + r.usec, 0);
  const top = rows
    .sort((a, b) => b.usec - a.usec)
    .slice(0, 5)
    .map((r) => `${r.name} ${(r.calls / requests).toFixed(1)}/req ${((100 * r.usec) / total).toFixed(0)} %`)
    .join(', ');
  return `${(total / requests).toFixed(0)} µs of commands/req: ${top}`;
}

/**
 * Between runs: the run's keys go (hundreds of thousands of alerts, which would otherwise make every
 * later run's AOF rewrites copy them again), and an AOF rewrite under way finishes, so each run
 * starts from the same small Redis.
 */
export async function settle(redis: Redis, prefix: string): Promise<void> {
  await deleteKeys(redis, `${prefix}:*`);
  for (let i = 0; i < 600 && /aof_rewrite_in_progress:1/.test(await redis.info('persistence')); i++) await new Promise((r) => setTimeout(r, 100));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const BARE = `
const http = require('node:http');
http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(202, { 'Content-Type': 'application/json' }); res.end('{"id":"bare"}'); }); })
  .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\\n'));`;

/** A server process; its stderr (Firebreak's "Slack is not configured" help) is shown only if it dies. */
function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(errors);
  });
  return child;
}

async function ready(port: number, path: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`process on port ${port} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.status < 500, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`process on port ${port} never became ready`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function drive(url: string, onStart?: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'load-child.js'), url, CONNECTIONS, SECONDS, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    onStart?.();
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

function line(name: string, r: LoadResult, bare?: LoadResult): string {
  const alerts = r.requests.average * 10;
  const ratio = bare ? `${((100 * alerts) / (bare.requests.average * 10)).toFixed(1)} %` : '—';
  const bad = r.non2xx + r.errors + r.timeouts;
  return `${name.padEnd(26)} | ${alerts.toFixed(0).padStart(9)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${ratio.padStart(7)}${bad ? ` | ${bad} non-2xx/errors` : ''}`;
}

/** The out-of-process figures, on the given Redis; each Firebreak run uses a fresh key prefix. */
export async function runOutOfProcess(redisUrl: string): Promise<void> {
  if (process.env.BENCH_SKIP_BUILD !== '1') execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const profileDir = process.env.BENCH_PROFILE === '1' ? join(ROOT, 'bench', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const configDir = mkdtempSync(join(tmpdir(), 'firebreak-bench-config-'));
  const configFile = join(configDir, 'firebreak.yaml');
  writeFileSync(configFile, '{}\n');
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const firebreakEnv = (role: string, port: number, prefix: string) => ({
    FIREBREAK_ROLE: role,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    WEBHOOK_TOKEN: TOKEN,
    FIREBREAK_REDIS_PREFIX: prefix,
    FIREBREAK_SANDBOX: '0',
    FIREBREAK_CONFIG: configFile,
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    FIREBREAK_CONTENT_DIR: join(ROOT, 'runbook-content'),
  });
  const redis = new Redis(redisUrl);
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  /** One measured run with the CPU each process used (in cores) and Redis's commands per request. */
  const measure = async (url: string, pids: Record<string, number | undefined>) => {
    await redis.config('RESETSTAT');
    let meter: () => Record<string, number> = () => ({});
    const result = await drive(url, () => (meter = cpuMeter({ ...pids, redis: redisPid })));
    const seconds = result.duration > 100 ? result.duration / 1000 : result.duration;
    const cpu = cpuLine({ ...meter(), generator: result.cores * seconds }, result);
    return { result, cpu, commands: await commandStats(redis, result.requests.total) };
  };
  console.log(`\ningest, out of process: autocannon (own process), ${CONNECTIONS} connections, ${SECONDS} s each, unique 10-alert groups`);
  console.log('server                     |  alerts/s |   p50 |   p99 | vs bare');

  const barePort = await freePort();
  const bare = start(['-e', BARE], { PORT: String(barePort) });
  let bareResult: LoadResult;
  try {
    await ready(barePort, '/', bare);
    await drive(`http://127.0.0.1:${barePort}/webhooks/alertmanager`); // warm-up
    const measured = await measure(`http://127.0.0.1:${barePort}/webhooks/alertmanager`, { server: bare.pid });
    bareResult = measured.result;
    console.log(line('bare node:http (202)', bareResult));
    console.log(`  CPU (cores of ${availableParallelism()}): ${measured.cpu}`);
  } finally {
    await stop(bare);
  }

  const layouts = ([['web', 'worker'], ['all']] as const).filter((layout) => LAYOUTS.includes(layout[0]));
  for (const layout of layouts) {
    const prefix = `benchp${Date.now()}`;
    const port = await freePort();
    const main = start([...NODE_FLAGS, ...profile, MAIN], firebreakEnv(layout[0], port, prefix));
    const helpers = layout.slice(1).map(async (role) => {
      const p = await freePort();
      const child = start([...NODE_FLAGS, MAIN], firebreakEnv(role, p, prefix));
      await ready(p, '/readyz', child);
      return child;
    });
    const others = await Promise.all(helpers);
    try {
      await ready(port, '/readyz', main);
      const url = `http://127.0.0.1:${port}/webhooks/alertmanager`;
      await drive(url); // warm-up
      const { result, cpu, commands } = await measure(url, { firebreak: main.pid, ...(others[0] ? { worker: others[0].pid } : {}) });
      console.log(line(layout.length > 1 ? 'firebreak web (+1 worker)' : 'firebreak all', result, bareResult));
      console.log(`  CPU (cores of ${availableParallelism()}): ${cpu}`);
      console.log(`  Redis: ${commands}`);
    } finally {
      await stop(main);
      await Promise.all(others.map(stop));
      await settle(redis, prefix);
    }
  }
  await redis.quit();
  rmSync(configDir, { recursive: true, force: true });
  if (profileDir) console.log(`CPU profiles (open in Chrome DevTools): ${profileDir}`);
}
