import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { acknowledgeReplyText, escalateReplyText } from '../../../../blocks/escalation';
import { ESCALATION_ACTIONS, parseEscalationButtonValue, type EscalationButtonValue } from '../../../../blocks/escalation-ids';
import { updateIncidentModal } from '../../../../blocks/incident-modals';
import { channelLink } from '../../../../blocks/text';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ButtonHandler = (value: EscalationButtonValue, args: ActionArgs) => Promise<string | undefined>;

const buttonSchema = z.object({ type: z.literal('button'), value: z.string() });

/** Acknowledge Slack at once, parse the button's value, run, and answer the clicker privately. */
function escalationButton(deps: SlackDeps, run: ButtonHandler) {
  return async (args: ActionArgs): Promise<void> => {
    const { ack, action, respond } = args;
    await ack();
    const button = buttonSchema.safeParse(action);
    const value = button.success ? parseEscalationButtonValue(button.data.value) : undefined;
    // A failure of `run` is logged and told to the clicker by the error sink (error-sink.ts).
    const text = value ? await run(value, args) : 'This button does not belong to an incident I know.';
    if (text) await respond({ response_type: 'ephemeral', replace_original: false, text });
  };
}

/** **Acknowledge**: records who, stops that level's reminders. */
export function acknowledgeEscalation(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body }) =>
    acknowledgeReplyText(await deps.escalation.acknowledge(value.incidentId, body.user.id, value), value.incidentId),
  );
}

/** **Escalate now**: the level after the one this message is about, now. */
export function escalateNow(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body }) =>
    escalateReplyText(await deps.escalation.escalateNow(value.incidentId, body.user.id, value), value.incidentId),
  );
}

/** **Data loss risk**: the template's level 3, at once. */
export function dataLossRisk(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body }) =>
    escalateReplyText(await deps.escalation.escalateDataLoss(value.incidentId, body.user.id), value.incidentId),
  );
}

/** **Join channel**: invites the clicker into the incident channel. */
export function joinIncidentChannel(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body }) => {
    const channel = await deps.escalation.joinChannel(value.incidentId, body.user.id);
    return channel ? `You are in ${channelLink(channel)} now.` : `${value.incidentId} has no channel yet; try again in a moment.`;
  });
}

/** **Post update** on an update reminder: the update modal. */
export function postUpdateFromReminder(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body, client }) => {
    const incident = await deps.incidents.get(value.incidentId);
    if (incident.status !== 'open') return `${incident.id} is resolved. \`/incident reopen\` first.`;
    await client.views.open({ trigger_id: body.trigger_id, view: updateIncidentModal(incident) });
    return undefined;
  });
}

export function registerEscalationActions(app: App, deps: SlackDeps): void {
  app.action(ESCALATION_ACTIONS.acknowledge, acknowledgeEscalation(deps));
  app.action(ESCALATION_ACTIONS.escalateNow, escalateNow(deps));
  app.action(ESCALATION_ACTIONS.joinChannel, joinIncidentChannel(deps));
  app.action(ESCALATION_ACTIONS.postUpdate, postUpdateFromReminder(deps));
  app.action(ESCALATION_ACTIONS.dataLoss, dataLossRisk(deps));
}
