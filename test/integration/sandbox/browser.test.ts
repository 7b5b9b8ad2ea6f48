import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { redisKeys } from '../../../src/lib/keys';
import { waitFor } from '../../helpers/harness';
import { expectLocator as expect } from '../../helpers/locator-expect';
import { launchChromium } from '../../helpers/browser';
import { startSandbox, type SandboxHarness } from '../../helpers/sandbox';

const ROOT = resolve(__dirname, '../../..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'sandbox');
/** `UPDATE_SANDBOX_SCREENSHOT=1` also refreshes the README's docs/sandbox.png. */
const README_SHOT = join(ROOT, 'docs', 'sandbox.png');

jest.setTimeout(120_000);

describe('the sandbox workspace in a real browser', () => {
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

  it('declare → modal → Initial message → deploy + alert → card with the suspect → Rollback → confirm → progress → resolve → checklist', async () => {
    await page.goto(`${harness.url}/sandbox`);
    const messages = page.getByRole('log', { name: 'Messages' });
    const composer = page.getByRole('textbox', { name: 'Message' });
    await page.getByRole('link', { name: '# general' }).waitFor();

    // Declare: the slash command opens the modal; an empty required field is refused in place.
    await composer.fill('/incident start Checkout <b>errors</b> after deploy');
    await composer.press('Enter');
    const start = page.getByRole('dialog', { name: 'Start an incident' });
    await expect(start.getByLabel('Title')).toHaveValue('Checkout <b>errors</b> after deploy');
    await start.getByLabel('Impact').fill('');
    await start.getByRole('button', { name: 'Submit' }).click();
    await expect(start.getByRole('alert')).toHaveText('Please complete this required field.');
    await expect(start.getByLabel('Title')).toHaveValue('Checkout <b>errors</b> after deploy');
    await start.getByLabel('Severity').selectOption('P1');
    await start.getByLabel('Impact').fill('Orders fail for _some_ users');
    await shot('01-start-modal');
    await start.getByRole('button', { name: 'Submit' }).click();
    await expect(start).toHaveCount(0);

    // The incident channel appears with the Initial message, pinned; outside text stays text.
    const incidentLink = page.getByRole('link', { name: /# inc-\d{8}-checkout/ });
    await incidentLink.click();
    await expect(messages).toContainText('INCIDENT', { timeout: 20_000 });
    await expect(messages).toContainText('Checkout <b>errors</b> after deploy');
    await expect(messages.locator('b')).toHaveCount(0);
    await expect(messages).toContainText('📌 Pinned');
    await expect(page.getByRole('button', { name: '📌 1 pinned' })).toBeVisible();
    await shot('02-incident-channel');

    // A deploy and an alert through the real webhooks.
    const simulate = page.getByRole('region', { name: 'Simulate' });
    await simulate.getByLabel('Service').selectOption('checkout');
    await simulate.getByRole('button', { name: 'Send deploy' }).click();
    await expect(simulate.getByRole('status')).toContainText('Send deploy: HTTP 202');
    await simulate.getByRole('button', { name: 'Fire alert' }).click();
    await expect(simulate.getByRole('status')).toContainText('Fire alert: HTTP 202');

    // The alert card names the suspect and offers the rollback.
    await page.getByRole('link', { name: '# checkout-alerts' }).click();
    const rollback = messages.getByRole('button', { name: 'Rollback to v1.3.9' });
    await rollback.waitFor({ timeout: 20_000 });
    await expect(messages).toContainText('Strong suspect');
    await expect(messages).toContainText('v1.4.0');
    await expect(messages.getByRole('button', { name: 'Disable flag new-checkout-flow' })).toBeVisible();

    // Rollback asks first; Cancel does nothing, Roll back runs it.
    await rollback.click();
    const confirm = page.getByRole('dialog', { name: 'Roll back checkout?' });
    await expect(confirm).toContainText('v1.4.0 → v1.3.9');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await rollback.click();
    await confirm.getByRole('button', { name: 'Roll back' }).click();

    // Progress in the card's thread; the demo deployer got a correctly signed request.
    const replies = messages.getByRole('button', { name: /\d+ repl(y|ies)/ });
    await replies.first().click({ timeout: 20_000 });
    const thread = page.getByRole('region', { name: 'Thread' });
    await expect(thread).toContainText('Succeeded', { timeout: 30_000 });
    const deployer = page.getByRole('region', { name: 'Demo deployer' });
    await expect(deployer).toContainText('rollback · signature valid');
    await expect(deployer).toContainText('"toVersion": "v1.3.9"');
    await expect(thread).toContainText('Verification', { timeout: 30_000 });
    await shot('03-rollback');
    if (process.env.UPDATE_SANDBOX_SCREENSHOT === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      copyFileSync(join(ARTIFACTS, '03-rollback.png'), README_SHOT);
    }

    // Resolve in the incident channel: the Resolution and the post-incident checklist.
    await page.getByRole('button', { name: 'Close thread' }).click();
    await incidentLink.click();
    await composer.fill('/incident resolve');
    await composer.press('Enter');
    const resolveModal = page.getByRole('dialog', { name: 'Resolve incident' });
    await resolveModal.getByLabel('Root cause').fill('v1.4.0 broke order validation');
    await resolveModal.getByLabel('User impact').fill('Some orders failed for 20 minutes');
    await resolveModal.getByLabel('Follow-up').fill('Postmortem on Thursday');
    await resolveModal.getByRole('button', { name: 'Submit' }).click();
    await expect(resolveModal).toHaveCount(0);
    await expect(messages).toContainText('Post-incident checklist', { timeout: 20_000 });
    // The post-incident checklist's first item (the runbook card above has checkboxes of its own).
    const firstItem = messages.getByRole('checkbox', { name: 'Mark the incident resolved on the status page' });
    await firstItem.check();
    const checklist = redisKeys(harness.prefix).incidentChecklist('INC-1');
    await waitFor('the tick saved', async () => (await harness.redis.scard(checklist)) === 1);
    // The tick stays on screen through the re-renders that follow (as Slack's client keeps it).
    await composer.fill('/incident timeline');
    await composer.press('Enter');
    await expect(messages).toContainText('Only visible to you');
    await expect(messages).toContainText('Checked "', { timeout: 10_000 });
    await expect(messages.getByRole('checkbox').and(page.locator(':checked'))).toHaveCount(1);
    await shot('04-resolved');
  });
});
