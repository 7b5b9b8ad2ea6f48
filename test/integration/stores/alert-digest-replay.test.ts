import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Alert } from '../../../src/domain/alerts/model';
import type { Verdict } from '../../../src/domain/correlation';
import { AlertDigestFlow } from '../../../src/domain/intake/digest';
import type { AlertCardView, AlertNotifier, ShownCard } from '../../../src/domain/intake/digest-ports';
import { redisKeys, type RedisKeys } from '../../../src/lib/keys';
import { BullAlertDigestScheduler } from '../../../src/outbound/jobs/alert-digests';
import { createQueue, QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { RedisAlertCards } from '../../../src/outbound/store/alert-cards';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { RedisSteps } from '../../../src/outbound/store/steps';
import { deleteKeys } from '../../helpers/redis';

const NO_SUSPECT: Verdict = { kind: 'none', suspects: [], diagnosis: [], advice: [] };

/** Slack as the flow sees it: records what was shown; can refuse or fail on demand. */
class RecordingNotifier implements AlertNotifier {
  readonly cards: AlertCardView[] = [];
  readonly updates: AlertCardView[] = [];
  failNextCard: Error | undefined;
  async postCard(channel: string, view: AlertCardView) {
    if (this.failNextCard) {
      const error = this.failNextCard;
      this.failNextCard = undefined;
      throw error;
    }
    this.cards.push(view);
    return { channel, ts: `1.${this.cards.length}` };
  }
  async updateCard(_card: ShownCard, view: AlertCardView) {
    this.updates.push(view);
  }
  async postIncidentAlerts() {
    return undefined;
  }
  async updateIncidentAlerts() {}
}

describe('alert digests: at least once, shown once', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let queue: Queue;
  let queueConnection: Redis;
  let notifier: RecordingNotifier;
  let pending: BullAlertDigestScheduler;
  let alerts: RedisAlertStore;
  let crashBeforeFinish: boolean;
  let givenUp: string[];

  beforeEach(() => {
    redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
    keys = redisKeys(`t-${randomUUID().slice(0, 12)}`);
    // BullMQ never closes a connection it was given: the test quits it itself.
    queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
    queue = createQueue(QUEUE_NAMES.alertDigests, { connection: queueConnection, prefix: keys.bullPrefix });
    notifier = new RecordingNotifier();
    pending = new BullAlertDigestScheduler(queue, redis, keys);
    alerts = new RedisAlertStore(redis, keys, { retentionMs: 24 * 3600_000 });
    crashBeforeFinish = false;
    givenUp = [];
  });

  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await queueConnection.quit();
    await deleteKeys(redis, `${keys.prefix}:*`);
    await redis.quit();
  });

  function flow(): AlertDigestFlow {
    const finishing = {
      schedule: pending.schedule.bind(pending),
      claim: pending.claim.bind(pending),
      finish: async (service: string, batch: { id: string; fingerprints: string[] }) => {
        if (crashBeforeFinish) throw new Error('process killed after the post, before the cleanup');
        await pending.finish(service, batch);
      },
    };
    const permanent = (error: unknown) => ((error as { slack?: string }).slack ? String((error as { slack: string }).slack) : undefined);
    return new AlertDigestFlow({
      pending: finishing,
      cards: new RedisAlertCards(redis, keys),
      notifier,
      steps: new RedisSteps(redis, keys.alertStep, { permanent, givenUp: async ({ step, code }) => void givenUp.push(`${step} ${code}`) }),
      alerts,
      repository: { openForService: async () => undefined, recordPublication: async () => undefined },
      incidents: { start: jest.fn(), note: jest.fn() },
      verdict: async () => NO_SUSPECT,
      describeVerdict: () => 'no suspect',
      policy: { channelFor: () => '#checkout-alerts', peopleFor: () => [] },
      logger: { warn: () => undefined },
    });
  }

  async function receive(fingerprint: string): Promise<void> {
    const alert: Alert = { fingerprint, source: 'generic', service: 'checkout', name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: new Date().toISOString(), labels: {} };
    const [recorded] = await alerts.recordMany([alert], Date.now());
    await pending.schedule('checkout', [recorded!.fingerprint]);
  }

  it('a digest replayed after a crash between the post and the cleanup posts nothing twice, then lets the alerts go', async () => {
    await receive('fp-1');
    crashBeforeFinish = true;
    await expect(flow().digest('checkout')).rejects.toThrow('process killed');
    expect(notifier.cards).toHaveLength(1);
    // still in Redis: not yet cleaned up
    expect(await pending.pendingServices()).toEqual(['checkout']);

    crashBeforeFinish = false;
    await flow().digest('checkout');
    expect(notifier.cards).toHaveLength(1);
    expect(await pending.claim('checkout')).toBeUndefined();
    expect(await pending.pendingServices()).toEqual([]);
  });

  it('alerts leave Redis only once shown: a failed post keeps them, the retry shows them', async () => {
    await receive('fp-1');
    notifier.failNextCard = new Error('Slack answered 500');
    await expect(flow().digest('checkout')).rejects.toThrow('500');
    expect(notifier.cards).toHaveLength(0);
    await receive('fp-2'); // arrives meanwhile: waits for the next batch
    await flow().digest('checkout');
    expect(notifier.cards.map((c) => c.alert.fingerprint)).toEqual(['fp-1']);
    await flow().digest('checkout'); // fp-2, shown on the card already there
    expect(notifier.updates).toHaveLength(1);
    expect(await pending.pendingServices()).toEqual([]);
  });

  it('a card refused for good is given up once and never blocks the next digest of the service', async () => {
    await receive('fp-1');
    notifier.failNextCard = Object.assign(new Error('invalid_blocks'), { slack: 'invalid_blocks' });
    await flow().digest('checkout');
    expect(givenUp).toEqual(['b1-card invalid_blocks']);
    expect(await pending.pendingServices()).toEqual([]);

    await receive('fp-2');
    await flow().digest('checkout');
    expect(notifier.cards.map((c) => c.alert.fingerprint)).toEqual(['fp-2']);
    expect(givenUp).toHaveLength(1);
  });
});
