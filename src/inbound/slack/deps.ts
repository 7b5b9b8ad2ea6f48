import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { IncidentService } from '../../domain/incidents/service';
import type { Clock } from '../../lib/clock';
import type { RedisKeys } from '../../lib/keys';

/** What Slack listeners may use; injected by main.ts. */
export interface SlackDeps {
  incidents: IncidentService;
  config: ConfigFile;
  content: Content;
  clock: Clock;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
}
