import { drillListText } from '../../../../blocks/drill';
import { code, md, type Mrkdwn } from '../../../../blocks/text';
import type { Incident } from '../../../../domain/incidents/model';
import type { SlackDeps } from '../../deps';
import { parseUserMention } from '../../text';

interface DrillInvocation {
  args: string[];
  incident: Incident | undefined;
  command: { user_id: string; trigger_id: string };
}

/**
 * `/incident drill` (list), `/incident drill status` (last test of each runbook),
 * `/incident drill <scenario> [@participant …]` (run one); and, inside a drill channel,
 * `/incident rollback` / `/incident flag off <key>` as dry runs.
 */
export function drillSubcommands(deps: SlackDeps) {
  const { drills } = deps;
  return {
    drill: async ({ args, command }: DrillInvocation): Promise<Mrkdwn> => {
      const [name, ...rest] = args;
      if (!name) return drillListText(drills.scenarios());
      if (name.toLowerCase() === 'status') return drills.statusText();
      const scenario = drills.scenarios().find((d) => d.id === name.toLowerCase());
      if (!scenario) return md`No drill "${name}".\n\n${drillListText(drills.scenarios())}`;
      const named: string[] = [];
      for (const arg of rest) {
        const user = parseUserMention(arg);
        if (!user) return md`"${arg}" is not a person. Usage: ${code(`/incident drill ${scenario.id} [@participant …]`)}`;
        named.push(user);
      }
      const incident = await drills.start(scenario, command.user_id, named, command.trigger_id);
      return md`Drill ${code(scenario.id)} started as ${incident.id} in #${incident.channelName}. Only its participants are paged; remediation is a dry run.`;
    },
    /** In a drill channel, rollback and flag off never reach an executor. */
    dryRun: async ({ args, incident, command }: DrillInvocation & { incident: Incident }, name: string): Promise<Mrkdwn> => {
      const flag = name === 'flag' ? args[1] : undefined;
      if (name === 'flag' && (args[0] !== 'off' || !flag)) return md`Usage: ${code('/incident flag off <key>')}`;
      return drills.dryRun(incident.id, command.user_id, flag);
    },
  };
}
