import type { WebClient } from '@slack/web-api';
import { withDrillBanner } from '../../blocks/drill-banner';
import { failedMessage, proposalMessage, publishedMessage, reminderMessage } from '../../blocks/status-page';
import type { SlackMessage } from '../../blocks/incident-messages';
import type { Incident } from '../../domain/incidents/model';
import type { PublicIncident, PublicUpdate, StatusStage } from '../../domain/status/model';
import type { StatusNotifier } from '../../domain/status/ports';

/** Status page proposals, confirmations and reminders in the incident channel. */
export class SlackStatusNotifier implements StatusNotifier {
  constructor(private readonly client: () => WebClient) {}

  propose(incident: Incident, stage: StatusStage, why: string, draft: string): Promise<void> {
    return this.post(incident, proposalMessage(incident, stage, why, draft));
  }

  published(incident: Incident, record: PublicIncident, update: PublicUpdate, by: string): Promise<void> {
    return this.post(incident, publishedMessage(record, update, by));
  }

  reminder(incident: Incident, _record: PublicIncident, stage: StatusStage, ageMs: number): Promise<void> {
    return this.post(incident, reminderMessage(incident, stage, ageMs));
  }

  failed(incident: Incident, stage: StatusStage, reason: string): Promise<void> {
    return this.post(incident, failedMessage(incident, stage, reason));
  }

  private async post(incident: Incident, message: SlackMessage): Promise<void> {
    if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
    const shown = withDrillBanner(incident, message);
    await this.client().chat.postMessage({ channel: incident.channelId, text: shown.text, blocks: shown.blocks, unfurl_links: false });
  }
}
