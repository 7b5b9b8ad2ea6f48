/** Asks for a service's changed alerts to be shown in Slack soon; bursts coalesce into one digest. */
export interface AlertDigestScheduler {
  schedule(service: string, fingerprints: string[]): Promise<void>;
}
