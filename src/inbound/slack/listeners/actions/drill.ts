import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { DRILL_ACTIONS, DRILL_STEPS_BLOCK } from '../../../../blocks/drill';
import { buttonValue } from '../../button-value';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

const buttonValueSchema = z.object({ incidentId: z.string().min(1), flagIndex: z.number().int().nonnegative().optional() });
const stepsSchema = z.object({
  type: z.literal('checkboxes'),
  block_id: z.string().startsWith(DRILL_STEPS_BLOCK),
  options: z.array(z.object({ value: z.string() })).optional(),
  selected_options: z.array(z.object({ value: z.string() })),
});


/** Drill buttons (Rollback, Disable flag: dry runs) and ticks on the drill's runbook steps. */
export function registerDrillActions(app: App, deps: SlackDeps): void {
  const dryRun = async ({ ack, action, body, respond }: ActionArgs): Promise<void> => {
    await ack();
    const value = buttonValue(action, buttonValueSchema);
    if (!value) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That button does not belong to a drill I know.' });
      return;
    }
    const text = await deps.drills.dryRun(value.incidentId, body.user.id, value.flagIndex);
    await respond({ response_type: 'ephemeral', replace_original: false, text: text.toString() });
  };
  app.action(DRILL_ACTIONS.rollback, dryRun);
  app.action(new RegExp(`^${DRILL_ACTIONS.disableFlag}_\\d+$`), dryRun);

  app.action(DRILL_ACTIONS.stepToggle, async ({ ack, action, body, respond }: ActionArgs) => {
    await ack();
    const parsed = stepsSchema.safeParse(action);
    const channelId = body.channel?.id;
    const incident = channelId ? await deps.incidents.findByChannel(channelId) : undefined;
    if (!parsed.success || !incident?.drill) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'These steps do not belong to a drill I know.' });
      return;
    }
    // The block holds steps [10n, 10n+9]; its ticks replace that range only.
    const block = Number(parsed.data.block_id.slice(DRILL_STEPS_BLOCK.length));
    const range = Array.from({ length: 10 }, (_, i) => String(block * 10 + i));
    await deps.drills.tick(incident.id, range, parsed.data.selected_options.map((o) => o.value), body.user.id);
  });
}
