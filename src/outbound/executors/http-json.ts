import { PermanentActionError, TransientActionError } from '../../domain/remediation/errors';
import { rootCause } from '../../lib/network-errors';

const EXCERPT_CHARS = 500;

export type Outcome = 'ok' | 'permanent' | 'transient';

/** 2xx done; 408, 429 and 5xx worth another try; every other status (4xx, stray 3xx) is final. */
export function classifyStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

export function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** The `message` field of a JSON answer, when there is one. */
export function messageOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('message' in json)) return undefined;
  return typeof json.message === 'string' && json.message !== '' ? json.message : undefined;
}

export interface JsonCall {
  /** Names the far side in messages: "deployer", "Unleash"… */
  target: string;
  method: 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** The exact bytes to send, serialized by the caller (so it can sign them). */
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface JsonReply {
  status: number;
  text: string;
  json: unknown;
}

/** Sends one request under a timeout and turns every non-2xx outcome into an action error. */
export async function sendJson(call: JsonCall): Promise<JsonReply> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const doFetch = call.fetch ?? globalThis.fetch;
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await doFetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      redirect: 'manual',
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (err) {
    throw unreachable(call, err, timeout.aborted);
  }
  const outcome = classifyStatus(status);
  if (outcome === 'ok') return { status, text, json: parseJson(text) };
  const reason = messageOf(parseJson(text));
  const message = `${call.target} answered HTTP ${status}${reason ? `: ${reason}` : ''}`;
  const details = { status, body: excerpt(text), retryAfterMs: retryAfterMs(retryAfter) };
  throw outcome === 'transient' ? new TransientActionError(message, details) : new PermanentActionError(message, details);
}

function unreachable(call: JsonCall, err: unknown, timedOut: boolean): TransientActionError {
  if (timedOut) return new TransientActionError(`${call.target} did not answer within ${call.timeoutMs} ms`, { cause: err });
  if (call.signal?.aborted) return new TransientActionError(`${call.target} call was cancelled`, { cause: err });
  return new TransientActionError(`${call.target} is unreachable (${rootCause(err)})`, { cause: err });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** `base` without a trailing slash, then `path`, each path segment URL-encoded. */
export function joinUrl(base: string, ...segments: string[]): string {
  return `${base.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
}
