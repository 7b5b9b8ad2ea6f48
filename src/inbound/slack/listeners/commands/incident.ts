import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { listText, statusText, textBlocks, timelineText } from '../../../../blocks/incident-messages';
import { resolveIncidentModal, startIncidentModal, updateIncidentModal } from '../../../../blocks/incident-modals';
import { severityIdSchema, type Incident } from '../../../../domain/incidents/model';
import type { SlackDeps } from '../../deps';
import { HELP_TEXT, parseUserMention } from '../../text';
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
type Subcommand = (invocation: Invocation, ack: CommandArgs['ack']) => Promise<string | undefined>;

const NEEDS_INCIDENT = (name: string) =>
  `\`/incident ${name}\` works inside an incident channel. Use it there, or \`/incident list\` to find one.`;

export function incidentCommand(deps: SlackDeps) {
  const { incidents, content, config, clock } = deps;
  const escalation = escalationSubcommands(deps);
  const remediation = remediationSubcommands(deps);

  const inIncident = (name: string, run: (incident: Incident, invocation: Invocation) => Promise<string>): Subcommand =>
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
      if (incident.status !== 'open') return `${incident.id} is resolved. \`/incident reopen\` first.`;
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: updateIncidentModal(incident) });
      return undefined;
    },
    resolve: async ({ incident, command, client }, ack) => {
      if (!incident) return NEEDS_INCIDENT('resolve');
      if (incident.status !== 'open') return `${incident.id} is already resolved.`;
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: resolveIncidentModal(incident) });
      return undefined;
    },
    reopen: inIncident('reopen', async (incident, { command }) => {
      await incidents.reopen(incident.id, command.user_id);
      return `${incident.id} reopened.`;
    }),
    severity: inIncident('severity', async (incident, { args, command }) => {
      const parsed = severityIdSchema.safeParse((args[0] ?? '').toUpperCase());
      if (!parsed.success) return 'Usage: `/incident severity P0|P1|P2|P3`';
      await incidents.setSeverity(incident.id, parsed.data, command.user_id);
      return `Severity of ${incident.id} is now ${parsed.data}.`;
    }),
    ic: inIncident('ic', async (incident, { args, command }) => {
      const commander = parseUserMention(args[0] ?? '');
      if (!commander) return 'Usage: `/incident ic @user`';
      await incidents.setCommander(incident.id, commander, command.user_id);
      return `<@${commander}> is now the incident commander of ${incident.id}.`;
    }),
    status: inIncident('status', async (incident) => statusText(incident, clock.now())),
    list: async () => listText(await incidents.list('open', 50), clock.now()),
    timeline: inIncident('timeline', async (incident) => timelineText(incident, await incidents.timeline(incident.id))),
    runbook: async ({ incident, args }) => {
      const id = args[0] ?? (incident?.service ? config.services[incident.service]?.runbook : undefined) ?? 'incident-response';
      const runbook = content.runbook(id);
      if (!runbook) return `No runbook "${id}". Known: ${content.runbooks.map((r) => r.id).join(', ')}`;
      return [`*${runbook.title}* — ${runbook.whenToUse}`, ...runbook.steps.slice(0, 40).map((step) => `☐ ${step}`)].join('\n');
    },
    ack: inIncident('ack', escalation.ack),
    escalate: inIncident('escalate', escalation.escalate),
    postmortem: inIncident('postmortem', escalation.postmortem),
    rollback: remediation.rollback,
    flag: remediation.flag,
    oncall: oncallSubcommand(deps),
    help: async () => HELP_TEXT,
  };

  return async ({ command, ack, client }: CommandArgs): Promise<void> => {
    const [name = 'help', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const subcommand = subcommands[name.toLowerCase()];
    if (!subcommand) {
      await ack({ response_type: 'ephemeral', text: `I don't know \`/incident ${name}\`.\n\n${HELP_TEXT}` });
      return;
    }
    // A failure is acknowledged, logged and told to the person by the error sink (error-sink.ts).
    const incident = await incidents.findByChannel(command.channel_id);
    const rest = command.text.trim().slice(name.length).trim();
    const text = await subcommand({ args, rest, incident, command, client }, ack);
    if (text !== undefined) await ack({ response_type: 'ephemeral', ...textBlocks(text) });
  };
}
