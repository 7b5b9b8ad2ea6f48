import type { Queue } from 'bullmq';
import type { RedisClient } from '../../src/lib/redis-connection';
import type { IncidentEvent } from '../../src/domain/incidents/events';
import { IncidentService } from '../../src/domain/incidents/service';
import type { ActionSpec } from '../../src/domain/remediation/model';
import { systemClock } from '../../src/lib/clock';
import type { RedisKeys } from '../../src/lib/keys';
import { BullAlertDigestScheduler } from '../../src/outbound/jobs/alert-digests';
import { RedisActionStore } from '../../src/outbound/store/action-store';
import { RedisAlertStore } from '../../src/outbound/store/alert-store';
import { RedisDeployStore } from '../../src/outbound/store/deploy-store';
import { RedisDrillStore } from '../../src/outbound/store/drill-store';
import { RedisEscalationStore } from '../../src/outbound/store/escalation-store';
import { RedisGuardStore } from '../../src/outbound/store/guard-store';
import { RedisIncidentStore } from '../../src/outbound/store/incident-store';
import { RedisMetricSamples } from '../../src/outbound/store/metric-samples';
import { RedisOverrideStore } from '../../src/outbound/store/oncall-store';
import { RemediationOfferStore } from '../../src/outbound/store/remediation-offers';
import { RedisStatusStore } from '../../src/outbound/store/status-store';
import { aDeploy } from './factories';

/**
 * The stores' flows, each with its own checks, against whatever Redis client is given: one
 * redis-server (under a MONITOR that checks every script and transaction stays in one slot) or a
 * real Redis Cluster (which refuses any command, script or transaction that spans slots).
 * Each scenario touches every Lua script and MULTI of its store.
 */
export function storeScenarios(redis: RedisClient, keys: RedisKeys): Record<string, () => Promise<void>> {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    async incidents() {
      const events: IncidentEvent[] = [];
      const store = new RedisIncidentStore(redis, keys);
      const service = new IncidentService(store, { publish: async (event) => void events.push(event) }, systemClock);
      const input = { title: 'Checkout 500s', severity: 'P2' as const, service: 'checkout', impact: 'errors', reporterId: 'U0R' };
      const [a, b] = await Promise.all([service.start({ ...input, requestKey: 'r1' }), service.start({ ...input, requestKey: 'r1' })]);
      expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
      expect(a.incident.id).toBe(b.incident.id);
      const other = await service.start({ ...input, service: 'payments', requestKey: 'r2' });
      await service.setSeverity(a.incident.id, 'P1', 'U0A');
      await store.bindChannel(a.incident.id, 'C0INC', a.incident.channelName);
      expect((await store.findByChannel('C0INC'))?.id).toBe(a.incident.id);
      expect((await store.openForService('checkout'))?.id).toBe(a.incident.id);
      await store.setChecklist(a.incident.id, ['x', 'y']);
      expect(await store.checklist(a.incident.id)).toEqual(['x', 'y']);
      await service.resolve(a.incident.id, { rootCause: 'r', userImpact: 'u', followUp: 'f' }, 'U0A');
      expect(await store.openForService('checkout')).toBeUndefined();
      expect((await store.list({ status: 'open' })).map((i) => i.id)).toEqual([other.incident.id]);
      expect((await store.list({ status: 'all' })).map((i) => i.id).sort()).toEqual([a.incident.id, other.incident.id].sort());
      const seeded = { ...a.incident, id: `INC-${await store.nextNumber()}`, revision: 0 };
      expect((await store.createOnce(seeded, 'seed')).created).toBe(true);
      expect((await store.createOnce(seeded, 'seed')).created).toBe(false);
      expect((await store.findByRequestKey('r2'))?.id).toBe(other.incident.id);
    },

    async deploysAndAlerts() {
      const deploys = new RedisDeployStore(redis, keys);
      const first = await deploys.record(aDeploy({ service: 'checkout', environment: 'production', version: 'v1', timestamp: iso(now - 60_000) }));
      expect((await deploys.record(aDeploy({ service: 'checkout', environment: 'production', version: 'v1', timestamp: iso(now - 60_000) }))).duplicate).toBe(true);
      await deploys.record(aDeploy({ service: 'checkout', environment: 'staging', version: 'v2', timestamp: iso(now - 30_000) }));
      expect((await deploys.before('checkout', undefined, now, 0, 5)).map((d) => d.version)).toEqual(['v2', 'v1']);
      expect((await deploys.latest('checkout', 'production'))?.id).toBe(first.id);

      const alerts = new RedisAlertStore(redis, keys);
      const alert = (fingerprint: string, service: string) => ({
        fingerprint,
        service,
        status: 'firing' as const,
        startsAt: iso(now - 5_000),
        labels: { alertname: 'HighErrorRate', service },
        annotations: {},
        source: 'alertmanager',
      });
      const recorded = await alerts.recordMany([alert('f1', 'checkout'), alert('f2', 'checkout'), alert('f3', 'payments')] as never, now);
      expect(recorded.map((r) => r.changed)).toEqual(['new', 'new', 'new']);
      expect((await alerts.recent('checkout')).map((a) => a.fingerprint).sort()).toEqual(['f1', 'f2']);

      const digests = new BullAlertDigestScheduler({ add: async () => undefined } as unknown as Queue, redis, keys);
      await digests.schedule('checkout', ['f1', 'f2']);
      expect(await digests.pendingServices()).toEqual(['checkout']);
      const batch = await digests.claim('checkout');
      expect(batch?.fingerprints.sort()).toEqual(['f1', 'f2']);
      await digests.finish('checkout', batch!);
      expect(await digests.claim('checkout')).toBeUndefined();
      expect(await digests.pendingServices()).toEqual([]);
    },

    async remediation() {
      const actions = new RedisActionStore(redis, keys, { retentionMs: 60_000 });
      const spec = (id: string, context: string): Omit<ActionSpec, 'run'> => ({
        id,
        kind: 'rollback',
        service: 'checkout',
        environment: 'production',
        context: { kind: 'alert', id: context },
        actor: 'U0A',
        requestedAt: iso(now),
        reason: 'errors',
        thread: { channel: 'C0A' },
        retry: { attempts: 1, backoffMs: 0 },
      });
      expect((await actions.claim(spec('a1', 'x'), 'deploy-d1', ['queued', 'running'])).outcome).toBe('claimed');
      expect((await actions.claim(spec('a1', 'x'), 'deploy-d1', ['queued', 'running'])).outcome).toBe('taken');
      expect((await actions.claim(spec('a2', 'y'), 'deploy-d1', ['queued', 'running'])).outcome).toBe('conflict');
      expect(await actions.claimStatusPost('a1', 1, 'worker')).toBe(true);
      expect(await actions.claimStatusPost('a1', 1, 'clicker')).toBe(false);
      expect(await actions.claimStatusPost('a1', 2, 'worker')).toBe(false);
      await actions.saveProgress('a1', 1, { state: 'failed', attempt: 1 });
      await actions.setStatusTs('a1', 1, '1.2');
      expect((await actions.claim(spec('a2', 'y'), 'deploy-d1', ['queued', 'running'])).outcome).toBe('claimed');
      // A new run of the failed action: its status message is up for grabs again, unless one is recorded.
      expect((await actions.claim(spec('a1', 'x'), 'deploy-d2', ['queued', 'running'])).record.spec.run).toBe(2);
      expect(await actions.claimStatusPost('a1', 2, 'clicker')).toBe(true);
      expect((await actions.claim(spec('a3', 'z'), 'deploy-d3', ['queued', 'running'])).outcome).toBe('claimed');
      await actions.setStatusTs('a3', 1, '1.3');
      expect(await actions.claimStatusPost('a3', 1, 'worker')).toBe(false);

      const offers = new RemediationOfferStore(redis, keys, 60_000);
      const payload = { service: 'checkout', deployId: 'd1', context: { kind: 'alert' as const, id: 'x' } };
      await offers.save(['o1', 'o2', 'o3'].map((id) => ({ id, payload })) as never);
      expect(await offers.get('o3')).toEqual(payload);
    },

    async timersGuardOncallStatus() {
      const escalation = new RedisEscalationStore(redis, keys);
      await escalation.restart('INC-1', 1, iso(now));
      await escalation.markNotified('INC-1', 1, 1, iso(now));
      expect((await escalation.restart('INC-1', 2, iso(now))).epoch).toBe(2);

      const guard = new RedisGuardStore(redis, keys, { retentionMs: 60_000 });
      expect(await guard.claimWatch('checkout', { deployId: 'd1', version: 'v1', deployedAt: now })).toBe(true);
      await guard.releaseWatch('checkout', 'd1');
      expect(await guard.watching('checkout')).toBeUndefined();
      expect(await guard.claimStep('d1', 'card')).toBe(true);
      expect(await guard.claimStep('d1', 'card')).toBe(false);
      await guard.finishStep('d1', 'card', '1.2');
      expect(await guard.step('d1', 'card')).toBe('1.2');

      const samples = new RedisMetricSamples(redis, keys, () => now);
      const sample = (signal: 'errorRate' | 'p95LatencyMs', value: number) => ({ signal, at: now, value });
      expect((await samples.record({ service: 'checkout', environment: 'production', samples: [sample('errorRate', 0.1), sample('p95LatencyMs', 120)] } as never)).added).toBe(2);

      const overrides = new RedisOverrideStore(redis, keys);
      await overrides.add({ rotation: 'primary', userId: 'U0B', from: iso(now), until: iso(now + 3_600_000), by: 'U0A', at: iso(now) });
      expect(await overrides.list('primary', new Date(now))).toHaveLength(1);

      const status = new RedisStatusStore(redis, keys);
      const published = { incidentId: 'INC-1', title: 'Checkout', services: ['checkout'], impact: 'degraded_performance', stage: 'investigating', startedAt: iso(now), updatedAt: iso(now), updates: [] };
      await status.update('INC-1', () => published as never);
      expect((await status.list(5)).map((p) => p.incidentId)).toEqual(['INC-1']);

      const drills = new RedisDrillStore(redis, keys);
      await drills.setTicks('INC-1', ['1', '2'], ['1']);
      expect(await drills.ticked('INC-1')).toEqual(['1']);
    },
  };
}
