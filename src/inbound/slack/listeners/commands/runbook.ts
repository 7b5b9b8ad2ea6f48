import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { runbookListText } from '../../../../blocks/runbook-card';
import { context, md, text, type Mrkdwn } from '../../../../blocks/text';
import { withDrillBanner } from '../../../../blocks/drill-banner';
import type { Incident } from '../../../../domain/incidents/model';
import type { SlackDeps } from '../../deps';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/incident runbook [id] [--me]` posts the runbook card in the channel for everyone (privately with
 * `--me`); `/incident runbook list` lists the ids. Without an id: the incident's service's runbook.
 */
export function runbookSubcommand(deps: SlackDeps) {
  return async (
    invocation: { args: string[]; incident: Incident | undefined; command: CommandArgs['command']; client: CommandArgs['client'] },
    ack: CommandArgs['ack'],
  ): Promise<Mrkdwn | undefined> => {
    const { args, incident, command, client } = invocation;
    const { content, config } = deps;
    const privately = args.includes('--me');
    const [name] = args.filter((a) => a !== '--me');
    if (name?.toLowerCase() === 'list') return runbookListText(content.runbooks);
    const id = name ?? (incident?.service ? config.services[incident.service]?.runbook : undefined) ?? 'incident-response';
    const runbook = content.runbook(id);
    if (!runbook) return md`No runbook "${id}". Known: ${content.runbooks.map((r) => r.id).join(', ')}`;
    const card = withDrillBanner(incident, await deps.runbookCard(runbook, incident));
    // When the runbook was last rehearsed (drills), under the card.
    const tested = await deps.drills.lastTestedText(runbook.id);
    const blocks = [...card.blocks, context(text(tested))];
    if (privately) {
      await ack({ response_type: 'ephemeral', text: card.text, blocks });
      return undefined;
    }
    await ack({ response_type: 'ephemeral', text: md`Posted the runbook card for ${runbook.id} here, for everyone. ${tested}`.toString() });
    await client.chat.postMessage({ channel: command.channel_id, text: card.text, blocks, unfurl_links: false });
    if (incident) await deps.incidents.note(incident.id, command.user_id, 'runbook', `Runbook card posted: ${runbook.title}`, { runbook: runbook.id });
    return undefined;
  };
}
