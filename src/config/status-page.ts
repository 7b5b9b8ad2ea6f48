import { z } from 'zod';
import { durationSchema } from '../lib/duration';
import type { Issue } from '../lib/errors';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * `statusPage:` in the config file. Firebreak's own page (/status, /status.json, /status/feed) always
 * shows what people published; `provider` also sends it to Atlassian Statuspage or a webhook.
 */
export const statusPageConfigSchema = z
  .strictObject({
    /** The page's heading. */
    title: z.string().trim().min(1).max(80).default('Service status'),
    /** Where the public reaches /status (links in the feed); default: the request's host. */
    publicUrl: httpUrl.optional(),
    /** The services listed as components (default: every configured service). */
    services: z.array(z.string()).optional(),
    provider: z.enum(['none', 'statuspage', 'webhook']).default('none'),
    /** statuspage: the page id and an API key (`${STATUSPAGE_API_KEY}`). */
    pageId: z.string().regex(/^[A-Za-z0-9]+$/, 'a Statuspage page id (letters and digits)').optional(),
    apiKey: z.string().min(1).optional(),
    apiUrl: httpUrl.default('https://api.statuspage.io/v1'),
    /** service → Statuspage component id. */
    components: z.record(z.string(), z.string().regex(/^[A-Za-z0-9]+$/, 'a Statuspage component id')).default({}),
    /** Email/SMS the page's subscribers on each publication (Statuspage's deliver_notifications). */
    notifySubscribers: z.boolean().default(true),
    /** webhook: where the signed JSON goes and the HMAC secret. */
    url: httpUrl.optional(),
    secret: z.string().min(1).optional(),
    timeout: durationSchema.default(10_000),
  })
  .superRefine((page, ctx) => {
    const need = (field: 'pageId' | 'apiKey' | 'url' | 'secret') => {
      if (!page[field]) ctx.addIssue({ code: 'custom', path: [field], message: `required when provider is ${page.provider}` });
    };
    if (page.provider === 'statuspage') ['pageId', 'apiKey'].forEach((f) => need(f as 'pageId' | 'apiKey'));
    if (page.provider === 'webhook') ['url', 'secret'].forEach((f) => need(f as 'url' | 'secret'));
  });

export type StatusPageConfig = z.output<typeof statusPageConfigSchema>;

export const DEFAULT_STATUS_PAGE: StatusPageConfig = statusPageConfigSchema.parse({});

/** statusPage.components must name configured services (checked on the raw document, with the other references). */
export function statusPageReferenceIssues(document: Record<string, unknown>): Issue[] {
  const page = document.statusPage;
  const services = document.services && typeof document.services === 'object' ? document.services : {};
  if (!page || typeof page !== 'object') return [];
  const issues: Issue[] = [];
  const components = 'components' in page && page.components && typeof page.components === 'object' ? page.components : {};
  for (const service of Object.keys(components)) {
    if (!(service in services)) issues.push({ path: `statusPage.components.${service}`, message: `"${service}" is not a configured service` });
  }
  const listed = 'services' in page && Array.isArray(page.services) ? (page.services as unknown[]) : [];
  listed.forEach((service, index) => {
    if (typeof service !== 'string' || !(service in services))
      issues.push({ path: `statusPage.services.${index}`, message: `"${String(service)}" is not a configured service` });
  });
  return issues;
}
