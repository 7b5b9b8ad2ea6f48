import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../src/blocks/ids';
import { FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../test/helpers/slack';
import { WEBHOOK_TOKEN } from './processes';

/** What a sender does: signed Slack requests and bearer-token webhooks, over real HTTP. */

export async function postWebhook(url: string, route: string, body: unknown): Promise<number> {
  try {
    const response = await fetch(`${url}/webhooks/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // connection refused or cut
  }
}

export function alert(index: number, options: { service?: string; severity?: string; startsAt: string; name?: string }) {
  return {
    service: options.service ?? 'checkout',
    name: options.name ?? `ProofAlert${index % 5}`,
    severity: options.severity ?? 'warning',
    status: 'firing',
    startsAt: options.startsAt,
    summary: `proof alert ${index}`,
    fingerprint: `proof-${index}`,
  };
}

async function expectAcknowledged(what: string, answer: { status: number; text: string }): Promise<void> {
  if (answer.status !== 200 || answer.text !== '') throw new Error(`${what} refused: ${answer.status} ${answer.text}`);
}

export async function startIncident(url: string, input: { title: string; severity?: string; service?: string; userId?: string }): Promise<void> {
  const values = {
    [B.title]: textValue(input.title),
    [B.severity]: selectValue(input.severity ?? 'P2'),
    [B.impact]: textValue('Customers see errors'),
    ...(input.service ? { [B.service]: selectValue(input.service) } : {}),
  };
  await expectAcknowledged('start', await postSigned(url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, userId: input.userId }), FORM));
}

export async function postUpdate(url: string, incidentId: string, action = 'Rolled back'): Promise<void> {
  const values = { [B.status]: selectValue('Identified'), [B.actionTaken]: textValue(action), [B.nextUpdate]: textValue('in 30 minutes') };
  const body = viewSubmission({ callbackId: INCIDENT_VIEWS.update, privateMetadata: JSON.stringify({ incidentId }), values });
  await expectAcknowledged('update', await postSigned(url, body, FORM));
}

export async function resolveIncident(url: string, incidentId: string): Promise<void> {
  const values = { [B.rootCause]: textValue('Bad config'), [B.userImpact]: textValue('Errors for 5 minutes'), [B.followUp]: textValue('Postmortem') };
  const body = viewSubmission({ callbackId: INCIDENT_VIEWS.resolve, privateMetadata: JSON.stringify({ incidentId }), values });
  await expectAcknowledged('resolve', await postSigned(url, body, FORM));
}

/** `/incident <text>` typed in `channelId`; resolves with the HTTP status. */
export async function command(url: string, text: string, channelId: string, userId = 'U0REPORTER'): Promise<number> {
  return (await postSigned(url, slashCommand({ text, channel_id: channelId, user_id: userId }), FORM)).status;
}
