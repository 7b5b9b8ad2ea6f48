import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { runbookModal } from '../../../../blocks/runbook-card';
import { RUNBOOK_ACTIONS, showAllValueSchema } from '../../../../blocks/runbook-ids';
import { buttonValue } from '../../button-value';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const checksSchema = z.object({ type: z.literal('checkboxes'), selected_options: z.array(z.object({ value: z.string().regex(/^s\d{1,3}$/) })) });


/** **Show all**: the whole runbook in a modal. */
function showAll(deps: SlackDeps) {
  return async ({ ack, action, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const value = buttonValue(action, showAllValueSchema);
    const runbook = value ? deps.content.runbook(value.runbook) : undefined;
    if (!runbook) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That runbook is not known any more. `/incident runbook list` shows the ids.' });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: runbookModal(runbook) });
  };
}

/** A tick on the card's first checks: on the incident's timeline, with who ticked what. */
function checkToggle(deps: SlackDeps) {
  return async ({ ack, action, body }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = checksSchema.safeParse(action);
    const channelId = body.channel?.id;
    const incident = channelId ? await deps.incidents.findByChannel(channelId) : undefined;
    if (!parsed.success || !incident) return;
    const runbookId = (incident.service ? deps.config.services[incident.service]?.runbook : undefined) ?? 'incident-response';
    const steps = deps.content.runbook(runbookId)?.steps ?? [];
    const ticked = parsed.data.selected_options.map((o) => steps[Number(o.value.slice(1))]).filter((s): s is string => Boolean(s));
    await deps.incidents.note(incident.id, body.user.id, 'runbook-check', ticked.length > 0 ? `First checks done: ${ticked.join('; ')}` : 'First checks: none ticked', {
      runbook: runbookId,
      checked: parsed.data.selected_options.map((o) => o.value),
    });
  };
}

export function registerRunbookActions(app: App, deps: SlackDeps): void {
  app.action(RUNBOOK_ACTIONS.showAll, showAll(deps));
  app.action(RUNBOOK_ACTIONS.checkToggle, checkToggle(deps));
}
