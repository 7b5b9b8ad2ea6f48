import type { WebClient } from '@slack/web-api';
import type { RedisClient } from './lib/redis-connection';
import type { Logger } from 'pino';
import type { ConfigFile } from './config/file';
import type { Content } from './content';
import type { IncidentService } from './domain/incidents/service';
import type { Clock } from './lib/clock';
import type { RedisKeys } from './lib/keys';
import type { QueueSettings } from './outbound/jobs/queues';

/** What firebreak.ts builds once and hands every wire-* module of the composition root. */
export interface Wiring {
  redis: RedisClient;
  keys: RedisKeys;
  queueSettings: QueueSettings;
  incidents: IncidentService;
  config: ConfigFile;
  content: Content;
  clock: Clock;
  logger: Logger;
  /** Bolt builds its Web API client after the services: read it when something is sent. */
  client: () => WebClient;
}
