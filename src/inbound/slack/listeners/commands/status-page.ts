import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { publishModal } from '../../../../blocks/status-page';
import { md, type Mrkdwn } from '../../../../blocks/text';
import type { Incident } from '../../../../domain/incidents/model';
import { statusStageSchema } from '../../../../domain/status/model';
import type { SlackDeps } from '../../deps';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/incident statuspage [investigating|identified|resolved]`: the review modal with the runbook's
 * text for the stage (the suggested one when none is named). Nothing is public until it is submitted.
 */
export function statusPageSubcommand(deps: SlackDeps) {
  return async (
    invocation: { args: string[]; incident: Incident | undefined; command: CommandArgs['command']; client: CommandArgs['client'] },
    ack: CommandArgs['ack'],
  ): Promise<Mrkdwn | undefined> => {
    const { incident, args, command, client } = invocation;
    if (!deps.statusPage) return md`The status page is not set up in this Firebreak.`;
    if (!incident) return md`\`/incident statuspage\` works inside an incident channel. Use it there, or \`/incident list\` to find one.`;
    if (incident.drill) return md`${incident.id} is a drill: a drill never touches the status page.`;
    const named = args[0]?.toLowerCase();
    const stage = named === undefined ? undefined : statusStageSchema.safeParse(named);
    if (stage && !stage.success) return md`Usage: \`/incident statuspage [investigating|identified|resolved]\``;
    const draft = await deps.statusPage.draft(incident, stage?.data);
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: publishModal(incident, draft) });
    return undefined;
  };
}
