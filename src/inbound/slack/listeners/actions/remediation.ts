import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { DISABLE_FLAG_ACTION } from '../../../../blocks/remediation';
import { REMEDIATION_ACTIONS, remediationButtonValueSchema } from '../../../../blocks/remediation-ids';
import { alreadyStartedText, refusedText } from '../../../../blocks/remediation-status';
import { md, type Mrkdwn } from '../../../../blocks/text';
import type { RemediationKind, Thread } from '../../../../domain/remediation/model';
import type { RequestOutcome } from '../../../../domain/remediation/requests';
import { buttonValue } from '../../button-value';
import type { SlackDeps } from '../../deps';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;



/** In the clicked message's thread; at the channel's top level for an ephemeral message (the command's). */
function threadOf(body: BlockAction): Thread | undefined {
  const channel = body.channel?.id ?? (typeof body.container.channel_id === 'string' ? body.container.channel_id : undefined);
  if (!channel) return undefined;
  if (body.container.is_ephemeral === true) return { channel };
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const ts = message?.thread_ts ?? message?.ts ?? (typeof body.container.message_ts === 'string' ? body.container.message_ts : undefined);
  return ts ? { channel, threadTs: ts } : { channel };
}

/**
 * Rollback / Disable flag pressed (after its confirm dialog). Slack is acknowledged first; then the
 * click is validated, authorised and enqueued (Redis only). A click that starts nothing new is
 * answered privately with who started the action and how far it got.
 */
export function remediationButton(deps: SlackDeps, kind: RemediationKind) {
  return async ({ ack, action, body, respond, logger }: ActionArgs): Promise<void> => {
    await ack();
    const tell = (text: Mrkdwn) => respond({ response_type: 'ephemeral', replace_original: false, text: text.toString() });
    const ref = buttonValue(action, remediationButtonValueSchema);
    const thread = threadOf(body);
    // Only what the server stored when it rendered this button: an invented or altered value finds nothing.
    const value = ref ? await deps.offers.get(ref.offer) : undefined;
    if (ref && !value) logger.warn({ offer: ref.offer, user: body.user.id }, 'a remediation button named no stored offer: refused');
    if (!value || !thread || (kind === 'disable-flag') !== Boolean(value.flagKey)) {
      await tell(md`This button is not one I can act on (it may come from an older version of Firebreak). Use \`/incident rollback\` instead.`);
      return;
    }
    // A failure here is logged and told to the clicker by the error sink (error-sink.ts).
    const outcome: RequestOutcome = await deps.remediation.request({
      kind,
      service: value.service,
      deployId: value.deployId || undefined,
      flagKey: value.flagKey,
      context: value.context,
      actor: body.user.id,
      thread,
    });
    if (outcome.outcome === 'refused') await tell(refusedText(outcome.reason, outcome.who));
    else if (outcome.outcome === 'already') await tell(alreadyStartedText(outcome.record, outcome.elsewhere));
    // The job is queued: a free worker posts the status message as it starts; if none has within a
    // second, it is posted from here as queued. If this post fails the worker posts it itself.
    else await deps.remediation.showQueued(outcome.record).catch((error: unknown) => logger.warn(error));
  };
}

export function registerRemediationActions(app: App, deps: SlackDeps): void {
  app.action(REMEDIATION_ACTIONS.rollback, remediationButton(deps, 'rollback'));
  app.action(DISABLE_FLAG_ACTION, remediationButton(deps, 'disable-flag'));
}
