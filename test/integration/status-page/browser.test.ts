import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { STATUS_PAGE_BLOCKS as SB } from '../../../src/blocks/status-page-ids';
import { launchChromium } from '../../helpers/browser';
import { resolveIncidentViaSlack } from '../../helpers/incidents';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { modalField, pressPublish, publishButtons, startCustomerFacing, statusJson, submitPublish } from './helpers';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
  payments:
    channel: "#payments-alerts"
  search:
    channel: "#search-alerts"
statusPage:
  title: Acme status
`;

// Browser globals for the functions that run in the page (this project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const getComputedStyle: (el: any) => { color: string; backgroundColor: string };
declare const DOMParser: any;
type Element = { textContent: string | null; parentElement: Element | null; getElementsByTagName(name: string): Element[] };

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const HOSTILE = 'Orders fail <script>window.__pwned = 1</script> & "quotes" <img src=x onerror=alert(1)>';

/** WCAG relative luminance contrast of two computed CSS colours ("rgb(r, g, b)"). */
function contrastScript() {
  const lum = (css: string) => {
    const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const ratio = (a: string, b: string) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  const opaque = (el: Element | null): string => {
    for (let node = el; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  return ([...document.querySelectorAll('h1, h2, h3, p, li, span, strong, time, a')] as Element[])
    .filter((el) => (el.textContent ?? '').trim() !== '')
    .map((el) => ({ text: (el.textContent ?? '').trim().slice(0, 40), ratio: ratio(getComputedStyle(el).color, opaque(el)) }));
}

describe('GET /status in a real browser at phone width', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  async function publish(channel: string, stage: string, title: string, text?: string, viewId = `V0${stage.toUpperCase()}${channel}`) {
    await waitFor(`${stage} proposal`, () => publishButtons(h, channel).some((b) => JSON.parse(b.value).stage === stage));
    const button = publishButtons(h, channel).filter((b) => JSON.parse(b.value).stage === stage).at(-1)!;
    const modal = await pressPublish(h, channel, button.value);
    await submitPublish(h, modal, { stage, title, text: text ?? modalField(modal, SB.text)!.initial_value! }, viewId);
  }

  it('shows landmarks, headings, components and the published texts (escaped), readable at 390 px', async () => {
    // A past incident, published then resolved.
    const past = await startCustomerFacing(h, { title: 'Payments slow yesterday' });
    await publish(past, 'investigating', 'Slow payments');
    await waitFor('first published', async () => (await statusJson(h)).incidents.length === 1);
    await resolveIncidentViaSlack(h, 'INC-1');
    await publish(past, 'resolved', 'Slow payments');
    await waitFor('first resolved', async () => (await statusJson(h)).incidents[0]?.status === 'resolved');
    // A current one, with hostile text.
    const current = await startCustomerFacing(h, { title: 'Checkout 500s' });
    await publish(current, 'investigating', 'Checkout <b>errors</b>', HOSTILE);
    await waitFor('second published', async () => (await statusJson(h)).incidents.length === 2);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, javaScriptEnabled: true });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(h.url)) blocked.push(request.url());
    });
    const response = await page.goto(`${h.url}/status`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('contentinfo').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual(['Acme status']);
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Components', 'Current incidents', 'Past incidents']);
    expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Checkout <b>errors</b>', 'Slow payments']);
    expect(await page.getByRole('region', { name: 'Current incidents' }).getByRole('article').count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Past incidents' }).getByRole('article').count()).toBe(1);

    // The banner and components.
    await expect(page.getByRole('status').textContent()).resolves.toBe('Partial outage');
    const components = await page.getByRole('region', { name: 'Components' }).getByRole('listitem').allInnerTexts();
    expect(components.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual(['checkout Partial outage', 'payments Operational', 'search Operational']);

    // Published text shown as text: no injected element, no script ran.
    const currentArticle = page.getByRole('region', { name: 'Current incidents' }).getByRole('article');
    expect(await currentArticle.innerText()).toContain(HOSTILE);
    expect(await page.locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const pastText = await page.getByRole('region', { name: 'Past incidents' }).innerText();
    expect(pastText).toContain('Resolved');
    expect(pastText).toContain('is fixed and everything is working normally again');
    expect(pastText).toContain('We are looking into a problem affecting checkout');

    // Phone width: nothing scrolls sideways; every text meets WCAG AA contrast.
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const contrasts = await page.evaluate(contrastScript);
    expect(contrasts.length).toBeGreaterThan(10);
    expect(contrasts.filter((c) => c.ratio < 4.5)).toEqual([]);
    expect(blocked).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-phone.png'), fullPage: true });

    // The Atom feed is well-formed XML with one entry per published text, newest first.
    const feedResponse = await fetch(`${h.url}/status/feed`);
    expect(feedResponse.headers.get('content-type')).toContain('application/atom+xml');
    const feed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror').length,
        titles: ([...doc.getElementsByTagName('entry')] as Element[]).map((e) => e.getElementsByTagName('title')[0]?.textContent),
        content: doc.getElementsByTagName('content')[0]?.textContent,
      };
    }, await feedResponse.text());
    expect(feed.error).toBe(0);
    expect(feed.titles).toEqual(['Investigating: Checkout <b>errors</b>', 'Resolved: Slow payments', 'Investigating: Slow payments']);
    expect(feed.content).toBe(HOSTILE);
    await context.close();
  });
});
