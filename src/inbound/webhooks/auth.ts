import { createHmac, timingSafeEqual } from 'node:crypto';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `Authorization: Bearer <token>`, compared in constant time; false when no token is configured. */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1] !== undefined && sameText(match[1], token);
}

/** GitHub's X-Hub-Signature-256: `sha256=<hex HMAC of the raw body>`. */
export function githubSignatureMatches(raw: Buffer, header: string | undefined, secret: string | undefined): boolean {
  if (!secret || !header) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return sameText(header, expected);
}
