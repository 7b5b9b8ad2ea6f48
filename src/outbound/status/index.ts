import type { StatusPageConfig } from '../../config/status-page';
import type { StatusProvider } from '../../domain/status/ports';
import { StatuspageProvider } from './statuspage';
import { WebhookStatusProvider } from './webhook';

/** The configured outside status page, if any (the config schema guarantees each provider's fields). */
export function statusProvider(config: StatusPageConfig): StatusProvider | undefined {
  const { pageId, apiKey, url, secret } = config;
  if (config.provider === 'statuspage' && pageId && apiKey) return new StatuspageProvider({ ...config, pageId, apiKey });
  if (config.provider === 'webhook' && url && secret) return new WebhookStatusProvider({ ...config, url, secret });
  return undefined;
}
