import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import type { KubernetesRollbackConfig } from '../../config/remediation';
import { PermanentActionError, TransientActionError } from '../../domain/remediation/errors';
import { classifyStatus, excerpt } from './http-json';
import { type KubeConfig, readKubeConfig } from './kubeconfig';

export type { KubeConfig } from './kubeconfig';

/** `kubeconfig` path if set, else the pod's service account when in a cluster, else ~/.kube/config. */
export function loadKubeConfig(config: Pick<KubernetesRollbackConfig, 'kubeconfig' | 'context'>): KubeConfig {
  try {
    return readKubeConfig(config);
  } catch (err) {
    throw new PermanentActionError(`cannot load kubeconfig: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** A non-2xx answer from the API server. */
export class KubeHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${statusCode}`);
    this.name = 'KubeHttpError';
  }
}

export interface KubeRequest {
  method: 'GET' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

/** The few API calls the rollback executor makes, over node:https with the kubeconfig's credentials. */
export class KubeApi {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(kc.server);
    this.agent = new Agent({ ca: kc.ca, cert: kc.cert, key: kc.key, rejectUnauthorized: !kc.skipTLSVerify });
  }

  async call<T>(req: KubeRequest): Promise<T> {
    const url = new URL(this.url.pathname.replace(/\/$/, '') + req.path, this.url);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.kc.tokenFile ? (await readFile(this.kc.tokenFile, 'utf8')).trim() : this.kc.token;
    if (token) headers.authorization = `Bearer ${token}`;
    else if (this.kc.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.kc.username}:${this.kc.password ?? ''}`).toString('base64')}`;
    }
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    const { status, text } = await this.send(url, req.method, headers, payload);
    let json: unknown = text;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    if (status < 200 || status >= 300) throw new KubeHttpError(status, json);
    return json as T;
  }

  private send(url: URL, method: string, headers: Record<string, string>, payload: string | undefined): Promise<{ status: number; text: string }> {
    return new Promise((resolvePromise, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/**
 * A failed API call as an action error: the API server's status decides (409 Conflict is an
 * optimistic-concurrency race, worth a retry); socket errors and timeouts are transient.
 */
export function kubernetesFailure(what: string, err: unknown): Error {
  if (err instanceof PermanentActionError || err instanceof TransientActionError) return err;
  if (err instanceof KubeHttpError) {
    const status = err.statusCode;
    const reason = statusMessage(err.body);
    const message = `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}`;
    const details = { status, body: excerpt(reason ?? ''), cause: err };
    const transient = status === 409 || classifyStatus(status) === 'transient';
    return transient ? new TransientActionError(message, details) : new PermanentActionError(message, details);
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  const text = err instanceof Error ? err.message : String(err);
  if (code) return new TransientActionError(`${what}: ${text.includes(code) ? text : `${code} ${text}`}`, { cause: err });
  return new PermanentActionError(`${what}: ${text}`, { cause: err });
}

/** The `message` of a Kubernetes Status body, or the body as text. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message;
  return body === undefined ? undefined : JSON.stringify(body);
}
