import type { Deploy, NewDeploy } from './model';

export interface RecordedDeploy {
  id: string;
  /** True when the same deploy event was already recorded; `id` is then the first one's. */
  duplicate: boolean;
}

/** Every deploy Firebreak heard of, per service and environment, for the retention period. */
export interface DeployHistory {
  /** Store a deploy event once, deduplicated by `deployDedupeKey` (atomic across replicas). */
  record(deploy: NewDeploy): Promise<RecordedDeploy>;
  /**
   * Deploys of `service` with `sinceMs <= timestamp <= atMs`, newest first, at most `limit`.
   * `environment` undefined means every environment the service was deployed to.
   */
  before(service: string, environment: string | undefined, atMs: number, sinceMs: number, limit: number): Promise<Deploy[]>;
  /** The newest deploy of `service` to `environment` by its timestamp. */
  latest(service: string, environment: string): Promise<Deploy | undefined>;
  get(id: string): Promise<Deploy | undefined>;
}
