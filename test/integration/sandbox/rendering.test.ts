import type { Browser, Page } from 'playwright-core';
import { expectLocator as expect } from '../../helpers/locator-expect';
import { launchChromium } from '../../helpers/browser';
import { startSandbox, type SandboxHarness } from '../../helpers/sandbox';

jest.setTimeout(90_000);

/** What the bot could send, through the embedded Web API as the bot sends it. */
async function api(h: SandboxHarness, method: string, args: Record<string, unknown>) {
  const response = await fetch(`${h.url}/sandbox/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.setup.env.SLACK_BOT_TOKEN}` },
    body: JSON.stringify(args),
  });
  return (await response.json()) as Record<string, unknown>;
}

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

describe('the sandbox page renders Block Kit as Slack does, and never outside text as HTML', () => {
  let h: SandboxHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await startSandbox();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', () => {
      throw new Error('a script from message text ran');
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('header, section with fields and accessory, context, divider, actions and mrkdwn', async () => {
    const general = (await api(h, 'conversations.info', { channel: '#general' })) as { channel: { id: string } };
    await api(h, 'chat.postMessage', {
      channel: '#general',
      text: 'fallback',
      blocks: [
        { type: 'header', text: plain(':rotating_light: Header <b>not bold</b>') },
        {
          type: 'section',
          block_id: 'sec',
          text: mrkdwn(`*bold* _italic_ ~gone~ \`code\` <https://example.com/x|a link> <@U0LEAD> <#${general.channel.id}> :fire: &lt;img src=x onerror=alert(1)&gt; <javascript:alert(1)|js>`),
          fields: [mrkdwn('*Severity*\nP1'), mrkdwn('*Service*\ncheckout')],
          accessory: { type: 'button', action_id: 'acc', text: plain('Open runbook'), value: 'x' },
        },
        { type: 'context', elements: [mrkdwn('context _line_')] },
        { type: 'divider' },
        { type: 'actions', block_id: 'act', elements: [{ type: 'button', action_id: 'b1', text: plain('Acknowledge'), style: 'primary', value: '1' }] },
      ],
    });
    await page.goto(`${h.url}/sandbox`);
    const messages = page.getByRole('log', { name: 'Messages' });
    await expect(messages.locator('h3')).toHaveText('🚨 Header <b>not bold</b>');
    await expect(messages.locator('strong', { hasText: 'bold' })).toHaveCount(1);
    await expect(messages.locator('em', { hasText: 'italic' })).toHaveCount(1);
    await expect(messages.locator('s', { hasText: 'gone' })).toHaveCount(1);
    await expect(messages.locator('code', { hasText: 'code' })).toHaveCount(1);
    if ((await messages.getByRole('link', { name: 'a link' }).getAttribute('href')) !== 'https://example.com/x') throw new Error('link href');
    await expect(messages.locator('.mention', { hasText: '@Liam Lead' })).toHaveCount(1);
    await expect(messages.getByRole('link', { name: '#general' })).toHaveCount(1);
    await expect(messages).toContainText('🔥');
    await expect(messages).toContainText('<img src=x onerror=alert(1)>');
    await expect(messages.locator('img')).toHaveCount(0);
    await expect(messages.locator('a[href^="javascript"]')).toHaveCount(0);
    await expect(messages.locator('.field')).toHaveCount(2);
    await expect(messages.locator('.section .accessory').getByRole('button', { name: 'Open runbook' })).toHaveCount(1);
    await expect(messages.locator('.context em', { hasText: 'line' })).toHaveCount(1);
    await expect(messages.locator('hr')).toHaveCount(1);
    await expect(messages.getByRole('button', { name: 'Acknowledge' })).toBeVisible();
  });

  it('modals: labelled text, select, radio and checkboxes; a required field left empty shows its error', async () => {
    await h.sandbox.store.remember('trigger', 'trigger-1', { user: 'U0ONCALL' });
    const input = (block_id: string, label: string, element: Record<string, unknown>, optional = false) => ({ type: 'input', block_id, label: plain(label), optional, element: { action_id: 'v', ...element } });
    const options = [{ value: 'a', text: plain('Alpha') }, { value: 'b', text: plain('Beta') }];
    const opened = await api(h, 'views.open', {
      trigger_id: 'trigger-1',
      view: {
        type: 'modal',
        callback_id: 'not_handled',
        title: plain('Every input'),
        submit: plain('Go'),
        blocks: [
          input('text', 'Summary', { type: 'plain_text_input' }),
          input('pick', 'Pick one', { type: 'static_select', options }),
          input('radio', 'Choose', { type: 'radio_buttons', options }),
          input('boxes', 'Tick', { type: 'checkboxes', options }, true),
        ],
      },
    });
    if (opened.ok !== true) throw new Error(JSON.stringify(opened));
    await page.reload();
    const dialog = page.getByRole('dialog', { name: 'Every input' });
    await dialog.getByLabel('Summary').fill('<i>typed</i>');
    await dialog.getByLabel('Pick one').selectOption('b');
    await dialog.getByRole('checkbox', { name: 'Beta' }).check();
    await dialog.getByRole('button', { name: 'Submit' }).click();
    const radio = dialog.locator('[data-block-id="radio"]');
    await expect(radio.getByRole('alert')).toHaveText('Please complete this required field.');
    await expect(dialog.getByRole('alert')).toHaveCount(1);
    // What was typed survives the error.
    await expect(dialog.getByLabel('Summary')).toHaveValue('<i>typed</i>');
    await expect(dialog.getByRole('checkbox', { name: 'Beta' }).and(page.locator(':checked'))).toHaveCount(1);
    await dialog.getByRole('group', { name: 'Choose' }).getByRole('radio', { name: 'Alpha' }).check();
    await dialog.getByRole('button', { name: 'Submit' }).click();
    // No listener for this callback id: the bot never answers, and the modal says so instead of closing.
    await expect(dialog.getByRole('alert')).toContainText('Firebreak did not accept the form', { timeout: 20_000 });
  });
});
