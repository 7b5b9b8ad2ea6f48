import type { WebClient } from '@slack/web-api';
import { handoffMessage, pagerdutyFailureMessage, staleScheduleMessage } from '../../blocks/oncall';
import type { SlackMessage } from '../../blocks/incident-messages';
import type { Incident } from '../../domain/incidents/model';
import type { OncallNotifier } from '../../domain/oncall/flows';
import type { Handoff, StaleTarget } from '../../domain/oncall/service';
import { tolerate } from './errors';

/** On-call news in incident channels: handoffs, invitations, stale schedules, PagerDuty failures. */
export class SlackOncallNotifier implements OncallNotifier {
  constructor(private readonly client: () => WebClient) {}

  handoffLine(incident: Incident, handoff: Handoff): Promise<void> {
    return this.post(incident, handoffMessage(handoff));
  }

  async invite(channelId: string, userId: string): Promise<void> {
    await tolerate(this.client().conversations.invite({ channel: channelId, users: userId }), 'already_in_channel', 'cant_invite_self');
  }

  staleSchedule(incident: Incident, stale: StaleTarget): Promise<void> {
    return this.post(incident, staleScheduleMessage(stale));
  }

  pagerdutyFailed(incident: Incident, action: string, error: string): Promise<void> {
    return this.post(incident, pagerdutyFailureMessage(incident, action, error));
  }

  private async post(incident: Incident, message: SlackMessage): Promise<void> {
    if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
    await this.client().chat.postMessage({ channel: incident.channelId, text: message.text, blocks: message.blocks, unfurl_links: false });
  }
}
