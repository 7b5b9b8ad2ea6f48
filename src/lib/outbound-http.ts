import { Agent, type Dispatcher, EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';

/** Loopback is never sent through a proxy (the sandbox's embedded Slack, a local Redis exporter…). */
const ALWAYS_DIRECT = ['localhost', '127.0.0.1', '::1'];

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string;
}

/** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case, upper first), or undefined when no proxy is set. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const read = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const httpProxy = read('HTTP_PROXY');
  const httpsProxy = read('HTTPS_PROXY') ?? httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = [read('NO_PROXY'), ...ALWAYS_DIRECT].filter(Boolean).join(',');
  return { httpProxy, httpsProxy, noProxy };
}

/**
 * The dispatcher for outbound fetch calls: through the proxy the environment names (hosts matching
 * NO_PROXY direct), or a plain agent; `tls` adds e.g. a private CA for every TLS connection.
 */
export function outboundDispatcher(env: NodeJS.ProcessEnv = process.env, tls: { ca?: string | Buffer } = {}): Dispatcher {
  const proxy = proxySettings(env);
  const connect = tls.ca ? { ca: tls.ca } : undefined;
  if (!proxy) return new Agent(connect ? { connect } : {});
  return new EnvHttpProxyAgent({ ...proxy, ...(connect ? { connect, requestTls: connect } : {}) });
}

/** At startup: make the global fetch (executors, flag providers, Prometheus, health probes) honour the proxy variables. */
export function installOutboundProxy(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!proxySettings(env)) return false;
  setGlobalDispatcher(outboundDispatcher(env));
  return true;
}
