import nock from 'nock';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { CUSTOMER_FACING } from '../../../src/blocks/incident-modals';
import { STATUS_PAGE_ACTIONS, STATUS_PAGE_BLOCKS as SB, STATUS_PAGE_VIEW } from '../../../src/blocks/status-page-ids';
import { loadContent, type Content } from '../../../src/content';
import { waitFor, type Harness } from '../../helpers/harness';
import { blockAction, FORM, postSigned, selectValue, textValue, viewSubmission } from '../../helpers/slack';

export const STATUSPAGE_API = 'https://api.statuspage.test';

/** Runbook content whose status page cadence is seconds, not 30 minutes. */
export function contentWithStatusEvery(ms: number): Content {
  const base = loadContent();
  return { ...base, policy: { ...base.policy, statusPage: { updateEvery: ms } } };
}

export interface SlackBlock {
  type: string;
  block_id?: string;
  elements?: { action_id?: string; text?: { text: string }; value?: string }[];
  element?: { initial_value?: string; initial_option?: { value: string } };
}

/** Every Publish to status page button posted to `channel`, in order, with the message text. */
export function publishButtons(h: Harness, channel: string): { text: string; value: string; label: string }[] {
  return h.slack
    .called('chat.postMessage')
    .filter((c) => c.body.channel === channel)
    .flatMap((c) =>
      ((c.body.blocks ?? []) as SlackBlock[])
        .flatMap((b) => b.elements ?? [])
        .filter((e) => e.action_id === STATUS_PAGE_ACTIONS.publish)
        .map((e) => ({ text: String(c.body.text), value: e.value ?? '', label: e.text?.text ?? '' })),
    );
}

export async function startCustomerFacing(h: Harness, input: { title?: string; customerFacing?: boolean } = {}): Promise<string> {
  const before = h.slack.called('conversations.create').length;
  const values = {
    [B.title]: textValue(input.title ?? 'Checkout 500s after deploy'),
    [B.severity]: selectValue('P1'),
    [B.service]: selectValue('checkout'),
    [B.impact]: textValue('Customers see errors at checkout'),
    ...(input.customerFacing === false
      ? {}
      : { [B.customerFacing]: { value: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'Customer-facing' }, value: CUSTOMER_FACING }] } } }),
  };
  const answer = await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values }), FORM);
  if (answer.status !== 200 || answer.text !== '') throw new Error(`start refused: ${answer.status} ${answer.text}`);
  await waitFor('incident channel', () => h.slack.called('conversations.create').length > before && h.slack.called('pins.add').length > before);
  return `C0INC${before + 1}`;
}

/** Wait until every handler of the incident's `opened` event ran (so "no proposal" means none will come). */
export async function openedHandled(h: Harness, incidentId: string): Promise<void> {
  await waitFor('opened event handled', async () => Boolean(await h.redis.hget(`${h.prefix}:bull:incident-events:opened-${incidentId}`, 'finishedOn')));
}

/** Press a Publish to status page button and return the modal Slack was asked to open. */
export async function pressPublish(h: Harness, channel: string, value: string) {
  const opened = h.slack.called('views.open').length;
  const answer = await postSigned(
    h.url,
    blockAction({ channelId: channel, action: { type: 'button', action_id: STATUS_PAGE_ACTIONS.publish, block_id: 'b', value, text: { type: 'plain_text', text: 'Publish to status page' } } }),
    FORM,
  );
  if (answer.status !== 200) throw new Error(`button refused: ${answer.status}`);
  await waitFor('review modal', () => h.slack.called('views.open').length > opened);
  return h.slack.called('views.open')[opened]!.body.view as { callback_id: string; private_metadata: string; blocks: SlackBlock[] };
}

export function modalField(view: { blocks: SlackBlock[] }, blockId: string) {
  return view.blocks.find((b) => b.block_id === blockId)?.element;
}

/** Submit the review modal as a person would (with their edits). */
export async function submitPublish(h: Harness, modal: { private_metadata: string }, fields: { stage: string; title: string; text: string }, viewId: string) {
  return postSigned(
    h.url,
    viewSubmission({
      callbackId: STATUS_PAGE_VIEW,
      viewId,
      privateMetadata: modal.private_metadata,
      userId: 'U0COMMS',
      values: { [SB.stage]: selectValue(fields.stage), [SB.title]: textValue(fields.title), [SB.text]: textValue(fields.text) },
    }),
    FORM,
  );
}

export interface StatusJson {
  status: { indicator: string; description: string };
  components: { name: string; status: string }[];
  incidents: { id: string; name: string; status: string; updates: { status: string; body: string }[] }[];
}

export async function statusJson(h: Harness): Promise<StatusJson> {
  return (await (await fetch(`${h.url}/status.json`)).json()) as StatusJson;
}

export { nock };
