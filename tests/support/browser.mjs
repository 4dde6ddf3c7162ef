// Launching Debian's Chromium with playwright-core, as this machine allows (TOOLCHAIN.md).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Starts Chromium with a fresh profile and returns {context, close}. Every request any page
 * or worker makes is recorded in `requests` (URL strings).
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'pc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1366, height: 768 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  return {
    context,
    requests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const root = join(import.meta.dirname, '..', '..');
/** The single-file app as staff open it: from disk. */
export const APP_URL = pathToFileURL(join(root, 'dist/pseudocitizen.html')).href;
/** Screenshots of each step (test artifacts). */
export const SHOTS = join(root, 'test-results/browser');
/** Files the tests write and download. */
export const WORK = join(SHOTS, 'files');

/**
 * Opens the app from disk in a fresh Chromium and returns the page with the helpers every
 * browser test uses. Console errors (CSP violations among them) and page errors are collected
 * in `consoleErrors`; every request in `browser.requests`.
 */
export async function openApp() {
  mkdirSync(WORK, { recursive: true });
  const browser = await launch();
  const page = await browser.context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(APP_URL);
  const byTestId = (id) => page.getByTestId(id);
  /**
   * Clicks a control, scrolled into view by the page first: after a full-page screenshot,
   * Chromium 156 headless lets Playwright click where the control was before its own scroll.
   */
  async function click(id) {
    const control = byTestId(id);
    await control.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await control.click();
  }
  async function shot(name) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }
  /** Clicks a download control and returns the saved file {name, path, bytes}. */
  async function download(id) {
    const [file] = await Promise.all([page.waitForEvent('download'), click(id)]);
    const path = join(WORK, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), path, bytes: readFileSync(path) };
  }
  return { browser, page, consoleErrors, byTestId, click, shot, download, close: () => browser.close() };
}
