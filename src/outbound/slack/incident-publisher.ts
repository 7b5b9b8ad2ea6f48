import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { announcementMessage, checklistMessage, initialMessage, resolutionMessage, updateMessage, type SlackMessage } from '../../blocks/incident-messages';
import { channelLink, mention } from '../../blocks/text';
import { updateCadence } from '../../config/cadence';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { IncidentEvent } from '../../domain/incidents/events';
import { SYSTEM_ACTOR, type Incident } from '../../domain/incidents/model';
import type { IncidentRepository } from '../../domain/incidents/ports';
import { postmortemDraft } from '../../domain/incidents/postmortem';
import type { IncidentService } from '../../domain/incidents/service';
import type { SlackDirectory } from './directory';
import { slackErrorCode, tolerate } from './errors';

const MAX_NAME_SUFFIX = 20;

/**
 * The Slack side of the incident lifecycle. Every step records its progress on the incident, so a
 * job retried after a crash or a Slack outage picks up where it stopped and never repeats a post.
 */
export class SlackIncidentPublisher {
  constructor(
    private readonly deps: {
      client: WebClient;
      repository: IncidentRepository;
      incidents: IncidentService;
      directory: SlackDirectory;
      content: Content;
      config: ConfigFile;
      logger: Logger;
    },
  ) {}

  async handle(event: IncidentEvent): Promise<void> {
    const incident = await this.deps.repository.get(event.incident.id);
    if (!incident) return;
    switch (event.type) {
      case 'opened':
        return this.open(incident);
      case 'updated':
        return this.postInChannel(incident, updateMessage(incident, event.update, event.author, this.render), 'Update posted');
      case 'resolved':
        await this.postInChannel(incident, resolutionMessage(incident, event.resolution, this.render), 'Resolution posted');
        return this.postChecklist(incident);
      case 'reopened':
        return this.postInChannel(incident, { text: `:rotating_light: ${incident.id} reopened by ${mention(event.author)}.`, blocks: [] }, undefined);
      case 'severity-changed':
        await this.postInChannel(incident, { text: `Severity changed ${event.from} → *${incident.severity}* by ${mention(event.author)}.`, blocks: [] }, undefined);
        return this.setTopic(incident);
      case 'commander-changed':
        await this.postInChannel(incident, { text: `${mention(incident.commanderId)} is now the incident commander (was ${mention(event.from)}).`, blocks: [] }, undefined);
        return this.setTopic(incident);
      case 'postmortem-requested':
        return this.uploadPostmortem(incident, event.author);
    }
  }

  /** The Markdown draft, as a file in the incident channel. */
  private async uploadPostmortem(incident: Incident, author: string): Promise<void> {
    if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
    const [timeline, checked] = await Promise.all([this.deps.repository.timeline(incident.id), this.deps.repository.checklist(incident.id)]);
    await this.deps.client.filesUploadV2({
      channel_id: incident.channelId,
      filename: `postmortem-${incident.id}.md`,
      title: `Postmortem draft: ${incident.title}`,
      content: postmortemDraft(incident, timeline, checked, new Date()),
      initial_comment: `Postmortem draft for ${incident.id}, from the timeline, requested by ${mention(author)}. Fill in what went well, what went wrong and the action items.`,
    });
    await this.note(incident, 'postmortem', 'Postmortem draft uploaded');
  }

  private readonly render = (id: string, vars: Record<string, string | number | undefined>) =>
    this.deps.content.render(id as Parameters<Content['render']>[0], vars);

  private async open(incident: Incident): Promise<void> {
    const { client, repository } = this.deps;
    const progress = incident.publication;
    const record = (patch: Partial<Incident['publication']>) => {
      Object.assign(progress, patch);
      return repository.recordPublication(incident.id, patch);
    };
    if (!incident.channelId) {
      const { id, name } = await this.createChannel(incident);
      incident.channelId = id;
      incident.channelName = name;
      await repository.bindChannel(incident.id, id, name);
      await this.note(incident, 'slack', `Channel ${channelLink(id)} created`);
    }
    const channel = incident.channelId;
    if (!progress.invited) {
      const invitees = await this.invitees(incident);
      if (invitees.length > 0) {
        await tolerate(client.conversations.invite({ channel, users: invitees.join(','), force: true }), 'already_in_channel', 'cant_invite_self');
      }
      await record({ invited: true });
      await this.note(incident, 'slack', `Invited ${invitees.map(mention).join(', ') || 'nobody'}`);
    }
    if (!progress.topicSet) {
      await this.setTopic(incident);
      await record({ topicSet: true });
    }
    if (!progress.initialTs) {
      const severity = this.deps.content.severities[incident.severity];
      // The promise is the update cadence the reminder enforces (one number, policy.yaml updates.every or the service's).
      const etaMinutes = Math.max(1, Math.round(updateCadence(incident.service, this.deps.config, this.deps.content.policy) / 60_000));
      const posted = await client.chat.postMessage({ channel, ...initialMessage(incident, this.render, severity, etaMinutes) });
      await record({ initialTs: posted.ts });
      await this.note(incident, 'message', 'Initial message posted');
    }
    if (!progress.pinned && progress.initialTs) {
      await tolerate(client.pins.add({ channel, timestamp: progress.initialTs }), 'already_pinned');
      await record({ pinned: true });
    }
    const announcements = this.deps.config.announcements;
    if (announcements && !progress.announcementTs) {
      const posted = await client.chat.postMessage({ channel: announcements, ...announcementMessage(incident, this.render), unfurl_links: false });
      await record({ announcementTs: posted.ts });
      await this.note(incident, 'message', `Announced in ${announcements}`);
    }
  }

  /** conversations.create with the claimed name; if Slack already has it (made outside Firebreak), add -2, -3… */
  private async createChannel(incident: Incident): Promise<{ id: string; name: string }> {
    for (let suffix = 1; suffix <= MAX_NAME_SUFFIX; suffix++) {
      const name = suffix === 1 ? incident.channelName : `${incident.channelName.slice(0, 76)}-${suffix}`;
      try {
        const created = await this.deps.client.conversations.create({ name, is_private: false });
        if (!created.channel?.id) throw new Error('conversations.create returned no channel id');
        return { id: created.channel.id, name };
      } catch (error) {
        if (slackErrorCode(error) !== 'name_taken') throw error;
      }
    }
    throw new Error(`no free channel name for ${incident.channelName}`);
  }

  private async invitees(incident: Incident): Promise<string[]> {
    const service = incident.service ? this.deps.config.services[incident.service] : undefined;
    const levelOne = service?.escalation?.[0]?.notify ?? [];
    const people = await this.deps.directory.expand([incident.reporterId, incident.commanderId, ...levelOne]);
    return people.filter((id) => /^[UW]/.test(id));
  }

  private async setTopic(incident: Incident): Promise<void> {
    if (!incident.channelId) return;
    const topic = `${incident.severity} · ${incident.title} · IC ${mention(incident.commanderId)} · ${incident.id}`;
    await this.deps.client.conversations.setTopic({ channel: incident.channelId, topic: topic.slice(0, 250) });
  }

  private async postInChannel(incident: Incident, message: SlackMessage, timelineText: string | undefined): Promise<void> {
    if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
    await this.deps.client.chat.postMessage({ channel: incident.channelId, text: message.text, ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}) });
    if (timelineText) await this.note(incident, 'message', timelineText);
  }

  private async postChecklist(incident: Incident): Promise<void> {
    const checked = await this.deps.repository.checklist(incident.id);
    await this.postInChannel(incident, checklistMessage(incident, this.deps.content.postIncidentChecklist, checked), 'Post-incident checklist posted');
  }

  private note(incident: Incident, kind: string, text: string): Promise<void> {
    return this.deps.incidents.note(incident.id, SYSTEM_ACTOR, kind, text);
  }
}
