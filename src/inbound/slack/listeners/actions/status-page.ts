import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { publishModal } from '../../../../blocks/status-page';
import { publishButtonValueSchema } from '../../../../blocks/status-page-ids';
import { buttonValue } from '../../button-value';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;



/** **Publish to status page**: opens the review modal with the runbook's text for the button's stage. */
export function publishToStatusPage(deps: SlackDeps) {
  return async ({ ack, action, body, client, respond }: ActionArgs): Promise<void> => {
    await ack();
    const value = buttonValue(action, publishButtonValueSchema);
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
