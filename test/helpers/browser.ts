import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, as these machines allow it: no sandbox (root), no GPU, and none of
 * the background connections a closed network refuses. It keeps the real clock when the suite runs
 * under scripts/test-at-date.sh (libfaketime stalls Chromium); pages show the server's times anyway.
 */
export function launchChromium(): Promise<Browser> {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    env: env as Record<string, string>,
  });
}
