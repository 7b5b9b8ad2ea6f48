import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { startHarness, WEBHOOK_TOKEN, waitFor, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';
import { startProcessBot, type ProcessBot } from '../escalation/process-bot';

const CONFIG = 'services: { checkout: { channel: "#checkout-alerts" } }';

/**
 * Slack on a real port for a bot in another process. While `hold` is set, posts to the alert channel
 * are never answered (the bot is killed mid-post); every answered post is counted.
 */
async function holdingSlack() {
  const answered: Record<string, unknown>[] = [];
  const held: ServerResponse[] = [];
  const state = { hold: true, seenCardPost: false };
  let ts = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += String(chunk)));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const body = Object.fromEntries(new URLSearchParams(raw));
      if (method === 'chat.postMessage' && body.channel === '#checkout-alerts') {
        state.seenCardPost = true;
        if (state.hold) return void held.push(res);
        answered.push(body);
      }
      const answer = method === 'auth.test' ? { ok: true, user_id: 'U0BOT', bot_id: 'B0FIREBREAK', team_id: 'T0TEST' } : { ok: true, channel: body.channel, ts: `1900000000.${String(++ts).padStart(6, '0')}` };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    answered,
    state,
    close: () =>
      new Promise<void>((done) => {
        held.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('an alert answered 202 just before the bot is killed', () => {
  let bot: ProcessBot | undefined;
  let h: Harness | undefined;
  let slack: Awaited<ReturnType<typeof holdingSlack>> | undefined;
  afterEach(async () => {
    await bot?.stop('SIGKILL');
    await h?.close();
    await slack?.close();
  });

  it('gets its card, once, from the bot started after the kill -9', async () => {
    slack = await holdingSlack();
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    bot = await startProcessBot({ config: CONFIG, prefix, slack, env: { WEBHOOK_TOKEN } });
    const alert = { service: 'checkout', name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: new Date().toISOString(), fingerprint: 'crash-fp-1' };
    expect((await postWebhook(bot.url, 'alert', alert)).status).toBe(202);
    await waitFor('the digest is posting the card', () => slack!.state.seenCardPost);
    await bot.stop('SIGKILL');
    bot = undefined;

    slack.state.hold = false;
    h = await startHarness({ config: CONFIG, prefix, env: { SLACK_API_URL: slack.apiUrl } });
    await waitFor('the card, after the restart', () => slack!.answered.length > 0, 45_000);
    await new Promise((r) => setTimeout(r, 3000)); // a sweep and a retry later: still one card
    expect(slack.answered).toHaveLength(1);
    expect(String(slack.answered[0]!.blocks)).toContain('HighErrorRate');
    expect(await h.redis.smembers(`${prefix}:alerts-pending-services`)).toEqual([]);
  }, 90_000);
});
