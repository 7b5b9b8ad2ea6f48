import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { acknowledgeReplyText, escalateReplyText } from '../../../../blocks/escalation';
import { ESCALATION_ACTIONS, parseEscalationButtonValue, type EscalationButtonValue } from '../../../../blocks/escalation-ids';
import { updateIncidentModal } from '../../../../blocks/incident-modals';
import { channelLink, md, type Mrkdwn } from '../../../../blocks/text';
import { updateCadence } from '../../../../config/cadence';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ButtonHandler = (value: EscalationButtonValue, args: ActionArgs) => Promise<Mrkdwn | undefined>;

const buttonSchema = z.object({ type: z.literal('button'), value: z.string() });

const REFUSED = md`:no_entry: Only the people paged for this incident (at this level or before) and the service's responders can use these buttons. Nothing was changed.`;

/**
 * Acknowledge Slack at once, parse the button's value, check the clicker against what the server
 * knows (who was paged, the responders) when `guarded` names the action, run, and answer privately.
 */
function escalationButton(deps: SlackDeps, run: ButtonHandler, guarded?: string) {
  return async (args: ActionArgs): Promise<void> => {
    const { ack, action, respond } = args;
    await ack();
    const button = buttonSchema.safeParse(action);
    const value = button.success ? parseEscalationButtonValue(button.data.value) : undefined;
    // A failure of `run` is logged and told to the clicker by the error sink (error-sink.ts).
    const allowed = value && guarded ? await deps.escalation.mayAct(value.incidentId, args.body.user.id, value.level, guarded) : true;
    const text: Mrkdwn | undefined = !value ? md`This button does not belong to an incident I know.` : allowed ? await run(value, args) : REFUSED;
    if (text) await respond({ response_type: 'ephemeral', replace_original: false, text: text.toString() });
  };
}

/** **Acknowledge**: records who, stops that level's reminders. */
export function acknowledgeEscalation(deps: SlackDeps) {
  return escalationButton(
    deps,
    async (value, { body }) => acknowledgeReplyText(await deps.escalation.acknowledge(value.incidentId, body.user.id, value), value.incidentId),
    'Acknowledge',
  );
}

/** **Escalate now**: the level after the one this message is about, now. */
export function escalateNow(deps: SlackDeps) {
  return escalationButton(
    deps,
    async (value, { body }) => escalateReplyText(await deps.escalation.escalateNow(value.incidentId, body.user.id, value), value.incidentId),
    'Escalate now',
  );
}

/** **Data loss risk**: the template's level 3, at once. */
export function dataLossRisk(deps: SlackDeps) {
  return escalationButton(
    deps,
    async (value, { body }) => escalateReplyText(await deps.escalation.escalateDataLoss(value.incidentId, body.user.id), value.incidentId),
    'Data loss risk',
  );
}

/** **Join channel**: invites the clicker into the incident channel. */
export function joinIncidentChannel(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body }) => {
    const channel = await deps.escalation.joinChannel(value.incidentId, body.user.id);
    return channel ? md`You are in ${channelLink(channel)} now.` : md`${value.incidentId} has no channel yet; try again in a moment.`;
  }, 'Join channel');
}

/** **Post update** on an update reminder: the update modal. */
export function postUpdateFromReminder(deps: SlackDeps) {
  return escalationButton(deps, async (value, { body, client }) => {
    const incident = await deps.incidents.get(value.incidentId);
    if (incident.status !== 'open') return md`${incident.id} is resolved. \`/incident reopen\` first.`;
    await client.views.open({ trigger_id: body.trigger_id, view: updateIncidentModal(incident, updateCadence(incident.service, deps.config, deps.content.policy)) });
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
