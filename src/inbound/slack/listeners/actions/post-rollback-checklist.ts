import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { checklistBlockIdSchema } from '../../../../blocks/recovery-ids';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const toggleSchema = z.object({
  type: z.literal('checkboxes'),
  block_id: checklistBlockIdSchema,
  selected_options: z.array(z.object({ value: z.string() })),
});

/** A tick on one phase of the post-rollback checklist: that phase's ticks saved (and on the timeline); reminders name what is left. */
export function postRollbackChecklistToggle(deps: SlackDeps) {
  return async ({ ack, action, respond, body }: ActionArgs): Promise<void> => {
    const parsed = toggleSchema.safeParse(action);
    const store = deps.recoveryChecklist;
    if (!parsed.success || !store || !(await store.checklistPosted(parsed.data.block_id.watch))) {
      await ack();
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'This checklist does not belong to a rollback I know.' });
      return;
    }
    const { phase, watch } = parsed.data.block_id;
    const items = deps.content.postRollbackChecklist[phase].items.map((item) => item.id);
    const selected = parsed.data.selected_options.map((o) => o.value).filter((id) => items.includes(id));
    await store.setTicked(watch, items, selected);
    // On the incident's timeline with who ticked what, when the checklist is in an incident's channel.
    const incident = body.channel?.id ? await deps.incidents.findByChannel(body.channel.id) : undefined;
    const title = deps.content.postRollbackChecklist[phase].title;
    if (incident) await deps.incidents.note(incident.id, body.user.id, 'checklist', `Post-rollback checklist, ${title}: ${selected.length} of ${items.length} ticked`, { watch, phase, ticked: selected });
    // Stored before Slack hears back: a tick acknowledged is a tick kept.
    await ack();
  };
}
