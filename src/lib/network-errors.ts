/**
 * fetch wraps socket errors as `TypeError: fetch failed` with the real one as `cause`: the code of
 * the innermost error that has one (ECONNREFUSED, ENOTFOUND…), else the deepest message.
 */
export function rootCause(error: unknown): string {
  let message: string | undefined;
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== 'object') return String(current);
    if ('code' in current && typeof current.code === 'string') return current.code;
    if ('message' in current && typeof current.message === 'string') message = current.message;
    current = 'cause' in current ? current.cause : undefined;
  }
  return message ?? String(error);
}
