import type { RedisClient } from '../../lib/redis-connection';
import { remediationOfferSchema, type RemediationOffer, type RemediationOfferPayload } from '../../blocks/remediation-ids';
import type { RedisKeys } from '../../lib/keys';
import { spread } from './spread';

/**
 * The Rollback / Disable flag buttons the server rendered, by offer id: saved before the message
 * is posted, read when a button comes back. A value that names no saved offer runs nothing.
 */
export class RemediationOfferStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** How long a button stays usable (the config's retention). */
    private readonly ttlMs: number,
  ) {}

  async save(offers: readonly RemediationOffer[]): Promise<void> {
    if (offers.length === 0) return;
    const results = await spread(this.redis, (batch) => {
      for (const offer of offers) batch.set(this.keys.remediationButton(offer.id), JSON.stringify(offer.payload), 'PX', this.ttlMs);
    });
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async get(offerId: string): Promise<RemediationOfferPayload | undefined> {
    const raw = await this.redis.get(this.keys.remediationButton(offerId));
    if (!raw) return undefined;
    try {
      const parsed = remediationOfferSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
