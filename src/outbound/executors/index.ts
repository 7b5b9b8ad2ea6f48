import type { FlagsConfig, RollbackConfig } from '../../config/remediation';
import type { FlagProvider, RollbackExecutor } from '../../domain/remediation/ports';
import { CommandRollbackExecutor } from './command-rollback';
import type { ExecutorDeps } from './deps';
import { HttpFlagProvider } from './http-flags';
import { HttpRollbackExecutor } from './http-rollback';
import { KubernetesRollbackExecutor } from './kubernetes-rollback';
import { LaunchDarklyFlagProvider } from './launchdarkly-flags';
import { UnleashFlagProvider } from './unleash-flags';

export type { ExecutorDeps } from './deps';

/** The executor a service's `rollback` block names. Throws PermanentActionError for an unloadable kubeconfig. */
export function createRollbackExecutor(config: RollbackConfig, deps: ExecutorDeps = {}): RollbackExecutor {
  switch (config.executor) {
    case 'http':
      return new HttpRollbackExecutor(config, deps);
    case 'command':
      return new CommandRollbackExecutor(config, deps);
    case 'kubernetes':
      return new KubernetesRollbackExecutor(config, deps);
  }
}

/** The provider a service's `flags` block names. */
export function createFlagProvider(config: FlagsConfig, deps: ExecutorDeps = {}): FlagProvider {
  switch (config.provider) {
    case 'http':
      return new HttpFlagProvider(config, deps);
    case 'unleash':
      return new UnleashFlagProvider(config, deps);
    case 'launchdarkly':
      return new LaunchDarklyFlagProvider(config, deps);
  }
}
