import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { listText, statusText, textBlocks, timelineText } from '../../../../blocks/incident-messages';
import { joinMd, md, mention, truncate, type Mrkdwn } from '../../../../blocks/text';
import { resolveIncidentModal, startIncidentModal, updateIncidentModal } from '../../../../blocks/incident-modals';
import { severityIdSchema, type Incident } from '../../../../domain/incidents/model';
import type { SlackDeps } from '../../deps';
import { HELP_TEXT, parseUserMention } from '../../text';
import { drillSubcommands } from './drill';
import { resolveUser } from '../../user-names';
import { escalationSubcommands } from './escalation';
import { oncallSubcommand } from './oncall';
import { remediationSubcommands } from './remediation';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

interface Invocation {
  args: string[];
  rest: string;
  incident: Incident | undefined;
  command: CommandArgs['command'];
  client: CommandArgs['client'];
}

/** A subcommand answers with an ephemeral text, or undefined when it already acknowledged (modals). */
type Subcommand = (invocation: Invocation, ack: CommandArgs['ack']) => Promise<Mrkdwn | undefined>;

const NEEDS_INCIDENT = (name: string) =>
  md`\`/incident ${name}\` works inside an incident channel. Use it there, or \`/incident list\` to find one.`;

export function incidentCommand(deps: SlackDeps) {
  const { incidents, content, config, clock } = deps;
  const escalation = escalationSubcommands(deps);
  const remediation = remediationSubcommands(deps);
  const drill = drillSubcommands(deps);

  const inIncident = (name: string, run: (incident: Incident, invocation: Invocation) => Promise<Mrkdwn>): Subcommand =>
    async (invocation) => (invocation.incident ? run(invocation.incident, invocation) : NEEDS_INCIDENT(name));

  const subcommands: Record<string, Subcommand> = {
    start: async ({ rest, command, client }, ack) => {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: startIncidentModal({
          title: rest || undefined,
          severities: content.severities,
          services: Object.keys(config.services),
          reporterId: command.user_id,
          metadata: { channelId: command.channel_id },
        }),
      });
      return undefined;
    },
    update: async ({ incident, command, client }, ack) => {
      if (!incident) return NEEDS_INCIDENT('update');
      if (incident.status !== 'open') return md`${incident.id} is resolved. \`/incident reopen\` first.`;
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: updateIncidentModal(incident) });
      return undefined;
    },
    resolve: async ({ incident, command, client }, ack) => {
      if (!incident) return NEEDS_INCIDENT('resolve');
      if (incident.status !== 'open') return md`${incident.id} is already resolved.`;
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: resolveIncidentModal(incident) });
      return undefined;
    },
    reopen: inIncident('reopen', async (incident, { command }) => {
      await incidents.reopen(incident.id, command.user_id);
      return md`${incident.id} reopened.`;
    }),
    severity: inIncident('severity', async (incident, { args, command }) => {
      const parsed = severityIdSchema.safeParse((args[0] ?? '').toUpperCase());
      if (!parsed.success) return md`Usage: \`/incident severity P0|P1|P2|P3\``;
      await incidents.setSeverity(incident.id, parsed.data, command.user_id);
      return md`Severity of ${incident.id} is now ${parsed.data}.`;
    }),
    ic: async ({ incident, args, command, client }, ack) => {
      if (!incident) return NEEDS_INCIDENT('ic');
      // A plain @name is looked up page by page: acknowledge Slack first, answer through response_url.
      if (!parseUserMention(args[0] ?? '')) await ack();
      const who = await resolveUser(client, args[0] ?? '');
      if (who.kind === 'invalid') return md`Usage: \`/incident ic @user\``;
      if (who.kind === 'unknown') return md`I can't find a Slack user called @${who.name}; nothing changed. Pick them from the @ menu so Slack sends who they are.`;
      await incidents.setCommander(incident.id, who.id, command.user_id);
      return md`${mention(who.id)} is now the incident commander of ${incident.id}.`;
    },
    status: inIncident('status', async (incident) => statusText(incident, clock.now())),
    list: async () => listText(await incidents.list('open', 50), clock.now()),
    timeline: inIncident('timeline', async (incident) => timelineText(incident, await incidents.timeline(incident.id))),
    runbook: async ({ incident, args }) => {
      const id = args[0] ?? (incident?.service ? config.services[incident.service]?.runbook : undefined) ?? 'incident-response';
      const runbook = content.runbook(id);
      if (!runbook) return md`No runbook "${id}". Known: ${content.runbooks.map((r) => r.id).join(', ')}`;
      return joinMd([md`*${runbook.title}* — ${runbook.whenToUse}`, await deps.drills.lastTestedText(runbook.id), ...runbook.steps.slice(0, 40).map((step) => md`☐ ${step}`)]);
    },
    ack: inIncident('ack', escalation.ack),
    escalate: inIncident('escalate', escalation.escalate),
    postmortem: inIncident('postmortem', escalation.postmortem),
    rollback: async (invocation, ack) => (invocation.incident?.drill ? drill.dryRun({ ...invocation, incident: invocation.incident }, 'rollback') : remediation.rollback(invocation, ack)),
    flag: async (invocation, ack) => (invocation.incident?.drill ? drill.dryRun({ ...invocation, incident: invocation.incident }, 'flag') : remediation.flag(invocation, ack)),
    drill: drill.drill,
    oncall: oncallSubcommand(deps),
    help: async () => md`${HELP_TEXT}`,
  };

  return async ({ command, ack, client, respond }: CommandArgs): Promise<void> => {
    const [name = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    // A person's word never indexes a plain object: `constructor` or `__proto__` is just unknown.
    const subcommand = Object.hasOwn(subcommands, name.toLowerCase()) ? subcommands[name.toLowerCase()] : undefined;
    if (!subcommand) {
      await ack({ response_type: 'ephemeral', text: md`I don't know \`/incident ${truncate(name, 100)}\`.\n\n${HELP_TEXT}`.toString() });
      return;
    }
    // A failure is acknowledged, logged and told to the person by the error sink (error-sink.ts).
    let acknowledged = false;
    const ackOnce: CommandArgs['ack'] = async (response) => {
      acknowledged = true;
      await ack(response);
    };
    const incident = await incidents.findByChannel(command.channel_id);
    const rest = command.text.trim().slice(name.length).trim();
    const text = await subcommand({ args, rest, incident, command, client }, ackOnce);
    // A subcommand that acknowledged early (a slow lookup) answers through response_url.
    if (text !== undefined && acknowledged) await respond({ response_type: 'ephemeral', ...textBlocks(text) });
    else if (text !== undefined) await ackOnce({ response_type: 'ephemeral', ...textBlocks(text) });
  };
}
