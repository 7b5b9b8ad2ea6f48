import { permanentSlackError, refusedFor, SlackRefusedError } from '../../../src/outbound/slack/errors';

/** What @slack/web-api throws for `{"ok": false, "error": code}`. */
const platformError = (code: string) => Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });

describe('Slack errors retrying cannot fix', () => {
  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'invalid_blocks', 'msg_too_long', 'restricted_action'])('%s is permanent', (code) => {
    expect(permanentSlackError(platformError(code))).toBe(code);
  });

  it.each(['internal_error', 'ratelimited', 'fatal_error', 'service_unavailable'])('%s is worth a retry', (code) => {
    expect(permanentSlackError(platformError(code))).toBeUndefined();
  });

  it('an HTTP 500 or a network error is worth a retry', () => {
    expect(permanentSlackError(Object.assign(new Error('500'), { code: 'slack_webapi_http_error', statusCode: 500 }))).toBeUndefined();
    expect(permanentSlackError(new Error('ECONNRESET'))).toBeUndefined();
  });

  it('refusedFor names where a refused call was going and keeps the original as cause', async () => {
    const original = platformError('not_in_channel');
    const error = await refusedFor('#incidents', Promise.reject(original)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRefusedError);
    expect(error).toMatchObject({ slackError: 'not_in_channel', target: '#incidents', cause: original });
    expect(permanentSlackError(error)).toBe('not_in_channel');
    const transient = platformError('internal_error');
    await expect(refusedFor('#incidents', Promise.reject(transient))).rejects.toBe(transient);
  });
});
