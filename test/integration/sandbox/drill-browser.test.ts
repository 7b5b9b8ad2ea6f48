import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expectLocator } from '../../helpers/locator-expect';
import { launchChromium } from '../../helpers/browser';
import { startSandbox, type SandboxHarness } from '../../helpers/sandbox';

const ARTIFACTS = join(resolve(__dirname, '../../..'), 'test-artifacts', 'sandbox');

jest.setTimeout(120_000);

describe('a drill in the sandbox, in a real browser', () => {
  let harness: SandboxHarness;
  let browser: Browser;
  let page: Page;
  const shot = async (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    harness = await startSandbox();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('/incident drill bad-deploy from the composer → drill channel → dry-run Rollback → resolve → report', async () => {
    await page.goto(`${harness.url}/sandbox`);
    const messages = page.getByRole('log', { name: 'Messages' });
    const composer = page.getByRole('textbox', { name: 'Message' });
    await page.getByRole('link', { name: '# general' }).waitFor();

    await composer.fill('/incident drill');
    await composer.press('Enter');
    await expectLocator(messages).toContainText('latency-regression');

    await composer.fill('/incident drill bad-deploy');
    await composer.press('Enter');
    const drillLink = page.getByRole('link', { name: /# drill-\d{8}-drill-error-spike-after-a-deploy/ });
    await drillLink.click({ timeout: 20_000 });
    await expectLocator(messages).toContainText('a rehearsal, not a real incident', { timeout: 20_000 });
    await expectLocator(messages).toContainText('Deploy (drill)');

    // Rollback in a drill asks, then runs dry: the demo deployer receives nothing.
    const rollback = messages.getByRole('button', { name: 'Rollback to v2.7.4' });
    await rollback.click({ timeout: 20_000 });
    const confirm = page.getByRole('dialog', { name: 'Rollback (drill)?' });
    await confirm.getByRole('button', { name: 'Rollback' }).click();
    await expectLocator(messages).toContainText('Nothing was sent', { timeout: 20_000 });
    const deployer = (await page.getByRole('region', { name: 'Demo deployer' }).allTextContents()).join('\n');
    expect(deployer).not.toContain('rollback ·');

    await composer.fill('/incident resolve');
    await composer.press('Enter');
    const resolveModal = page.getByRole('dialog', { name: 'Resolve incident' });
    await resolveModal.getByLabel('Root cause').fill('Drill: v2.8.0 broke order validation');
    await resolveModal.getByLabel('User impact').fill('None (drill)');
    await resolveModal.getByLabel('Follow-up').fill('Tick the steps next time');
    await resolveModal.getByRole('button', { name: 'Submit' }).click();
    await expectLocator(messages).toContainText('Drill report', { timeout: 20_000 });
    await expectLocator(messages).toContainText('Time to acknowledge');
    await expectLocator(messages).toContainText('Time to mitigate');
    await expectLocator(messages).toContainText('Skipped steps');
    await shot('05-drill-report');
  });
});
