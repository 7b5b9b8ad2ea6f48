import type { WebClient } from '@slack/web-api';
import type { RedisClient } from '../../lib/redis-connection';
import { isOncallTarget } from '../../domain/oncall/model';
import type { RedisKeys } from '../../lib/keys';

const CACHE_SECONDS = 60;

/** Who is in a Slack user group, asked of Slack at most once a minute per group (cached in Redis). */
export class SlackDirectory {
  constructor(
    private readonly client: WebClient,
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** Whoever is on call behind `rotation:`/`pagerduty:`/`opsgenie:` targets; without it they are skipped. */
    private readonly oncall?: (target: string) => Promise<string[]>,
  ) {}

  async groupMembers(groupId: string): Promise<string[]> {
    const key = this.keys.usergroupMembers(groupId);
    const cached = await this.redis.get(key);
    if (cached) return JSON.parse(cached) as string[];
    const response = await this.client.usergroups.users.list({ usergroup: groupId });
    const users = response.users ?? [];
    await this.redis.set(key, JSON.stringify(users), 'EX', CACHE_SECONDS);
    return users;
  }

  /** Users (U…/W…) as they are, groups (S…) expanded to their members; no duplicates. */
  async expand(targets: string[]): Promise<string[]> {
    const users = new Set<string>();
    for (const target of targets) {
      if (isOncallTarget(target)) for (const member of (await this.oncall?.(target)) ?? []) users.add(member);
      else if (target.startsWith('S')) for (const member of await this.groupMembers(target)) users.add(member);
      else users.add(target);
    }
    return [...users];
  }
}
