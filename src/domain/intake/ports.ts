import type { Deploy } from '../deploys/model';

/**
 * Told of each deploy once it is stored (the deploy guard). Called for a resend too, so it must be
 * idempotent: a start that failed halfway is finished by the sender's retry.
 */
export interface DeployWatcher {
  deployed(deploy: Deploy): Promise<void>;
}

/** Asks for a service's changed alerts to be shown in Slack soon; bursts coalesce into one digest. */
export interface AlertDigestScheduler {
  schedule(service: string, fingerprints: string[]): Promise<void>;
}
