import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

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

/**
 * `src/main.ts` as the real process, its output collected until it exits. Node itself with tsx's
 * require hook, not the tsx binary: tsx relays SIGTERM through a helper that SIGKILLs a child slow
 * to answer (exit 143 under load).
 */
export function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], { cwd: ROOT, env: { ...baseChildEnv(), ...env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}
