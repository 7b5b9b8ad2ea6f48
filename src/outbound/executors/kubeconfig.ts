import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Where and how to reach one API server: what a kubeconfig context or the pod's service account
 * comes down to. Tests build one in code.
 */
export interface KubeConfig {
  server: string;
  /** PEM bytes of the cluster CA; else the system roots. */
  ca?: Buffer;
  skipTLSVerify?: boolean;
  /** Client certificate and key (PEM). */
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  /** Re-read before every call (the service account token rotates). */
  tokenFile?: string;
  username?: string;
  password?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigSource {
  /** Path to a kubeconfig file. */
  kubeconfig?: string;
  /** The context to use instead of the file's current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the service account is mounted (tests). */
  serviceAccountDir?: string;
  home?: string;
}

/** `kubeconfig` if set, else the pod's service account in a cluster, else ~/.kube/config. Throws Error naming the problem. */
export function readKubeConfig(source: KubeConfigSource): KubeConfig {
  const env = source.env ?? process.env;
  if (source.kubeconfig) return fromKubeconfigFile(source.kubeconfig, source.context);
  if (env.KUBERNETES_SERVICE_HOST) {
    if (source.context) throw new Error(`kubeconfig has no context "${source.context}" (in-cluster config has none; set "kubeconfig")`);
    return inCluster(env, source.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  }
  const file = env.KUBECONFIG?.split(':').find((p) => p !== '') ?? join(source.home ?? homedir(), '.kube', 'config');
  return fromKubeconfigFile(file, source.context);
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const tokenFile = join(dir, 'token');
  readFileSync(tokenFile); // fail at start, not on the first click
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(join(dir, 'ca.crt')),
    tokenFile,
  };
}

type Named<T> = { name?: unknown } & T;
type Entry = Record<string, unknown>;

function fromKubeconfigFile(path: string, contextName: string | undefined): KubeConfig {
  const file = resolve(path);
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null) throw new Error(`${file} is not a kubeconfig`);
  const root = doc as Entry;
  const wanted = contextName ?? (typeof root['current-context'] === 'string' ? root['current-context'] : undefined);
  if (!wanted) throw new Error(`${file} names no current-context; set "context"`);
  const context = pick(root.contexts, wanted, 'context');
  if (!context) throw new Error(`kubeconfig has no context "${wanted}"`);
  const cluster = pick(root.clusters, String(context.cluster ?? ''), 'cluster');
  if (!cluster) throw new Error(`kubeconfig context "${wanted}" names no known cluster "${String(context.cluster ?? '')}"`);
  const user = context.user === undefined ? {} : pick(root.users, String(context.user), 'user');
  if (!user) throw new Error(`kubeconfig context "${wanted}" names no known user "${String(context.user)}"`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new Error(`kubeconfig user "${String(context.user)}" uses an exec/auth-provider plugin, which Firebreak does not run; use a token, tokenFile or client certificate`);
  }
  if (typeof cluster.server !== 'string' || cluster.server === '') throw new Error(`kubeconfig cluster "${String(context.cluster)}" has no server`);
  const base = dirname(file);
  const bytes = (data: unknown, fileKey: unknown): Buffer | undefined => {
    if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64');
    if (typeof fileKey === 'string' && fileKey !== '') return readFileSync(isAbsolute(fileKey) ? fileKey : join(base, fileKey));
    return undefined;
  };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const tokenFile = text(user.tokenFile);
  return {
    server: cluster.server.replace(/\/+$/, ''),
    ca: bytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
    skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    cert: bytes(user['client-certificate-data'], user['client-certificate']),
    key: bytes(user['client-key-data'], user['client-key']),
    token: text(user.token),
    tokenFile: tokenFile && (isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile)),
    username: text(user.username),
    password: text(user.password),
  };
}

/** The inner block of the named entry of a kubeconfig list (`contexts`, `clusters`, `users`). */
function pick(list: unknown, name: string, field: string): Entry | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = (list as Array<Named<Entry>>).find((item) => typeof item === 'object' && item !== null && item.name === name);
  if (!entry) return undefined;
  const inner = entry[field];
  return typeof inner === 'object' && inner !== null ? (inner as Entry) : {};
}
