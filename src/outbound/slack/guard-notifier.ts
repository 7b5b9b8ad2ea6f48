import type { WebClient } from '@slack/web-api';
import { guardIncidentReport, guardProblemMessage, guardProposalMessage, guardRollbackReport } from '../../blocks/guard';
import type { SlackMessage } from '../../blocks/incident-messages';
import type { GuardWindow, Problem } from '../../domain/guard/model';
import type { AutoReportView, GuardNotifier, GuardView, Posted, RollbackOffer } from '../../domain/guard/ports';
import { offersIn } from '../../blocks/remediation';
import type { RemediationOffer } from '../../blocks/remediation-ids';

/** The deploy guard in Slack: every message posted with the channel id Slack answers, for later updates. */
export class SlackGuardNotifier implements GuardNotifier {
  constructor(
    private readonly deps: {
      /** Bolt builds its client after the services: read it when something is sent. */
      client: () => WebClient;
      /** The rollback runbook's target per strategy, named in the Rollback confirmation. */
      rollbackTargets: Record<string, number>;
      /** Where the Rollback buttons' offers are saved before a card is posted or updated. */
      offers: { save(offers: readonly RemediationOffer[]): Promise<void> };
      /** policy.yaml rollbackTriggers.humanOnly, shown on the proposal card. */
      humanOnly?: readonly string[];
    },
  ) {}

  postProposal(channel: string, view: GuardView, offer: RollbackOffer): Promise<Posted> {
    return this.post(channel, guardProposalMessage(view, offer, this.deps.rollbackTargets, this.deps.humanOnly));
  }

  updateProposal(posted: Posted, view: GuardView, offer: RollbackOffer): Promise<void> {
    return this.update(posted, guardProposalMessage(view, offer, this.deps.rollbackTargets, this.deps.humanOnly));
  }

  postRollbackReport(channel: string, view: AutoReportView): Promise<Posted> {
    return this.post(channel, guardRollbackReport(view));
  }

  updateRollbackReport(posted: Posted, view: AutoReportView): Promise<void> {
    return this.update(posted, guardRollbackReport(view));
  }

  postIncidentReport(channel: string, threadTs: string, view: AutoReportView): Promise<Posted> {
    return this.post(channel, guardIncidentReport(view), threadTs);
  }

  postProblems(channel: string, window: GuardWindow, problems: Problem[], sourceName: string): Promise<Posted> {
    return this.post(channel, guardProblemMessage(window, problems, sourceName));
  }

  private async post(channel: string, message: SlackMessage, threadTs?: string): Promise<Posted> {
    await this.deps.offers.save(offersIn(message.blocks));
    const posted = await this.deps.client().chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return { channel: posted.channel ?? channel, ts: posted.ts };
  }

  private async update(posted: Posted, message: SlackMessage): Promise<void> {
    await this.deps.offers.save(offersIn(message.blocks));
    await this.deps.client().chat.update({ channel: posted.channel, ts: posted.ts, text: message.text, blocks: message.blocks });
  }
}
