import { z } from 'zod';
import { onCallBoardText, overrideReplyText } from '../../../../blocks/oncall';
import { joinMd, md, type Mrkdwn } from '../../../../blocks/text';
import { parseDuration } from '../../../../lib/duration';
import type { SlackDeps } from '../../deps';
import { parseUserMention } from '../../text';

const USAGE_LINES = [
  md`\`/incident oncall\` — who is on call in each rotation, until when, and who is next`,
  md`\`/incident oncall override &lt;rotation&gt; @user &lt;duration&gt;\` — @user takes the shift from now (e.g. \`8h\`, \`2d\`, \`1w\`)`,
];
export const ONCALL_USAGE = joinMd(USAGE_LINES);

/** The words after `/incident oncall override`. */
const overrideArgsSchema = z.tuple([
  z.string().min(1),
  z
    .string()
    .transform((text, ctx) => parseUserMention(text) ?? (/^[UW][A-Z0-9]{2,}$/.test(text) ? text : (ctx.addIssue({ code: 'custom', message: `"${text}" is not a user: use a Slack mention (<@U…>) or a user id (U…)` }), z.NEVER))),
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 8h, 2d or 1w` });
      return z.NEVER;
    }
    return ms;
  }),
]);

/** `/incident oncall [override …]`: works in any channel, answered privately. */
export function oncallSubcommand(deps: SlackDeps) {
  return async ({ args, command }: { args: string[]; command: { user_id: string } }): Promise<Mrkdwn> => {
    const oncall = deps.oncall;
    if (!oncall) return md`On-call rotations are not available in this process.`;
    const [sub, ...rest] = args;
    if (!sub) return onCallBoardText(await oncall.service.board(), deps.clock.now());
    if (sub.toLowerCase() !== 'override') return md`I don't know \`/incident oncall ${sub}\`.\n${ONCALL_USAGE}`;
    const parsed = overrideArgsSchema.safeParse(rest);
    if (!parsed.success) {
      const reasons = parsed.error.issues.map((issue) => (issue.code === 'custom' ? issue.message : 'expected a rotation, a user and a duration'));
      return md`${[...new Set(reasons)].join('; ')}\nUsage: ${USAGE_LINES[1]!}`;
    }
    const [rotation, userId, durationMs] = parsed.data;
    if (!oncall.service.rotationNames().includes(rotation)) {
      return md`No rotation "${rotation}". Known: ${oncall.service.rotationNames().join(', ') || 'none (config oncall.rotations)'}`;
    }
    const override = await oncall.flows.override({ rotation, userId, durationMs, by: command.user_id });
    deps.logger.info({ audit: 'oncall-override', ...override }, 'on-call override taken');
    return overrideReplyText(rotation, userId, new Date(override.until));
  };
}
