import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const checklistActionSchema = z.object({
  type: z.literal('checkboxes'),
  selected_options: z.array(z.object({ value: z.string() })),
});

/** A tick on the post-incident checklist: saved, and on the timeline with who ticked it. */
export function checklistToggle(deps: SlackDeps) {
  return async ({ ack, action, body, respond }: ActionArgs): Promise<void> => {
    await ack();
    const parsed = checklistActionSchema.safeParse(action);
    const channelId = body.channel?.id;
    const incident = channelId ? await deps.incidents.findByChannel(channelId) : undefined;
    if (!parsed.success || !incident) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'This checklist does not belong to an incident I know.' });
      return;
    }
    const known = new Set(deps.content.postIncidentChecklist.map((item) => item.id));
    const checked = parsed.data.selected_options.map((o) => o.value).filter((id) => known.has(id));
    await deps.incidents.setChecklist(incident.id, checked, body.user.id);
  };
}
