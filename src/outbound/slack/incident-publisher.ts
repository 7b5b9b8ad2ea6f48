import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { announcementMessage, checklistMessage, initialMessage, resolutionMessage, updateMessage, type RenderTemplate, type SlackMessage } from '../../blocks/incident-messages';
import { channelLink, md, mention, truncateMd } from '../../blocks/text';
import { withDrillBanner } from '../../blocks/drill-banner';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import { UnrecoverableError } from 'bullmq';
import { incidentEventId, type IncidentEvent } from '../../domain/incidents/events';
import { SYSTEM_ACTOR, type Incident } from '../../domain/incidents/model';
import type { IncidentRepository } from '../../domain/incidents/ports';
import { postmortemDraft } from '../../domain/incidents/postmortem';
import type { IncidentService } from '../../domain/incidents/service';
import type { RedisSteps } from '../store/steps';
import type { SlackDirectory } from './directory';
import { permanentSlackError, refusedFor, slackErrorCode, tolerate } from './errors';

const MAX_NAME_SUFFIX = 20;

/**
 * The Slack side of the incident lifecycle. Every effect (post, topic, invite, pin, upload) is its
 * own recorded step, named after the event, so a job retried after a crash or a Slack outage picks
 * up where it stopped and never repeats a post. An effect Slack refuses for good is given up,
 * reported once, and never holds back the next one.
 */
export class SlackIncidentPublisher {
  constructor(
    private readonly deps: {
      client: WebClient;
      repository: IncidentRepository;
      incidents: IncidentService;
      directory: SlackDirectory;
      /** Each effect once (scope: the incident id); permanent refusals given up and reported. */
      steps: RedisSteps;
      /** Counts and logs a refusal outside any step (the channel could not be made). */
      refused?: (code: string, error: unknown, context: Record<string, unknown>) => void;
      content: Content;
      config: ConfigFile;
      logger: Logger;
    },
  ) {}

  async handle(event: IncidentEvent): Promise<void> {
    const incident = await this.deps.repository.get(event.incident.id);
    if (!incident) return;
    const step = (name: string) => `${incidentEventId(event)}-${name}`;
    switch (event.type) {
      case 'opened':
        return this.open(incident);
      case 'updated':
        return this.postInChannel(incident, step('post'), () => updateMessage(incident, event.update, event.author, this.render), 'Update posted');
      case 'resolved':
        await this.postInChannel(incident, step('resolution'), () => resolutionMessage(incident, event.resolution, this.render), 'Resolution posted');
        return this.postChecklist(incident, step('checklist'));
      case 'reopened':
        return this.postInChannel(incident, step('post'), () => ({ text: md`:rotating_light: ${incident.id} reopened by ${mention(event.author)}.`.toString(), blocks: [] }), undefined);
      case 'severity-changed':
        await this.postInChannel(incident, step('post'), () => ({ text: md`Severity changed ${event.from} → *${incident.severity}* by ${mention(event.author)}.`.toString(), blocks: [] }), undefined);
        return this.once(incident, step('topic'), () => this.setTopic(incident));
      case 'commander-changed':
        await this.postInChannel(
          incident,
          step('post'),
          () => ({ text: md`${mention(incident.commanderId)} is now the incident commander (was ${mention(event.from)}).`.toString(), blocks: [] }),
          undefined,
        );
        return this.once(incident, step('topic'), () => this.setTopic(incident));
      case 'postmortem-requested':
        return this.uploadPostmortem(incident, step('upload'), event.author);
    }
  }

  /** One effect, once; `timelineText` goes on the timeline (once) when the effect happened. */
  private async once(incident: Incident, name: string, effect: () => Promise<void>, timelineText?: string, kind = 'message'): Promise<void> {
    const { steps } = this.deps;
    await steps.once(incident.id, name, effect);
    if (timelineText && (await steps.state(incident.id, name)) === 'done') await steps.once(incident.id, `${name}-note`, () => this.note(incident, kind, timelineText));
  }

  /** The Markdown draft, as a file in the incident channel. */
  private async uploadPostmortem(incident: Incident, name: string, author: string): Promise<void> {
    const channel = channelOf(incident);
    const [timeline, checked] = await Promise.all([this.deps.repository.timeline(incident.id), this.deps.repository.checklist(incident.id)]);
    const upload = async () => {
      await refusedFor(
        channel,
        this.deps.client.filesUploadV2({
          channel_id: channel,
          filename: `postmortem-${incident.id}.md`,
          title: `Postmortem draft: ${incident.title}`,
          content: postmortemDraft(incident, timeline, checked, new Date()),
          initial_comment: md`Postmortem draft for ${incident.id}, from the timeline, requested by ${mention(author)}. Fill in what went well, what went wrong and the action items.`.toString(),
        }),
      );
    };
    await this.once(incident, name, upload, 'Postmortem draft uploaded', 'postmortem');
  }

  private readonly render: RenderTemplate = (id, vars) =>
    this.deps.content.render(id as Parameters<Content['render']>[0], vars);

  private async open(incident: Incident): Promise<void> {
    const { client, repository } = this.deps;
    const progress = incident.publication;
    const record = (patch: Partial<Incident['publication']>) => {
      Object.assign(progress, patch);
      return repository.recordPublication(incident.id, patch);
    };
    const step = (name: string) => `opened-${incident.id}-${name}`;
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
      const invite = async () => {
        if (invitees.length > 0) {
          await refusedFor(channel, tolerate(client.conversations.invite({ channel, users: invitees.join(','), force: true }), 'already_in_channel', 'cant_invite_self'));
        }
        await record({ invited: true });
      };
      await this.once(incident, step('invite'), invite, `Invited ${invitees.map(mention).join(', ') || 'nobody'}`, 'slack');
    }
    if (!progress.topicSet) {
      await this.once(incident, step('topic'), async () => {
        await this.setTopic(incident);
        await record({ topicSet: true });
      });
    }
    if (!progress.initialTs) {
      const severity = this.deps.content.severities[incident.severity];
      const post = async () => {
        const message = withDrillBanner(incident, initialMessage(incident, this.render, severity, this.deps.content.policy.initialEtaMinutes));
        const posted = await refusedFor(channel, client.chat.postMessage({ channel, ...message }));
        await record({ initialTs: posted.ts });
      };
      await this.once(incident, step('initial'), post, 'Initial message posted');
    }
    const initialTs = progress.initialTs;
    if (!progress.pinned && initialTs) {
      await this.once(incident, step('pin'), async () => {
        await refusedFor(channel, tolerate(client.pins.add({ channel, timestamp: initialTs }), 'already_pinned'));
        await record({ pinned: true });
      });
    }
    // A drill is not announced: it must not look like an outage to the rest of the company.
    const announcements = incident.drill ? undefined : this.deps.config.announcements;
    if (announcements && !progress.announcementTs) {
      const announce = async () => {
        const posted = await refusedFor(announcements, client.chat.postMessage({ channel: announcements, ...announcementMessage(incident, this.render), unfurl_links: false }));
        await record({ announcementTs: posted.ts });
      };
      await this.once(incident, step('announce'), announce, `Announced in ${announcements}`);
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
        const code = slackErrorCode(error);
        if (code === 'name_taken') continue;
        // No channel, nothing else of the incident can be shown: retrying would not help.
        if (permanentSlackError(error)) {
          this.deps.refused?.(code ?? 'unknown', error, { incidentId: incident.id, step: 'channel' });
          throw new UnrecoverableError(`conversations.create for ${incident.id}: ${code}`);
        }
        throw error;
      }
    }
    throw new Error(`no free channel name for ${incident.channelName}`);
  }

  private async invitees(incident: Incident): Promise<string[]> {
    const service = incident.service ? this.deps.config.services[incident.service] : undefined;
    const levelOne = incident.drill ? incident.drill.participants : (service?.escalation?.[0]?.notify ?? []);
    const people = await this.deps.directory.expand([incident.reporterId, incident.commanderId, ...levelOne]);
    return people.filter((id) => /^[UW]/.test(id));
  }

  private async setTopic(incident: Incident): Promise<void> {
    if (!incident.channelId) return;
    const topic = truncateMd(md`${incident.severity} · ${incident.title} · IC ${mention(incident.commanderId)} · ${incident.id}`, 250);
    await refusedFor(incident.channelId, this.deps.client.conversations.setTopic({ channel: incident.channelId, topic: topic.toString() }));
  }

  /** One post in the incident channel as step `name` (the message is built only if it is sent). */
  private async postInChannel(incident: Incident, name: string, message: () => SlackMessage, timelineText: string | undefined): Promise<void> {
    const channel = channelOf(incident);
    const post = async () => {
      const { text, blocks } = withDrillBanner(incident, message());
      await refusedFor(channel, this.deps.client.chat.postMessage({ channel, text, ...(blocks.length > 0 ? { blocks } : {}) }));
    };
    await this.once(incident, name, post, timelineText);
  }

  private async postChecklist(incident: Incident, name: string): Promise<void> {
    const checked = await this.deps.repository.checklist(incident.id);
    await this.postInChannel(incident, name, () => checklistMessage(incident, this.deps.content.postIncidentChecklist, checked), 'Post-incident checklist posted');
  }

  private note(incident: Incident, kind: string, text: string): Promise<void> {
    return this.deps.incidents.note(incident.id, SYSTEM_ACTOR, kind, text);
  }
}

/** The incident channel; an incident without one yet fails the job, which retries once it exists. */
function channelOf(incident: Incident): string {
  if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
  return incident.channelId;
}
