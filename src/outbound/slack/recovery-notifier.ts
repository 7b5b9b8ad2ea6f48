import type { WebClient } from '@slack/web-api';
import { checklistReminderMessage, postRollbackChecklistMessage, recoveryResultMessage } from '../../blocks/recovery';
import type { SlackMessage } from '../../blocks/text';
import type { ChecklistView, RecoveryNotifier, ReminderView, ResultView } from '../../domain/recovery/ports';
import type { ActionRecord } from '../../domain/remediation/model';

/** The recovery watch in Slack: every post goes into the action's thread (where its status message is). */
export class SlackRecoveryNotifier implements RecoveryNotifier {
  constructor(private readonly client: () => WebClient) {}

  postResult(view: ResultView): Promise<void> {
    return this.post(view.record, recoveryResultMessage(view));
  }

  postChecklist(view: ChecklistView): Promise<void> {
    return this.post(view.record, postRollbackChecklistMessage(view));
  }

  postReminder(view: ReminderView): Promise<void> {
    return this.post(view.record, checklistReminderMessage(view));
  }

  private async post(record: ActionRecord, message: SlackMessage): Promise<void> {
    const { channel, threadTs } = record.spec.thread;
    const base = { channel, text: message.text, blocks: message.blocks, unfurl_links: false };
    await this.client().chat.postMessage(threadTs ? { ...base, thread_ts: threadTs } : base);
  }
}
