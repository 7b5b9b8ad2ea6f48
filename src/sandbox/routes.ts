import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { toIssues } from '../lib/zod-issues';
import { DEMO_SECRETS, SANDBOX_BOT, SANDBOX_USERS } from './demo';
import type { ResponseTarget, SlackDelivery } from './deliver';
import { actionRequestSchema, messageRequestSchema, simulateAlertSchema, simulateDeploySchema, stateQuerySchema, viewRequestSchema } from './schemas';
import type { SandboxStore } from './store';

export interface WorkspaceOptions {
  store: SandboxStore;
  delivery: SlackDelivery;
  baseUrl: () => string;
  webhookToken: string;
  services: string[];
  logger: Logger;
}

/** The page's static files: next to this module, or in src/ when running the built dist/. */
function assetDir(): string {
  const here = join(__dirname, 'public');
  return existsSync(here) ? here : join(__dirname, '..', '..', 'src', 'sandbox', 'public');
}

const ASSETS: Record<string, string> = { 'app.js': 'text/javascript', 'blocks.js': 'text/javascript', 'modal.js': 'text/javascript', 'simulate.js': 'text/javascript', 'app.css': 'text/css' };

function parse<T>(schema: z.ZodType<T>, input: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  res.status(400).json({ error: 'invalid request', issues: toIssues(parsed.error) });
  return undefined;
}

/** The sandbox page and what it calls: state, live updates, the composer, clicks, modals, the Simulate panel. */
export function workspaceRouter(options: WorkspaceOptions): Router {
  const { store, delivery } = options;
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const dir = assetDir();

  router.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(readFileSync(join(dir, 'index.html'), 'utf8'));
  });
  router.get('/assets/:file', (req, res) => {
    const type = ASSETS[String(req.params.file)];
    if (!type) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.type(type).set('Cache-Control', 'no-store').send(readFileSync(join(dir, String(req.params.file)), 'utf8'));
  });

  router.get('/state', async (req, res) => {
    const query = parse(stateQuerySchema, req.query, res);
    if (!query) return;
    const visible = <M extends { ephemeralFor?: string }>(m: M) => !m.ephemeralFor || m.ephemeralFor === query.user;
    const channels = (await store.channels()).filter((c) => !c.dmWith || c.dmWith === query.user);
    const channel = query.channel ? channels.find((c) => c.id === query.channel) : undefined;
    res.json({
      me: query.user,
      users: SANDBOX_USERS,
      bot: SANDBOX_BOT.userId,
      services: options.services,
      channels,
      channel,
      messages: channel ? (await store.history(channel.id)).filter(visible) : [],
      pins: channel ? await store.pins(channel.id) : [],
      thread: channel && query.thread ? (await store.replies(channel.id, query.thread)).filter(visible) : undefined,
      threadParent: channel && query.thread ? await store.message(channel.id, query.thread) : undefined,
      views: await store.views(query.user),
      deployer: await store.deployerCalls(),
    });
  });

  router.get('/events', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const send = (change: unknown) => res.write(`data: ${JSON.stringify(change)}\n\n`);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    store.changes.on('change', send);
    res.on('close', () => {
      clearInterval(ping);
      store.changes.off('change', send);
    });
  });

  router.post('/message', json, async (req, res) => {
    const body = parse(messageRequestSchema, req.body, res);
    if (!body) return;
    if (body.text.startsWith('/')) await delivery.command({ user: body.user, channel: body.channel, line: body.text });
    else await store.post({ channel: body.channel, user: body.user, text: body.text, ...(body.threadTs ? { threadTs: body.threadTs } : {}) });
    res.json({ ok: true });
  });

  router.post('/action', json, async (req, res) => {
    const body = parse(actionRequestSchema, req.body, res);
    if (!body) return;
    const message = await store.message(body.channel, body.ts);
    if (!message || (message.ephemeralFor && message.ephemeralFor !== body.user)) {
      res.status(404).json({ error: 'no such message' });
      return;
    }
    await delivery.action({ user: body.user, message, actionId: body.actionId, blockId: body.blockId, selected: body.selected });
    res.json({ ok: true });
  });

  router.post('/views/:id/:op', json, async (req, res) => {
    const body = parse(viewRequestSchema, req.body, res);
    if (!body) return;
    const view = await store.view(String(req.params.id));
    if (!view || view.user !== body.user) {
      res.status(404).json({ error: 'no such view' });
      return;
    }
    if (req.params.op === 'close') {
      await store.closeView(view.user, view.id);
      res.json({ ok: true });
      return;
    }
    const errors = await delivery.submit(view, body.values);
    if (errors) await store.saveView({ ...view, errors });
    res.json({ ok: !errors, errors });
  });

  router.post('/respond/:token', json, async (req, res) => {
    const target = await store.recall<ResponseTarget>('response', String(req.params.token));
    if (!target) {
      res.status(404).send('expired_url');
      return;
    }
    await delivery.respond(target, (req.body ?? {}) as Record<string, unknown>);
    res.send('ok');
  });

  router.post('/upload/:id', express.raw({ type: () => true, limit: '2mb' }), async (req, res) => {
    const file = await store.file(String(req.params.id));
    if (!file) {
      res.status(404).send('file_not_found');
      return;
    }
    await store.saveFile(String(req.params.id), { ...file, content: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : String(req.body ?? '') });
    res.send(`OK - ${Buffer.byteLength(String(req.body ?? ''))}`);
  });

  router.get('/files/:id', async (req, res) => {
    const file = await store.file(String(req.params.id));
    if (!file) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.type('text/plain; charset=utf-8').set('X-Content-Type-Options', 'nosniff').send(file.content ?? '');
  });

  const forward = async (res: Response, path: string, payload: unknown) => {
    const answer = await fetch(`${options.baseUrl()}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.webhookToken}` },
      body: JSON.stringify(payload),
    });
    res.status(answer.status).json({ status: answer.status, answer: await answer.json().catch(() => undefined), sent: payload });
  };
  router.post('/simulate/deploy', json, async (req, res) => {
    const body = parse(simulateDeploySchema, req.body, res);
    if (!body) return;
    const flags = body.flag ? [{ key: body.flag, enabled: true }] : [];
    await forward(res, '/webhooks/deploy', {
      service: body.service, version: body.version, previousVersion: body.previousVersion, strategy: body.strategy, status: 'succeeded',
      timestamp: new Date(Date.now() - body.minutesAgo * 60_000).toISOString(), actor: 'sandbox', commit: 'c0ffee1',
      changes: { config: false, dependencies: false, migrations: [], flags },
    });
  });
  const alertEvent = (body: z.infer<typeof simulateAlertSchema>, status: 'firing' | 'resolved') => ({
    service: body.service, name: body.name, severity: body.severity, status, summary: body.summary || undefined,
    fingerprint: `sandbox-${body.service}-${body.name}`.replace(/[^A-Za-z0-9_-]/g, '-'),
    labels: body.endpoint ? { endpoint: body.endpoint } : {},
    ...(status === 'resolved' ? { endsAt: new Date().toISOString() } : {}),
  });
  router.post('/simulate/alert', json, async (req, res) => {
    const body = parse(simulateAlertSchema, req.body, res);
    if (body) await forward(res, '/webhooks/alert', { ...alertEvent(body, 'firing'), startsAt: new Date().toISOString() });
  });
  router.post('/simulate/resolve', json, async (req, res) => {
    const body = parse(simulateAlertSchema, req.body, res);
    if (body) await forward(res, '/webhooks/alert', alertEvent(body, 'resolved'));
  });

  router.use('/deployer', demoDeployer(store));
  return router;
}

/** The demo deployer and flag service the demo configuration points at: it checks what a real one would and logs it. */
function demoDeployer(store: SandboxStore): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '256kb' });
  const bodyOf = (req: Request) => (Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  router.post('/rollback', raw, async (req, res) => {
    const text = bodyOf(req);
    const expected = `sha256=${createHmac('sha256', DEMO_SECRETS.rollback).update(text, 'utf8').digest('hex')}`;
    const given = req.get('x-firebreak-signature') ?? '';
    const valid = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    const request = parsed(text) as { service?: string; toVersion?: string };
    await store.logDeployerCall({ kind: 'rollback', at: new Date().toISOString(), signature: valid ? 'valid' : 'INVALID', idempotencyKey: req.get('idempotency-key'), body: request });
    if (!valid) res.status(401).json({ message: 'signature does not match' });
    else res.json({ message: `demo deployer rolled ${request.service ?? '?'} back to ${request.toVersion ?? '?'}` });
  });
  router.post('/flags', raw, async (req, res) => {
    const valid = req.get('authorization') === `Bearer ${DEMO_SECRETS.flags}`;
    const request = parsed(bodyOf(req)) as { flag?: string };
    await store.logDeployerCall({ kind: 'flag', at: new Date().toISOString(), token: valid ? 'valid' : 'INVALID', idempotencyKey: req.get('idempotency-key'), body: request });
    if (!valid) res.status(401).json({ message: 'bad token' });
    else res.json({ message: `demo flag service turned ${request.flag ?? '?'} off` });
  });
  router.get('/health/:service', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
