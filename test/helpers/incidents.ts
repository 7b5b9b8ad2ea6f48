import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../src/blocks/ids';
import { waitFor, type Harness } from './harness';
import { FORM, postSigned, selectValue, textValue, viewSubmission } from './slack';

/** Open an incident the way a person does (signed view_submission); resolves with its channel id once posted. */
export async function startIncidentViaSlack(h: Harness, input: { title: string; service?: string; severity?: string; userId?: string }): Promise<string> {
  const before = h.slack.called('conversations.create').length;
  const values = {
    [B.title]: textValue(input.title),
    [B.severity]: selectValue(input.severity ?? 'P1'),
    [B.impact]: textValue('Customers see errors'),
    ...(input.service ? { [B.service]: selectValue(input.service) } : {}),
  };
  const answer = await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, userId: input.userId }), FORM);
  if (answer.status !== 200 || answer.text !== '') throw new Error(`start incident refused: ${answer.status} ${answer.text}`);
  await waitFor('incident channel and pinned initial message', () => h.slack.called('conversations.create').length > before && h.slack.called('pins.add').length > 0);
  const created = h.slack.calls.filter((c) => c.method === 'conversations.create').length;
  return `C0INC${created}`;
}
