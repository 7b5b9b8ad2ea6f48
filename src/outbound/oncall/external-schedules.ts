import type { WebClient } from '@slack/web-api';
import type { RedisClient } from '../../lib/redis-connection';
import type { Logger } from 'pino';
import type { ExternalOnCall, OncallTarget } from '../../domain/oncall/model';
import type { ExternalSchedules } from '../../domain/oncall/ports';
import type { Clock } from '../../lib/clock';
import type { RedisKeys } from '../../lib/keys';
import { opsgenieOnCallEmails, pagerdutyOnCallEmails, type ProviderOnCall } from './providers';

type ExternalTarget = Extract<OncallTarget, { kind: 'pagerduty' | 'opsgenie' }>;

interface KnownAnswer {
  users: string[];
  until?: string;
  fetchedAt: string;
}

/** How long a Slack user id found by email is reused. */
const EMAIL_CACHE_SECONDS = 3600;

/**
 * PagerDuty and Opsgenie schedules as Slack users: the provider's on-call emails, each looked up
 * with users.lookupByEmail. An answer is reused for `cacheFor`; the last one is kept, so when the
 * provider is down the last known on-call is paged and the answer says it is stale.
 */
export class ProviderSchedules implements ExternalSchedules {
  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: RedisKeys;
      client: () => WebClient;
      clock: Clock;
      logger: Logger;
      cacheFor: number;
      pagerdutyToken?: string;
      opsgenieToken?: string;
      /** For tests: other API hosts. */
      pagerdutyUrl?: string;
      opsgenieUrl?: string;
    },
  ) {}

  async onCall(target: ExternalTarget, now: Date): Promise<ExternalOnCall> {
    const key = this.deps.keys.oncallExternal(`${target.kind}-${target.name}`);
    const cached = await this.deps.redis.get(key);
    const known = cached ? (JSON.parse(cached) as KnownAnswer) : undefined;
    const answer = (a: KnownAnswer): ExternalOnCall => ({ users: a.users, ...(a.until ? { until: a.until } : {}) });
    // Reused while fresh, and never past the end of the shift it describes.
    const fresh = known && now.getTime() - Date.parse(known.fetchedAt) < this.deps.cacheFor && !(known.until && Date.parse(known.until) <= now.getTime());
    if (known && fresh) return answer(known);
    try {
      const { emails, until } = await this.emails(target, now);
      const users: string[] = [];
      for (const email of emails) {
        const user = await this.userByEmail(email);
        if (user) users.push(user);
      }
      const fetched: KnownAnswer = { users, ...(until ? { until } : {}), fetchedAt: now.toISOString() };
      await this.deps.redis.set(key, JSON.stringify(fetched));
      return answer(fetched);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.logger.warn({ target: `${target.kind}:${target.name}`, err: message }, 'on-call schedule unavailable; using the last known answer');
      return { users: known?.users ?? [], stale: { ...(known ? { knownAt: known.fetchedAt } : {}), error: message } };
    }
  }

  private emails(target: ExternalTarget, now: Date): Promise<ProviderOnCall> {
    return target.kind === 'pagerduty'
      ? pagerdutyOnCallEmails(target.name, this.deps.pagerdutyToken, { baseUrl: this.deps.pagerdutyUrl })
      : opsgenieOnCallEmails(target.name, this.deps.opsgenieToken, now, { baseUrl: this.deps.opsgenieUrl });
  }

  /** The Slack user with this email; undefined when Slack knows nobody by it. */
  private async userByEmail(email: string): Promise<string | undefined> {
    const key = this.deps.keys.oncallEmail(email);
    const cached = await this.deps.redis.get(key);
    if (cached) return cached;
    try {
      const found = await this.deps.client().users.lookupByEmail({ email });
      const id = found.user?.id;
      if (id) await this.deps.redis.set(key, id, 'EX', EMAIL_CACHE_SECONDS);
      return id;
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') {
        this.deps.logger.warn({ email }, 'on-call email has no Slack user');
        return undefined;
      }
      throw error;
    }
  }
}
