import { acknowledgeReplyText, escalateReplyText } from '../../../../blocks/escalation';
import type { Incident } from '../../../../domain/incidents/model';
import { md, mention, type Mrkdwn } from '../../../../blocks/text';
import type { SlackDeps } from '../../deps';

interface EscalationInvocation {
  args: string[];
  command: { user_id: string };
}

type Run = (incident: Incident, invocation: EscalationInvocation) => Promise<Mrkdwn>;

const POSTMORTEM_USAGE = md`Usage: \`/incident postmortem\` — a Markdown draft from the timeline; \`/incident postmortem scheduled\` — marks the postmortem as scheduled, which stops its reminder.`;

/**
 * `/incident ack`, `/incident escalate` and `/incident postmortem scheduled`, run inside an incident
 * channel (incident.ts wraps them with its in-incident check).
 */
export function escalationSubcommands(deps: SlackDeps): { ack: Run; escalate: Run; postmortem: Run } {
  return {
    ack: async (incident, { command }) => acknowledgeReplyText(await deps.escalation.acknowledge(incident.id, command.user_id), incident.id),
    escalate: async (incident, { args, command }) => {
      const dataLoss = (args[0] ?? '').toLowerCase() === 'data-loss';
      const result = dataLoss ? await deps.escalation.escalateDataLoss(incident.id, command.user_id) : await deps.escalation.escalateNow(incident.id, command.user_id);
      return escalateReplyText(result, incident.id);
    },
    postmortem: async (incident, { args, command }) => {
      const sub = (args[0] ?? 'draft').toLowerCase();
      if (sub === 'draft') {
        await deps.incidents.requestPostmortem(incident.id, command.user_id);
        return md`Writing a postmortem draft of ${incident.id} from its timeline; it will be posted here as a Markdown file.`;
      }
      if (sub !== 'scheduled') return POSTMORTEM_USAGE;
      const { first, ack } = await deps.escalation.markPostmortemScheduled(incident.id, command.user_id);
      return first
        ? md`Postmortem of ${incident.id} marked as scheduled; no reminder will be sent.`
        : md`The postmortem of ${incident.id} was already marked as scheduled by ${mention(ack.by)}.`;
    },
  };
}
