import type { Locator } from 'playwright-core';

/** Playwright's web-first assertions without @playwright/test: poll a locator until the condition holds. */
export function expectLocator(locator: Locator) {
  const poll = async (what: () => string, check: () => Promise<boolean>, timeout = 10_000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${String(locator)} ${what()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let last = '';
  const text = async () => {
    const all = (await locator.allTextContents()).join('\n');
    last = all.length > 2000 ? `…${all.slice(-2000)}` : all;
    return all;
  };
  return {
    toContainText: (expected: string, options: { timeout?: number } = {}) =>
      poll(() => `never contained "${expected}" (had: ${last})`, async () => (await text()).includes(expected), options.timeout),
    toHaveText: (expected: string) => poll(() => `had "${last}", never "${expected}"`, async () => (await text()).trim() === expected),
    toHaveValue: (expected: string) => poll(() => `never had value "${expected}"`, async () => (await locator.inputValue()) === expected),
    toHaveCount: (count: number) => poll(() => `never had ${count} matches`, async () => (await locator.count()) === count),
    toBeVisible: () => poll(() => 'never became visible', () => locator.isVisible()),
  };
}
