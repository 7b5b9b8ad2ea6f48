import type { KnownBlock } from '@slack/types';
import { formatDistanceStrict } from 'date-fns';
import { levelName, reasonText } from '../domain/escalation/describe';
import type { Acknowledgement, EscalationLevel, EscalationReason, LevelNotice, PostmortemNotice, UpdateReminderNotice } from '../domain/escalation/model';
import type { AcknowledgeResult, EscalateResult } from '../domain/escalation/service';
import type { Incident } from '../domain/incidents/model';
import { humanDuration } from '../lib/human-duration';
import { DATA_LOSS_BUTTON, ESCALATION_ACTIONS, ESCALATION_BLOCKS, escalationButtonValue } from './escalation-ids';
import { utcTime, type RenderTemplate } from './incident-messages';
import { channelLink, context, joinMd, md, mention, mentionTarget, Mrkdwn, plain, section, slackMessage, type SlackMessage } from './text';

const channelOf = (incident: Incident) => channelLink(incident.channelId ?? incident.channelName);

/** The domain's words, with the mentions built here (validated ids) and every other part escaped. */
const targetsMd = (level: EscalationLevel): Mrkdwn =>
  level.notify.length > 0 ? joinMd(level.notify.map(mentionTarget), ', ') : md`nobody is configured for this level`;
const reasonMd = (reason: EscalationReason): Mrkdwn =>
  reason.kind === 'manual'
    ? md`escalated by ${mention(reason.by)}`
    : reason.kind === 'data-loss'
      ? md`data loss risk flagged by ${mention(reason.by)}`
      : md`${reasonText(reason)}`;

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger') {
  return { type: 'button' as const, text: plain(text), action_id: actionId, value, ...(style ? { style } : {}) };
}

export { DATA_LOSS_BUTTON };

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
    title: incident.title,
    severity: incident.severity,
    service: incident.service,
    age: formatDistanceStrict(now, new Date(incident.createdAt)),
    commander: mention(incident.commanderId),
    reason: md`${levelName(level)}, ${reasonMd(notice.reason)}`,
    latestUpdate: notice.latestUpdate || undefined,
    channel: channelOf(incident),
  });
  const note = round > 0 ? md`Reminder ${round}: nobody has acknowledged this level yet.` : md`${incident.id} · opened ${utcTime(incident.createdAt)}`;
  return slackMessage(round > 0 ? md`Reminder ${round}: ${text}` : text, [section(text), context(note), levelButtons(notice, true)]);
}

/** The line in the incident channel when a level is reached. */
export function escalationChannelMessage(notice: LevelNotice, render: RenderTemplate): SlackMessage {
  if (notice.level.notify.length === 0) {
    const where = notice.incident.service ? md` in ${notice.incident.service}'s escalation` : md``;
    const text = md`:warning: Could not page ${levelName(notice.level)}: nobody is configured for it${where} — ${reasonMd(notice.reason)}. Page them by hand.`;
    return slackMessage(text, [section(text), levelButtons(notice, false)]);
  }
  const text = render('escalation-channel', {
    level: notice.level.level,
    targets: targetsMd(notice.level),
    reason: reasonMd(notice.reason),
    age: formatDistanceStrict(notice.now, new Date(notice.incident.createdAt)),
  });
  return slackMessage(text, [section(text), levelButtons(notice, false)]);
}

export function acknowledgedMessage(level: number, ack: Acknowledgement): SlackMessage {
  return slackMessage(md`:white_check_mark: ${mention(ack.by)} acknowledged escalation level ${level}; its reminders stop.`);
}

/** "@ic, no update for 20 minutes" with a Post update button that opens the update modal. */
export function updateReminderMessage(notice: UpdateReminderNotice, render: RenderTemplate): SlackMessage {
  const text = render('update-reminder', {
    commander: mention(notice.incident.commanderId),
    sinceLastUpdate: humanDuration(notice.silentFor),
    interval: humanDuration(notice.interval),
  });
  const value = escalationButtonValue({ incidentId: notice.incident.id, level: 0, epoch: notice.epoch });
  return slackMessage(text, [
    section(text),
    { type: 'actions', block_id: ESCALATION_BLOCKS.reminderActions, elements: [button('Post update', ESCALATION_ACTIONS.postUpdate, value, 'primary')] },
  ]);
}

/** At resolve (announcement) and a day later unless scheduled (reminder). */
export function postmortemMessage(notice: PostmortemNotice, render: RenderTemplate): SlackMessage {
  const { incident } = notice;
  const text = render('postmortem-reminder', {
    commander: mention(incident.commanderId),
    title: incident.title,
    severity: incident.severity,
    dueAt: utcTime(notice.dueAt.toISOString()),
  });
  const lead = notice.kind === 'reminder' ? md`Reminder: ` : md`${incident.id} resolved (${channelOf(incident)}). `;
  const full = md`${lead}${text}`;
  return slackMessage(full, [section(full), context(md`Once it is on the calendar: \`/incident postmortem scheduled\` (in the incident channel) stops the reminder.`)]);
}

export function acknowledgeReplyText(result: AcknowledgeResult, incidentId: string): Mrkdwn {
  switch (result.kind) {
    case 'acknowledged':
      return md`You acknowledged escalation level ${result.level} of ${incidentId}; its reminders stop.`;
    case 'already':
      return md`Level ${result.level} of ${incidentId} was already acknowledged by ${mention(result.ack.by)}.`;
    case 'nothing-yet':
      return md`No escalation level of ${incidentId} has been notified yet.`;
    case 'resolved':
      return md`${incidentId} is resolved; there is nothing to acknowledge.`;
    case 'stale':
      return md`${incidentId} was reopened since this message; acknowledge the new notification instead.`;
  }
}

export function escalateReplyText(result: EscalateResult, incidentId: string): Mrkdwn {
  switch (result.kind) {
    case 'escalating':
      return md`Escalating ${incidentId} to ${levelName(result.level)} now: ${targetsMd(result.level)}.`;
    case 'already':
      return md`Level ${result.level} of ${incidentId} has already been notified.`;
    case 'top':
      return md`${incidentId} is already at the highest escalation level (${result.level}).`;
    case 'resolved':
      return md`${incidentId} is resolved; there is nothing to escalate.`;
    case 'stale':
      return md`${incidentId} was reopened since this message; use \`/incident escalate\` in its channel.`;
  }
}
