import { z } from 'zod';
import { DEPLOY_STATUSES, type NewDeploy } from '../../../domain/deploys/model';
import { isoTimestamp, nonEmpty, optionalChanges, receivedAt, strategySchema, type ReceiveOptions } from './common';

/**
 * POST /webhooks/deploy — the generic deploy event (PRODUCT.md "Generic deploy event"):
 *   {"service": "checkout", "environment": "production", "version": "v1.2.3", "previousVersion": "v1.2.2",
 *    "strategy": "blue-green", "status": "succeeded", "timestamp": "2026-11-22T10:00:00Z",
 *    "commit": "abc123", "url": "https://…", "actor": "alice",
 *    "changes": {"config": true, "dependencies": false, "migrations": ["0042_add_col"],
 *                "flags": [{"key": "new-checkout", "enabled": true}]}}
 * Required: service, version, status. Defaults: environment "production", strategy "direct",
 * timestamp the time of receipt, changes nothing. strategy and status only take the listed values.
 */
export const deploySchema = z.object({
  service: nonEmpty,
  environment: nonEmpty.default('production'),
  version: nonEmpty,
  previousVersion: nonEmpty.optional(),
  strategy: strategySchema.default('direct'),
  status: z.enum(DEPLOY_STATUSES),
  timestamp: isoTimestamp.optional(),
  commit: nonEmpty.optional(),
  url: nonEmpty.optional(),
  actor: nonEmpty.optional(),
  changes: optionalChanges,
});

export type DeployEvent = z.infer<typeof deploySchema>;

export function normaliseDeploy(event: DeployEvent, options?: ReceiveOptions): NewDeploy {
  return {
    service: event.service,
    environment: event.environment,
    version: event.version,
    previousVersion: event.previousVersion,
    strategy: event.strategy,
    status: event.status,
    timestamp: event.timestamp ?? receivedAt(options),
    commit: event.commit,
    url: event.url,
    actor: event.actor,
    changes: event.changes,
    source: 'generic',
  };
}
