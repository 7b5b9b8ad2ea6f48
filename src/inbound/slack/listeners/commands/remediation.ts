import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { utcTime } from '../../../../blocks/incident-messages';
import { disableFlagButton, offersIn, remediationButtons } from '../../../../blocks/remediation';
import { refusedText } from '../../../../blocks/remediation-status';
import { md, mention, type Mrkdwn, section } from '../../../../blocks/text';
import type { Deploy } from '../../../../domain/deploys/model';
import type { Incident } from '../../../../domain/incidents/model';
import { formatElapsed } from '../../../../lib/human-duration';
import type { SlackDeps } from '../../deps';

interface RemediationInvocation {
  args: string[];
  incident: Incident | undefined;
  command: { user_id: string };
}

type Ack = SlackCommandMiddlewareArgs['ack'];
type Run = (invocation: RemediationInvocation, ack: Ack) => Promise<Mrkdwn | undefined>;

const FLAG_USAGE = md`Usage: \`/incident flag off <flag-key>\` — in the incident channel; asks for confirmation first.`;
const FLAG_KEY = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const NEEDS_INCIDENT = (name: string) =>
  md`\`/incident ${name}\` works inside an incident channel. Use it there, or \`/incident list\` to find one.`;

function deployLine(deploy: Deploy): Mrkdwn {
  const by = deploy.actor ? ` by ${deploy.actor}` : '';
  return md`*${deploy.service}* ${deploy.version} (${deploy.strategy}, ${deploy.environment}, deployed ${utcTime(deploy.timestamp)}${by})`;
}

/**
 * `/incident rollback` and `/incident flag off <key>`: the keyboard way to the same buttons. The
 * answer (only you see it) names the suspect deploy and carries the button with its confirm dialog;
 * pressing it goes through the same path as the alert card's and the thread's buttons.
 */
export function remediationSubcommands(deps: SlackDeps): { rollback: Run; flag: Run } {
  const answer = async (ack: Ack, text: Mrkdwn, buttons: KnownBlock): Promise<undefined> => {
    await deps.offers.save(offersIn([buttons]));
    await ack({ response_type: 'ephemeral', text: text.toString(), blocks: [section(text), buttons] });
    return undefined;
  };

  return {
    rollback: async ({ incident, command }, ack) => {
      if (!incident) return NEEDS_INCIDENT('rollback');
      if (!incident.service) return md`${incident.id} is not tied to a service, so there is no deploy to roll back.`;
      const context = { kind: 'incident' as const, id: incident.id };
      const prepared = await deps.remediation.prepare({
        kind: 'rollback',
        service: incident.service,
        actor: command.user_id,
        context,
        suspectDeployId: incident.origin?.suspectDeployId,
      });
      if ('refusal' in prepared) return refusedText(prepared.refusal, prepared.who);
      const { deploy, targetMs } = prepared;
      if (!deploy) return md`No deploy of ${incident.service} is known, so there is nothing to roll back.`;
      const buttons = remediationButtons(deploy, context, { flags: false, rollbackTargetText: targetMs === undefined ? undefined : formatElapsed(targetMs) });
      if (!buttons) return md`${deployLine(deploy)} has no known previous version to roll back to.`;
      const suspect = incident.origin?.suspectDeployId === deploy.id ? 'Suspect deploy' : 'Latest deploy';
      return answer(ack, md`${suspect}: ${deployLine(deploy)}.\nRoll back to *${deploy.previousVersion ?? '?'}*? You will be asked to confirm; progress is posted in this channel.`, buttons);
    },
    flag: async ({ incident, command, args }, ack) => {
      if (!incident) return NEEDS_INCIDENT('flag off');
      const [verb, flagKey] = args;
      if ((verb ?? '').toLowerCase() !== 'off' || !flagKey || !FLAG_KEY.test(flagKey)) return FLAG_USAGE;
      if (!incident.service) return md`${incident.id} is not tied to a service, so I don't know whose flag ${flagKey} is.`;
      const context = { kind: 'incident' as const, id: incident.id };
      const prepared = await deps.remediation.prepare({
        kind: 'disable-flag',
        service: incident.service,
        actor: command.user_id,
        context,
        suspectDeployId: incident.origin?.suspectDeployId,
      });
      if ('refusal' in prepared) return refusedText(prepared.refusal, prepared.who);
      const target = { service: incident.service, environment: prepared.environment, flagKey, deployId: prepared.deploy?.id ?? '' };
      const enabledBy = prepared.deploy?.changes.flags.some((flag) => flag.key === flagKey && flag.enabled)
        ? ` (switched on by ${prepared.deploy.version})`
        : '';
      const text = md`Turn flag *${flagKey}*${enabledBy} off for *${incident.service}* in ${prepared.environment}? You will be asked to confirm; progress is posted in this channel. Asked by ${mention(command.user_id)}.`;
      return answer(ack, text, { type: 'actions', block_id: 'remediation-command', elements: [disableFlagButton(target, context)] });
    },
  };
}
