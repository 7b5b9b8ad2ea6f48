import type { Clock } from '../../lib/clock';
import type { ActionStore, RemediationNotifier, Warner } from './action-ports';
import type { ActionRecord } from './model';

export interface StatusMessageDeps {
  store: ActionStore;
  notifier: RemediationNotifier;
  clock: Clock;
  logger: Warner;
  /** How long to wait for the clicker's post, once it took the posting, before posting the status message ourselves. */
  waitMs: number;
}

const POLL_MS = 25;

/**
 * The one status message of a run, seen from the worker. Whoever asks first posts it
 * (`claimStatusPost`): the worker as the job starts, or the click handler when no worker took the
 * job within a second (RemediationRequests.showQueued). When the clicker posts, the worker waits
 * briefly for the post to land and then only updates it, in order; if it never lands (the handler
 * died), the worker posts it itself. Updates asked for while one is in flight are coalesced: only
 * the newest state is sent.
 */
export class StatusMessage {
  private ts: string | undefined;
  private latest: ActionRecord | undefined;
  private rendering: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly deps: StatusMessageDeps,
    record: ActionRecord,
  ) {
    this.ts = record.statusTs;
  }

  /** Update in the background (never delays the executor); failures are logged. */
  show(record: ActionRecord): void {
    this.latest = record;
    this.rendering ??= this.drain();
  }

  /** Show `record` and wait until it is on screen; a failure is thrown (the job retries). */
  async settle(record: ActionRecord): Promise<void> {
    this.show(record);
    while (this.rendering) await this.rendering;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Like settle, but a failure is only logged (the action already failed for a better reason). */
  async settleQuietly(record: ActionRecord): Promise<void> {
    await this.settle(record).catch((error: unknown) => this.warn(record, error));
  }

  private async drain(): Promise<void> {
    try {
      while (this.latest) {
        const record = this.latest;
        this.latest = undefined;
        try {
          await this.render(record);
          this.failure = undefined;
        } catch (error) {
          this.failure = error;
          this.warn(record, error);
        }
      }
    } finally {
      this.rendering = undefined;
    }
  }

  private async render(record: ActionRecord): Promise<void> {
    const { notifier, store, clock } = this.deps;
    const mine = !this.ts && (await store.claimStatusPost(record.spec.id, record.spec.run, 'worker'));
    const ts = mine ? undefined : (this.ts ?? (await this.waitForPost(record)));
    if (ts) {
      this.ts = ts;
      await notifier.updateStatus({ ...record, statusTs: ts }, ts, clock.now());
      return;
    }
    const posted = await notifier.postStatus(record, clock.now());
    await store.setStatusTs(record.spec.id, record.spec.run, posted);
    this.ts = posted;
  }

  private async waitForPost(record: ActionRecord): Promise<string | undefined> {
    const deadline = Date.now() + this.deps.waitMs;
    for (;;) {
      const current = await this.deps.store.get(record.spec.id);
      if (current?.statusTs && current.spec.run === record.spec.run) return current.statusTs;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private warn(record: ActionRecord, error: unknown): void {
    this.deps.logger.warn({ err: error, actionId: record.spec.id }, 'remediation status message not updated');
  }
}
