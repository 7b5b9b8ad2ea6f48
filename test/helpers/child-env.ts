/**
 * What a child process started with a clean environment still takes from this one: PATH and HOME,
 * and the clock — under scripts/test-at-date.sh (libfaketime) every process must see the same moved
 * clock, or a signed request from the test would look years ahead to the bot.
 */
export function baseChildEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const name of ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
