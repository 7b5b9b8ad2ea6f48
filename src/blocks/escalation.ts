import type { KnownBlock } from '@slack/types';
import { formatDistanceStrict } from 'date-fns';
import { levelName, reasonText, targetsText } from '../domain/escalation/describe';
import type { Acknowledgement, LevelNotice, PostmortemNotice, UpdateReminderNotice } from '../domain/escalation/model';
import type { AcknowledgeResult, EscalateResult } from '../domain/escalation/service';
import type { Incident } from '../domain/incidents/model';
import { humanDuration } from '../lib/human-duration';
import { ESCALATION_ACTIONS, ESCALATION_BLOCKS, escalationButtonValue } from './escalation-ids';
import { utcTime, type RenderTemplate, type SlackMessage } from './incident-messages';
import { channelLink, context, escapeMrkdwn, mention, plain, section } from './text';

const channelOf = (incident: Incident) => (incident.channelId ? channelLink(incident.channelId) : `#${incident.channelName}`);

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger') {
  return { type: 'button' as const, text: plain(text), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** The template's level 3 trigger, as a button in the incident channel. */
export const DATA_LOSS_BUTTON = 'Data loss risk';

function levelButtons(notice: LevelNotice, withJoin: boolean): KnownBlock {
  const value = escalationButtonValue({ incidentId: notice.incident.id, level: notice.level.level, epoch: notice.epoch });
  return {
    type: 'actions',
    block_id: ESCALATION_BLOCKS.levelActions,
    elements: [
      button('Acknowledge', ESCALATION_ACTIONS.acknowledge, value, 'primary'),
      ...(withJoin ? [button('Join channel', ESCALATION_ACTIONS.joinChannel, value)] : []),
      button('Escalate now', ESCALATION_ACTIONS.escalateNow, value, 'danger'),
      ...(withJoin ? [] : [button(DATA_LOSS_BUTTON, ESCALATION_ACTIONS.dataLoss, value, 'danger')]),
    ],
  };
}

/** The DM to each person of a level: what, how bad, how old, who leads, the latest update, and buttons. */
export function escalationDirectMessage(notice: LevelNotice, render: RenderTemplate): SlackMessage {
  const { incident, level, round, now } = notice;
  const text = render('escalation-dm', {
    level: level.level,
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    service: incident.service,
    age: formatDistanceStrict(now, new Date(incident.createdAt)),
    commander: mention(incident.commanderId),
    reason: `${levelName(level)}, ${reasonText(notice.reason)}`,
    latestUpdate: notice.latestUpdate ? escapeMrkdwn(notice.latestUpdate) : undefined,
    channel: channelOf(incident),
  });
  const note = round > 0 ? `Reminder ${round}: nobody has acknowledged this level yet.` : `${incident.id} · opened ${utcTime(incident.createdAt)}`;
  return {
    text: round > 0 ? `Reminder ${round}: ${text}` : text,
    blocks: [section(text), context(note), levelButtons(notice, true)],
  };
}

/** The line in the incident channel when a level is reached. */
export function escalationChannelMessage(notice: LevelNotice, render: RenderTemplate): SlackMessage {
  if (notice.level.notify.length === 0) {
    const where = notice.incident.service ? ` in ${escapeMrkdwn(notice.incident.service)}'s escalation` : '';
    const text = `:warning: Could not page ${levelName(notice.level)}: nobody is configured for it${where} — ${reasonText(notice.reason)}. Page them by hand.`;
    return { text, blocks: [section(text), levelButtons(notice, false)] };
  }
  const text = render('escalation-channel', {
    level: notice.level.level,
    targets: targetsText(notice.level),
    reason: reasonText(notice.reason),
    age: formatDistanceStrict(notice.now, new Date(notice.incident.createdAt)),
  });
  return { text, blocks: [section(text), levelButtons(notice, false)] };
}

export function acknowledgedMessage(level: number, ack: Acknowledgement): SlackMessage {
  const text = `:white_check_mark: ${mention(ack.by)} acknowledged escalation level ${level}; its reminders stop.`;
  return { text, blocks: [section(text)] };
}

/** "@ic, no update for 20 minutes" with a Post update button that opens the update modal. */
export function updateReminderMessage(notice: UpdateReminderNotice, render: RenderTemplate): SlackMessage {
  const text = render('update-reminder', {
    commander: mention(notice.incident.commanderId),
    sinceLastUpdate: humanDuration(notice.silentFor),
    interval: humanDuration(notice.interval),
  });
  const value = escalationButtonValue({ incidentId: notice.incident.id, level: 0, epoch: notice.epoch });
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', block_id: ESCALATION_BLOCKS.reminderActions, elements: [button('Post update', ESCALATION_ACTIONS.postUpdate, value, 'primary')] },
    ],
  };
}

/** At resolve (announcement) and a day later unless scheduled (reminder). */
export function postmortemMessage(notice: PostmortemNotice, render: RenderTemplate): SlackMessage {
  const { incident } = notice;
  const text = render('postmortem-reminder', {
    commander: mention(incident.commanderId),
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    dueAt: utcTime(notice.dueAt.toISOString()),
  });
  const lead = notice.kind === 'reminder' ? 'Reminder: ' : `${incident.id} resolved (${channelOf(incident)}). `;
  return {
    text: `${lead}${text}`,
    blocks: [section(`${lead}${text}`), context('Once it is on the calendar: `/incident postmortem scheduled` (in the incident channel) stops the reminder.')],
  };
}

export function acknowledgeReplyText(result: AcknowledgeResult, incidentId: string): string {
  switch (result.kind) {
    case 'acknowledged':
      return `You acknowledged escalation level ${result.level} of ${incidentId}; its reminders stop.`;
    case 'already':
      return `Level ${result.level} of ${incidentId} was already acknowledged by ${mention(result.ack.by)}.`;
    case 'nothing-yet':
      return `No escalation level of ${incidentId} has been notified yet.`;
    case 'resolved':
      return `${incidentId} is resolved; there is nothing to acknowledge.`;
    case 'stale':
      return `${incidentId} was reopened since this message; acknowledge the new notification instead.`;
  }
}

export function escalateReplyText(result: EscalateResult, incidentId: string): string {
  switch (result.kind) {
    case 'escalating':
      return `Escalating ${incidentId} to ${levelName(result.level)} now: ${targetsText(result.level)}.`;
    case 'already':
      return `Level ${result.level} of ${incidentId} has already been notified.`;
    case 'top':
      return `${incidentId} is already at the highest escalation level (${result.level}).`;
    case 'resolved':
      return `${incidentId} is resolved; there is nothing to escalate.`;
    case 'stale':
      return `${incidentId} was reopened since this message; use \`/incident escalate\` in its channel.`;
  }
}
