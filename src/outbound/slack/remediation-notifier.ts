import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../blocks/incident-messages';
import { failureMessage, remediationStatusMessage, verificationMessage } from '../../blocks/remediation-status';
import { mention, slackMessage } from '../../blocks/text';
import type { Content } from '../../content';
import type { PageAdvice, RemediationNotifier } from '../../domain/remediation/action-ports';
import type { ActionRecord } from '../../domain/remediation/model';

/** The remediation thread in Slack: the status message (posted once, then updated) and the follow-ups. */
export class SlackRemediationNotifier implements RemediationNotifier {
  constructor(
    private readonly deps: {
      /** Bolt builds its client after the services: read it when something is sent. */
      client: () => WebClient;
      content: Content;
    },
  ) {}

  async postStatus(record: ActionRecord, now: Date): Promise<string> {
    return this.post(record, remediationStatusMessage(record, now, this.target(record)));
  }

  async updateStatus(record: ActionRecord, ts: string, now: Date): Promise<void> {
    const message = remediationStatusMessage(record, now, this.target(record));
    await this.deps.client().chat.update({ channel: record.spec.thread.channel, ts, text: message.text, blocks: message.blocks });
  }

  postVerification(record: ActionRecord): Promise<string> {
    return this.post(record, verificationMessage(record, this.deps.content.policy.successCriteria));
  }

  /** The deployment runbook's rollback announcement, also shown in the channel when posted in a thread. */
  postAnnouncement(record: ActionRecord, status: string): Promise<string> {
    const { spec } = record;
    const text = this.deps.content.render('rollback-announcement', {
      service: spec.service,
      fromVersion: spec.fromVersion ?? '?',
      toVersion: spec.toVersion ?? '?',
      reason: spec.reason,
      status,
      strategy: spec.strategy,
      actor: mention(spec.actor),
      incidentLink: spec.incidentId,
    });
    return this.post(record, slackMessage(text), true);
  }

  postFailure(record: ActionRecord, page: PageAdvice | undefined, escalated: boolean): Promise<string> {
    return this.post(record, failureMessage(record, page, escalated));
  }

  private target(record: ActionRecord): number | undefined {
    const strategy = record.spec.kind === 'rollback' ? record.spec.strategy : undefined;
    return strategy ? this.deps.content.policy.rollbackTargets[strategy] : undefined;
  }

  private async post(record: ActionRecord, message: SlackMessage, broadcast = false): Promise<string> {
    const { channel, threadTs } = record.spec.thread;
    const base = { channel, text: message.text, blocks: message.blocks, unfurl_links: false };
    const client = this.deps.client();
    const posted = await (threadTs
      ? client.chat.postMessage({ ...base, thread_ts: threadTs, reply_broadcast: broadcast })
      : client.chat.postMessage(base));
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return posted.ts;
  }
}
