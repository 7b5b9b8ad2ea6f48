import { z } from 'zod';

/** The labels an alert's service is read from, in order, when the config names none. */
export const DEFAULT_SERVICE_LABELS = ['service', 'app', 'app.kubernetes.io/name'];

/**
 * `alerts:` — how alerts find their service, which ones are heartbeats, and when an incident opens
 * by itself.
 *
 *   alerts:
 *     serviceLabels: [service, app, app.kubernetes.io/name]   # tried in order
 *     catchAll: platform            # a configured service for alerts no label routes (optional)
 *     heartbeats: { names: [Watchdog, DeadMansSwitch], severities: [none] }
 *     testChannel: "#alerts-test"   # where Grafana's Test notification is shown (default: announcements)
 *     autoStart: { severities: [critical], suspect: strong }
 *
 * `serviceLabel` (one label) is still read: it is tried before `serviceLabels`.
 */
export const alertsConfigSchema = z
  .object({
    serviceLabel: z.string().min(1).optional(),
    serviceLabels: z.array(z.string().min(1)).min(1, 'name at least one label').default(DEFAULT_SERVICE_LABELS),
    catchAll: z.string().min(1).optional(),
    heartbeats: z
      .object({
        names: z.array(z.string()).default(['Watchdog', 'DeadMansSwitch']),
        severities: z.array(z.string()).default(['none']),
      })
      .default({ names: ['Watchdog', 'DeadMansSwitch'], severities: ['none'] }),
    testChannel: z
      .string()
      .regex(/^(#[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{6,})$/, 'a channel like "#alerts-test" or a channel id')
      .optional(),
    autoStart: z
      .object({ severities: z.array(z.string()).default(['critical']), suspect: z.enum(['strong', 'possible', 'any']).default('strong') })
      .optional(),
  })
  .default({ serviceLabels: DEFAULT_SERVICE_LABELS, heartbeats: { names: ['Watchdog', 'DeadMansSwitch'], severities: ['none'] } });

/** `argocd.applications`: Argo CD application name → service (default: the application's name). */
export const argocdConfigSchema = z.object({ applications: z.record(z.string(), z.string()).default({}) }).default({ applications: {} });

/**
 * `environmentAliases`: other names of an environment, so a deploy to `production` and an alert
 * labelled `env=prod` match. Default `{prod: production}`; keys and values are compared lowercase.
 */
export const environmentAliasesSchema = z.record(z.string().min(1), z.string().min(1)).default({ prod: 'production' });

/** The ordered labels an alert's service is read from. */
export function serviceLabelsOf(alerts: z.infer<typeof alertsConfigSchema>): string[] {
  return [...new Set([...(alerts.serviceLabel ? [alerts.serviceLabel] : []), ...alerts.serviceLabels])];
}
