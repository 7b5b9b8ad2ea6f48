import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { startIncidentModal } from '../../../../blocks/incident-modals';
import type { SlackDeps } from '../../deps';
import { channelLink, md } from '../../../../blocks/text';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const alertIdSchema = z.object({ service: z.string(), fingerprint: z.string() });
const startValueSchema = z.union([alertIdSchema, z.object({ ref: z.string().regex(/^[0-9a-f]{64}$/) })]);
const buttonSchema = z.object({ type: z.literal('button'), value: z.string() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const SEVERITY_FOR_ALERT = { critical: 'P1', error: 'P2', warning: 'P2', info: 'P3' } as const;

/** **Start incident** on an alert card: the start modal, filled in from the alert and its verdict. */
export function startFromAlert(deps: SlackDeps) {
  return async ({ ack, action, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const button = buttonSchema.safeParse(action);
    const value = button.success ? startValueSchema.safeParse(parseJson(button.data.value)) : undefined;
    // A ref stored by a release before alerts were kept per service holds a bare fingerprint: not known.
    const stored = value?.success && 'ref' in value.data ? await deps.redis.get(deps.keys.seen('alert-ref', value.data.ref)) : undefined;
    const id = !value?.success ? undefined : 'ref' in value.data ? alertIdSchema.safeParse(parseJson(stored ?? '')).data : value.data;
    const alert = id ? await deps.alerts.get(id.service, id.fingerprint) : undefined;
    if (!alert) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That alert is no longer known (past retention?). Use `/incident start`.' });
      return;
    }
    const open = await deps.incidents.openIncidentForService(alert.service);
    if (open) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: md`${open.id} is already open for ${alert.service}: ${channelLink(open.channelId ?? open.channelName)}`.toString() });
      return;
    }
    const verdict = await deps.verdictFor(alert);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: startIncidentModal({
        title: `${alert.name} on ${alert.service}`.slice(0, 80),
        severities: deps.content.severities,
        services: Object.keys(deps.config.services),
        service: Object.hasOwn(deps.config.services, alert.service) ? alert.service : undefined,
        severity: Object.hasOwn(SEVERITY_FOR_ALERT, alert.severity) ? SEVERITY_FOR_ALERT[alert.severity as keyof typeof SEVERITY_FOR_ALERT] : 'P2',
        impact: [alert.summary, verdict].filter(Boolean).join('\n'),
        reporterId: body.user.id,
        metadata: { channelId: body.channel?.id, origin: { alertFingerprint: alert.fingerprint, alertService: alert.service, alertName: alert.name, verdict } },
      }),
    });
  };
}
