import type { RedisClient } from '../../lib/redis-connection';
import type { AlertCards, ShownCard } from '../../domain/intake/digest-ports';
import type { RedisKeys } from '../../lib/keys';

/** How long a card keeps absorbing a service's alerts before a new one is posted. */
const CARD_TTL_SECONDS = 2 * 3600;

/** The alert card shown for each service, as JSON with a TTL. */
export class RedisAlertCards implements AlertCards {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async get(service: string): Promise<ShownCard | undefined> {
    const raw = await this.redis.get(this.keys.alertCard(service));
    return raw ? (JSON.parse(raw) as ShownCard) : undefined;
  }

  async save(service: string, card: ShownCard): Promise<void> {
    await this.redis.set(this.keys.alertCard(service), JSON.stringify(card), 'EX', CARD_TTL_SECONDS);
  }

  async clear(service: string): Promise<void> {
    await this.redis.del(this.keys.alertCard(service));
  }
}
