import { z } from 'zod';

/** How long one call to PagerDuty or Opsgenie may take. */
const TIMEOUT_MS = 5_000;

export const PAGERDUTY_API = 'https://api.pagerduty.com';
export const OPSGENIE_API = 'https://api.opsgenie.com';

/** The failure of a schedule provider (down, refused, unexpected answer). */
export class ScheduleProviderError extends Error {
  constructor(
    readonly provider: 'PagerDuty' | 'Opsgenie',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
    this.name = 'ScheduleProviderError';
  }
}

/** `GET /oncalls` (REST API v2) with `include[]=users`: each entry's user carries its email. */
const pagerdutyOncallsSchema = z.object({
  oncalls: z.array(
    z.object({
      escalation_level: z.number().optional(),
      end: z.string().nullish(),
      user: z.object({ id: z.string(), email: z.string().optional(), summary: z.string().optional() }),
    }),
  ),
});

/** `GET /v2/schedules/{name}/on-calls?flat=true`: the on-call participants' user names (emails). */
const opsgenieOnCallsSchema = z.object({
  data: z.object({ onCallRecipients: z.array(z.string()).default([]) }),
});

async function getJson(provider: ScheduleProviderError['provider'], url: string, headers: Record<string, string>, fetchImpl: typeof fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { Accept: 'application/json', ...headers }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new ScheduleProviderError(provider, `unreachable (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (!response.ok) throw new ScheduleProviderError(provider, `answered HTTP ${response.status}`);
  try {
    return await response.json();
  } catch (error) {
    throw new ScheduleProviderError(provider, 'answered something other than JSON', { cause: error });
  }
}

/** Emails of who is on call now, and until when, as a schedule provider answers. */
export interface ProviderOnCall {
  emails: string[];
  until?: string;
}

/** Emails of who is on call now in a PagerDuty schedule, and the earliest end of their shifts. */
export async function pagerdutyOnCallEmails(scheduleId: string, token: string | undefined, options: { baseUrl?: string; fetch?: typeof fetch } = {}): Promise<ProviderOnCall> {
  if (!token) throw new ScheduleProviderError('PagerDuty', 'PAGERDUTY_TOKEN is not set');
  const url = new URL('/oncalls', options.baseUrl ?? PAGERDUTY_API);
  url.searchParams.append('schedule_ids[]', scheduleId);
  url.searchParams.append('include[]', 'users');
  url.searchParams.set('earliest', 'true');
  const json = await getJson('PagerDuty', url.toString(), { Accept: 'application/vnd.pagerduty+json;version=2', Authorization: `Token token=${token}` }, options.fetch ?? fetch);
  const parsed = pagerdutyOncallsSchema.safeParse(json);
  if (!parsed.success) throw new ScheduleProviderError('PagerDuty', `unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const emails = parsed.data.oncalls.map((o) => o.user.email).filter((e): e is string => !!e);
  const ends = parsed.data.oncalls.map((o) => (o.end ? Date.parse(o.end) : NaN)).filter((t) => Number.isFinite(t));
  return { emails: [...new Set(emails.map((e) => e.toLowerCase()))], ...(ends.length > 0 ? { until: new Date(Math.min(...ends)).toISOString() } : {}) };
}

/** Emails (Opsgenie user names) of who is on call in an Opsgenie schedule at `at`. */
export async function opsgenieOnCallEmails(scheduleName: string, token: string | undefined, at: Date, options: { baseUrl?: string; fetch?: typeof fetch } = {}): Promise<ProviderOnCall> {
  if (!token) throw new ScheduleProviderError('Opsgenie', 'OPSGENIE_TOKEN is not set');
  const url = new URL(`/v2/schedules/${encodeURIComponent(scheduleName)}/on-calls`, options.baseUrl ?? OPSGENIE_API);
  url.searchParams.set('scheduleIdentifierType', 'name');
  url.searchParams.set('flat', 'true');
  url.searchParams.set('date', at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const json = await getJson('Opsgenie', url.toString(), { Authorization: `GenieKey ${token}` }, options.fetch ?? fetch);
  const parsed = opsgenieOnCallsSchema.safeParse(json);
  if (!parsed.success) throw new ScheduleProviderError('Opsgenie', `unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return { emails: [...new Set(parsed.data.data.onCallRecipients.map((e) => e.toLowerCase()))] };
}
