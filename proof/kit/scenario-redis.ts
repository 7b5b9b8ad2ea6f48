import { alert, postWebhook } from './drive';
import { settle, sleep, startBot, startRedis } from './processes';
import { startSlackRecorder, type ShownMessage } from './slack-recorder';
import { row, type Row } from './table';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
`;

/** The firing count a card or incident thread message shows ("*N firing · M resolved*"). */
export function shownFiring(message: ShownMessage): number {
  const match = /(\d+) firing · \d+ resolved/.exec(JSON.stringify(message.blocks ?? '') + message.text);
  return match ? Number(match[1]) : 0;
}

/**
 * Redis SIGKILLed and restarted (AOF, same directory and port) while alerts are posted: every alert
 * answered 202 is shown afterwards; the others were answered 503 and the sender retried them.
 */
export async function redisRestartScenario(quick: boolean): Promise<Row[]> {
  const total = quick ? 300 : 1000;
  const downMs = quick ? 1500 : 3000;
  const redis = await startRedis();
  const slack = await startSlackRecorder();
  const bot = await startBot({ config: CONFIG, prefix: 'proof', redisUrl: redis.url, slackApiUrl: slack.apiUrl });
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  let accepted = 0;
  let next = 0;
  let killedAt = 0;
  let downFor = 0;
  try {
    const sender = async () => {
      for (let index = next++; index < total; index = next++) {
        for (let attempt = 0; ; attempt++) {
          const status = await postWebhook(bot.url, 'alert', alert(index, { startsAt }));
          count(status);
          if (status === 202) {
            accepted += 1;
            break;
          }
          if (status !== 503 || attempt > 200) break; // only 503 is "retry later"
          await sleep(100);
        }
      }
    };
    const chaos = async () => {
      while (next < total / 3) await sleep(5);
      killedAt = Date.now();
      await redis.kill();
      await sleep(downMs);
      await redis.restart();
      downFor = Date.now() - killedAt;
    };
    await Promise.all([...Array.from({ length: 8 }, sender), chaos()]);
    const inChannel = (m: ShownMessage) => m.channel === '#checkout-alerts' && !m.threadTs;
    const shown = () => Math.max(0, ...slack.posts(inChannel).map(shownFiring));
    await settle(() => shown() >= accepted, 2000, quick ? 60_000 : 120_000);
    const cards = slack.posts(inChannel);
    const answered400 = statuses.get(400) ?? 0;
    const other = [...statuses].filter(([status]) => ![202, 400, 503].includes(status)).reduce((sum, [, n]) => sum + n, 0);
    return [
      row('Redis SIGKILL + restart', `every alert answered 202 is shown, on one card (${total} alerts)`, accepted === total && shown() === accepted && cards.length === 1, {
        'answered 202': accepted,
        'shown on the card': shown(),
        'cards': cards.length,
        'Redis down (ms)': downFor,
      }),
      row('Redis SIGKILL + restart', 'the others got 503 (retried), none 400', answered400 === 0 && other === 0, {
        '503 answers': statuses.get(503) ?? 0,
        '400 answers': answered400,
        'other answers': other,
        'duplicate posts': slack.duplicates().length,
      }),
    ];
  } finally {
    await bot.stop();
    await slack.close();
    await redis.stop();
  }
}
