import { ESCALATION_ACTIONS } from '../../../src/blocks/escalation-ids';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { loadContent, type Content, type Policy } from '../../../src/content';
import { resolveIncidentViaSlack, startIncidentViaSlack } from '../../helpers/incidents';
import { startHarness, waitFor, type Harness, type HarnessOptions } from '../../helpers/harness';
import type { FakeSlack, SlackCall } from '../../helpers/fake-slack';
import { blockAction, FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../helpers/slack';

/** Second-scale policy numbers (the template's are minutes and hours). */
export interface PolicyOverrides {
  renotifyEvery?: number;
  updateEvery?: number;
  postmortemRemindAfter?: number;
  /** The template's "P0 unresolved" time for level 3. */
  p0UnresolvedAfter?: number;
}

export type Bot = Harness;

let baseContent: Content | undefined;

function contentWith(overrides: PolicyOverrides): Content {
  baseContent ??= loadContent();
  const policy: Policy = {
    ...baseContent.policy,
    escalation: {
      ...baseContent.policy.escalation,
      renotifyEvery: overrides.renotifyEvery ?? 3_600_000,
      ...(overrides.p0UnresolvedAfter !== undefined ? { p0Unresolved: { level: 3, after: overrides.p0UnresolvedAfter } } : {}),
    },
    updates: { every: overrides.updateEvery ?? 3_600_000 },
    postmortem: { ...baseContent.policy.postmortem, remindAfter: overrides.postmortemRemindAfter ?? baseContent.policy.postmortem.remindAfter },
  };
  return { ...baseContent, policy };
}

/** The shared harness with second-scale policy numbers (the template's are minutes and hours). */
export function startBot(options: { config: string; policy?: PolicyOverrides } & Omit<HarnessOptions, 'config' | 'content'>): Promise<Bot> {
  const { policy, ...rest } = options;
  return startHarness({ ...rest, content: contentWith(policy ?? {}) });
}

export const command = (bot: Pick<Bot, 'url'>, text: string, channelId: string, userId = 'U0REPORTER') =>
  postSigned(bot.url, slashCommand({ text, channel_id: channelId, user_id: userId }), FORM);

/** The ephemeral answer's text. */
export const answerText = (answer: { json: unknown }) => JSON.stringify(answer.json);

/** Open an incident (service checkout, P2 unless told) through a signed modal submission; resolves with its channel id. */
export const startIncident = (bot: Bot, input: { title?: string; severity?: string; service?: string } = {}) =>
  startIncidentViaSlack(bot, { severity: 'P2', service: 'checkout', ...input });

export const resolveIncident = resolveIncidentViaSlack;

export async function postUpdate(bot: Bot, incidentId: string): Promise<void> {
  const values = { [B.status]: selectValue('Identified'), [B.actionTaken]: textValue('Rolled back'), [B.nextUpdate]: textValue('soon') };
  const answer = await postSigned(bot.url, viewSubmission({ callbackId: INCIDENT_VIEWS.update, privateMetadata: JSON.stringify({ incidentId }), values }), FORM);
  if (answer.status !== 200 || answer.text !== '') throw new Error(`update refused: ${answer.status} ${answer.text}`);
}

/** Direct messages (chat.postMessage into D0<user>, the fake's DM channels) to `user`. */
export const dmsTo = (slack: FakeSlack, user: string) => slack.called('chat.postMessage').filter((c) => c.body.channel === `D0${user}`);

/** Every DM, as "user:level" pairs (level read from the button value). */
export function dmLevels(slack: FakeSlack): string[] {
  return slack
    .called('chat.postMessage')
    .filter((c) => String(c.body.channel).startsWith('D0'))
    .map((c) => `${String(c.body.channel).slice(2)}:${buttonValue(c, 'Acknowledge')?.level ?? '?'}`);
}

export const postsContaining = (slack: FakeSlack, channel: string, text: string) =>
  slack.called('chat.postMessage').filter((c) => c.body.channel === channel && String(c.body.text).includes(text));

interface ButtonElement {
  type: string;
  text: { text: string };
  action_id: string;
  value: string;
}

export function findButton(call: SlackCall, text: string): ButtonElement | undefined {
  const blocks = (call.body.blocks ?? []) as { type: string; block_id?: string; elements?: ButtonElement[] }[];
  for (const block of blocks.filter((b) => b.type === 'actions')) {
    const found = block.elements?.find((e) => e.type === 'button' && e.text.text === text);
    if (found) return found;
  }
  return undefined;
}

export function buttonValue(call: SlackCall, text: string): { incidentId: string; level: number; epoch: number } | undefined {
  const found = findButton(call, text);
  return found ? (JSON.parse(found.value) as { incidentId: string; level: number; epoch: number }) : undefined;
}

/** Press a button of a message the bot posted, as `userId`; resolves with the ephemeral reply's text. */
export async function press(bot: Bot, call: SlackCall, text: string, userId: string): Promise<string> {
  const found = findButton(call, text);
  if (!found) throw new Error(`no "${text}" button in ${JSON.stringify(call.body.blocks)}`);
  const before = bot.slack.responses.length;
  const blockId = (call.body.blocks as { type: string; block_id?: string; elements?: ButtonElement[] }[]).find((b) => b.elements?.includes(found))?.block_id;
  const answer = await postSigned(
    bot.url,
    blockAction({ channelId: String(call.body.channel), userId, action: { type: 'button', action_id: found.action_id, block_id: blockId, value: found.value, text: found.text } }),
    FORM,
  );
  if (answer.status !== 200) throw new Error(`button refused: ${answer.status}`);
  if (found.action_id === ESCALATION_ACTIONS.postUpdate) return '';
  await waitFor(`reply to ${text}`, () => bot.slack.responses.length > before);
  return JSON.stringify(bot.slack.responses.slice(before).map((r) => r.body));
}
