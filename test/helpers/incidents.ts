import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../src/blocks/ids';
import { waitFor, type Harness } from './harness';
import { FORM, postSigned, selectValue, textValue, viewSubmission } from './slack';

/**
 * Open an incident the way a person does (a signed view_submission) and wait until its channel is
 * made and the Initial message pinned; resolves with the channel id the fake Slack gave it.
 */
export async function startIncidentViaSlack(
  h: Pick<Harness, 'url' | 'slack'>,
  input: { title?: string; service?: string; severity?: string; userId?: string } = {},
): Promise<string> {
  const before = h.slack.called('conversations.create').length;
  const pinned = h.slack.called('pins.add').length;
  const values = {
    [B.title]: textValue(input.title ?? 'Checkout 500s after deploy'),
    [B.severity]: selectValue(input.severity ?? 'P1'),
    [B.impact]: textValue('Customers see errors'),
    ...(input.service ? { [B.service]: selectValue(input.service) } : {}),
  };
  const answer = await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, userId: input.userId }), FORM);
  if (answer.status !== 200 || answer.text !== '') throw new Error(`start incident refused: ${answer.status} ${answer.text}`);
  await waitFor('incident channel and pinned initial message', () => h.slack.called('conversations.create').length > before && h.slack.called('pins.add').length > pinned);
  return `C0INC${before + 1}`;
}

/** Resolve through a signed resolve-modal submission. */
export async function resolveIncidentViaSlack(h: Pick<Harness, 'url'>, incidentId: string): Promise<void> {
  const values = { [B.rootCause]: textValue('Bad config'), [B.userImpact]: textValue('Errors'), [B.followUp]: textValue('Postmortem') };
  const answer = await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.resolve, privateMetadata: JSON.stringify({ incidentId }), values }), FORM);
  if (answer.status !== 200 || answer.text !== '') throw new Error(`resolve refused: ${answer.status} ${answer.text}`);
}
