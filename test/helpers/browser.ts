import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, as these machines allow it: no sandbox (root), no GPU, and none of
 * the background connections a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
