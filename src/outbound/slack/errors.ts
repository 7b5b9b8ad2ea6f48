/** The `error` string of a Slack Web API platform error (e.g. "name_taken"), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'data' in error) {
    const data = (error as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
  }
  return undefined;
}

/** Run a Slack call, treating the listed platform errors as success (e.g. "already_in_channel"). */
export async function tolerate<T>(call: Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (codes.includes(slackErrorCode(error) ?? '')) return undefined;
    throw error;
  }
}
