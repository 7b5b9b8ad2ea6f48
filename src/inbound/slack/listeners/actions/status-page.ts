import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { publishModal } from '../../../../blocks/status-page';
import { publishButtonValueSchema } from '../../../../blocks/status-page-ids';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const buttonSchema = z.object({ type: z.literal('button'), value: z.string() });

function parseValue(action: unknown) {
  const button = buttonSchema.safeParse(action);
  if (!button.success) return undefined;
  try {
    const value = publishButtonValueSchema.safeParse(JSON.parse(button.data.value));
    return value.success ? value.data : undefined;
  } catch {
    return undefined;
  }
}

/** **Publish to status page**: opens the review modal with the runbook's text for the button's stage. */
export function publishToStatusPage(deps: SlackDeps) {
  return async ({ ack, action, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const value = parseValue(action);
    const incident = value ? await deps.incidents.find(value.incidentId) : undefined;
    if (!value || !incident || !deps.statusPage) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'This button does not belong to an incident I know.' });
      return;
    }
    if (incident.drill) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `${incident.id} is a drill: a drill never touches the status page.` });
      return;
    }
    const draft = await deps.statusPage.draft(incident, value.stage);
    await client.views.open({ trigger_id: body.trigger_id, view: publishModal(incident, draft) });
  };
}
