import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Debian's Chromium (never a downloaded browser): `apt-get install -y chromium`. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Git-ignored: the screenshot a reviewer can open. */
const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');

describe('compat: ReDoc at /redoc (IndoxRouter, Hyper AI Gateway)', () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    gw = await startTestGateway();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('renders the OpenAPI document in Chromium with no console errors and no request off this origin', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(gw.url) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    await page.goto(`${gw.url}/redoc`, { waitUntil: 'networkidle' });
    await page
      .getByRole('heading', { name: /Switchyard/ })
      .first()
      .waitFor({ timeout: 20_000 });
    // An operation of the compat tag is in the menu (its group starts collapsed).
    await page
      .getByText('IndoxRouter: POST /v1/embeddings.')
      .first()
      .waitFor({ state: 'attached', timeout: 10_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'redoc.png') });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  }, 60_000);
});
