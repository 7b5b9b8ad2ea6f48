import type { View } from '@slack/types';
import type { Incident } from '../domain/incidents/model';
import { STAGE_LABELS, STATUS_STAGES, type PublicIncident, type PublicUpdate, type StatusStage } from '../domain/status/model';
import type { StatusDraft } from '../domain/status/texts';
import { humanDuration } from '../lib/human-duration';
import { INPUT_ACTION } from './ids';
import type { SlackMessage } from './incident-messages';
import { PUBLISH_BUTTON_TEXT, STATUS_PAGE_ACTIONS, STATUS_PAGE_BLOCKS as B, STATUS_PAGE_VIEW, type PublishButtonValue } from './status-page-ids';
import { context, joinMd, md, mention, plain, section, slackMessage, truncate, type Mrkdwn } from './text';

export function publishButton(incidentId: string, stage: StatusStage) {
  const value: PublishButtonValue = { incidentId, stage };
  return {
    type: 'button' as const,
    action_id: STATUS_PAGE_ACTIONS.publish,
    text: plain(PUBLISH_BUTTON_TEXT),
    value: JSON.stringify(value),
  };
}

/** Slack's quote of a public text: each line after "> ", escaped. */
const quote = (value: string): Mrkdwn => joinMd(truncate(value, 2500).split('\n').map((line) => md`> ${line}`));

/** Posted after opening, an update or the resolution: the next public text, for a person to publish. */
export function proposalMessage(incident: Incident, stage: StatusStage, why: string, draft: string): SlackMessage {
  const value = md`:globe_with_meridians: ${why}. Suggested status page text (*${STAGE_LABELS[stage]}*), not public until someone publishes it:\n${quote(draft)}`;
  return slackMessage(value, [
    section(value),
    { type: 'actions', elements: [publishButton(incident.id, stage)] },
    context(md`${incident.id} · you can edit the text before it goes public`),
  ]);
}

export function publishedMessage(record: PublicIncident, update: PublicUpdate, by: string): SlackMessage {
  return slackMessage(md`:white_check_mark: ${mention(by)} published to the status page (*${STAGE_LABELS[update.stage]}*) — “${record.title}”:\n${quote(update.text)}`);
}

export function reminderMessage(incident: Incident, stage: StatusStage, ageMs: number): SlackMessage {
  const value = md`:alarm_clock: The status page text is ${humanDuration(ageMs)} old. The runbook asks for a public update at least that often while the incident is open. Suggested next: *${STAGE_LABELS[stage]}*.`;
  return slackMessage(value, [section(value), { type: 'actions', elements: [publishButton(incident.id, stage)] }]);
}

export function failedMessage(incident: Incident, stage: StatusStage, reason: string): SlackMessage {
  const value = md`:warning: Could not publish to the status page (*${STAGE_LABELS[stage]}*): ${reason}. Nothing new is public; try again.`;
  return slackMessage(value, [section(value), { type: 'actions', elements: [publishButton(incident.id, stage)] }]);
}

function stageOption(stage: StatusStage) {
  return { value: stage, text: plain(STAGE_LABELS[stage]) };
}

/** The review modal: the runbook's text pre-filled; nothing is public until Publish is pressed. */
export function publishModal(incident: Incident, draft: StatusDraft): View {
  return {
    type: 'modal',
    callback_id: STATUS_PAGE_VIEW,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: plain('Status page'),
    submit: plain('Publish'),
    close: plain('Cancel'),
    blocks: [
      section(md`This text becomes *public* on the status page for ${incident.id}. Review it first; keep internal details out.`),
      {
        type: 'input',
        block_id: B.stage,
        label: plain('Stage'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: STATUS_STAGES.map(stageOption), initial_option: stageOption(draft.stage) },
      },
      {
        type: 'input',
        block_id: B.title,
        label: plain('Public title'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, initial_value: draft.title, max_length: 120 },
      },
      {
        type: 'input',
        block_id: B.text,
        label: plain('Public text'),
        hint: plain('The runbook’s text for this stage. Changing the stage above does not rewrite it.'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, initial_value: draft.text, max_length: 2000 },
      },
    ],
  };
}
