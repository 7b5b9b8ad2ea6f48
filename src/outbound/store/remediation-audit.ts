import type { RedisClient } from '../../lib/redis-connection';
import type { AuditEntry, AuditLog } from '../../domain/remediation/action-ports';
import type { ContextRef } from '../../domain/remediation/model';
import type { TimelineEntry } from '../../domain/incidents/model';
import type { Clock } from '../../lib/clock';
import type { RedisKeys } from '../../lib/keys';

/** Timeline entries written for remediation have this kind. */
export const REMEDIATION_TIMELINE_KIND = 'remediation';

export interface IncidentNotes {
  note(id: string, actor: string, kind: string, text: string, data?: Record<string, unknown>): Promise<void>;
}

/**
 * Remediation audit: on the incident's timeline for an incident's buttons; for an alert card or a
 * guard proposal (no timeline yet), in a per-context Redis list kept for the retention period.
 */
export class RemediationAuditLog implements AuditLog {
  constructor(
    private readonly deps: { incidents: IncidentNotes; redis: RedisClient; keys: RedisKeys; clock: Clock; retentionMs: number },
  ) {}

  async record(context: ContextRef, entry: AuditEntry): Promise<void> {
    if (context.kind === 'incident') {
      await this.deps.incidents.note(context.id, entry.actor, REMEDIATION_TIMELINE_KIND, entry.text, entry.data);
      return;
    }
    const line: TimelineEntry = { at: this.deps.clock.now().toISOString(), actor: entry.actor, kind: REMEDIATION_TIMELINE_KIND, text: entry.text };
    if (entry.data) line.data = entry.data;
    const key = this.deps.keys.remediationAudit(context.kind, context.id);
    await this.deps.redis.multi().rpush(key, JSON.stringify(line)).pexpire(key, this.deps.retentionMs).exec();
  }

  /** The audit list of a context without an incident, oldest first. */
  async list(context: ContextRef): Promise<TimelineEntry[]> {
    const raw = await this.deps.redis.lrange(this.deps.keys.remediationAudit(context.kind, context.id), 0, -1);
    return raw.map((line) => JSON.parse(line) as TimelineEntry);
  }
}
