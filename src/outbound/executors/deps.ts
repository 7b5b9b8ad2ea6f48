import type { KubeConfig } from './kubeconfig';
import type { Logger } from 'pino';

/** What the executor factory may be handed; everything has a sensible default. */
export interface ExecutorDeps {
  logger?: Logger;
  /** Defaults to the global fetch, looked up at call time (so nock's interception applies). */
  fetch?: typeof fetch;
  /** Source of the signing timestamp (webhook-timestamp, X-Firebreak-Timestamp). */
  now?: () => Date;
  /** A ready KubeConfig (tests); otherwise built from the block's kubeconfig/context. */
  kubeConfig?: KubeConfig;
}
