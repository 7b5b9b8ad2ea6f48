import type { KnownBlock } from '@slack/types';
import type { AlertState } from '../domain/alerts/model';
import type { SlackMessage } from './incident-messages';
import { context, md, plain, section, slackMessage, truncate } from './text';

/**
 * A sender's test notification (Grafana's contact-point **Test**): clearly a test, no verdict and no
 * buttons, so nobody mistakes it for an alert or acts on it.
 */
export function alertTestCard(alert: AlertState): SlackMessage {
  const source = alert.source === 'grafana' ? 'Grafana' : alert.source;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`🧪 Test notification from ${source} — not an alert`, 150) },
    section(md`Firebreak received ${source}'s test notification: this contact point reaches Firebreak. Nothing to do.`),
    context(md`${truncate(alert.summary ?? alert.name, 200)} · received ${alert.lastSeen}`),
  ];
  return slackMessage(md`Test notification from ${source} received — not an alert`, blocks);
}
