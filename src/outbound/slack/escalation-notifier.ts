import type { WebClient } from '@slack/web-api';
import {
  acknowledgedMessage,
  escalationChannelMessage,
  escalationDirectMessage,
  postmortemMessage,
  updateReminderMessage,
} from '../../blocks/escalation';
import type { RenderTemplate, SlackMessage } from '../../blocks/incident-messages';
import type { Content } from '../../content';
import type { Acknowledgement, LevelNotice, PostmortemNotice, UpdateReminderNotice } from '../../domain/escalation/model';
import type { EscalationNotifier } from '../../domain/escalation/ports';
import type { Incident } from '../../domain/incidents/model';
import type { SlackDirectory } from './directory';
import { refusedFor, tolerate } from './errors';
import { withDrillBanner } from '../../blocks/drill-banner';

/** Escalations in Slack: DMs to each person of a level, lines and reminders in the incident channel. */
export class SlackEscalationNotifier implements EscalationNotifier {
  constructor(
    private readonly deps: {
      /** The Web API client; a getter, because Bolt builds its client after the services exist. */
      client: () => WebClient;
      directory: () => SlackDirectory;
      content: Content;
      /** Where postmortem due dates are announced; the incident channel when unset. */
      announcements?: string;
    },
  ) {}

  private readonly render: RenderTemplate = (id, vars) => this.deps.content.render(id as Parameters<Content['render']>[0], vars);

  expand(targets: string[]): Promise<string[]> {
    return this.deps.directory().expand(targets);
  }

  async directMessage(userId: string, notice: LevelNotice): Promise<void> {
    const client = this.deps.client();
    const opened = await refusedFor(userId, client.conversations.open({ users: userId }));
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`);
    await this.post(channel, withDrillBanner(notice.incident, escalationDirectMessage(notice, this.render)));
  }

  escalationLine(notice: LevelNotice): Promise<void> {
    return this.post(channelOf(notice.incident), withDrillBanner(notice.incident, escalationChannelMessage(notice, this.render)));
  }

  acknowledged(incident: Incident, level: number, ack: Acknowledgement): Promise<void> {
    return this.post(channelOf(incident), withDrillBanner(incident, acknowledgedMessage(level, ack)));
  }

  updateReminder(notice: UpdateReminderNotice): Promise<void> {
    return this.post(channelOf(notice.incident), withDrillBanner(notice.incident, updateReminderMessage(notice, this.render)));
  }

  postmortem(notice: PostmortemNotice): Promise<void> {
    const where = notice.kind === 'announcement' && this.deps.announcements ? this.deps.announcements : channelOf(notice.incident);
    return this.post(where, postmortemMessage(notice, this.render));
  }

  async invite(channelId: string, userId: string): Promise<void> {
    await refusedFor(channelId, tolerate(this.deps.client().conversations.invite({ channel: channelId, users: userId }), 'already_in_channel', 'cant_invite_self'));
  }

  private async post(channel: string, message: SlackMessage): Promise<void> {
    await refusedFor(channel, this.deps.client().chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }));
  }
}

/** The incident channel; an incident without one yet fails the job, which retries once it exists. */
function channelOf(incident: Incident): string {
  if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
  return incident.channelId;
}
