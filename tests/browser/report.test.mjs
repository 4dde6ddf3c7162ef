// The report in the single-file app: cards, per-district aggregates, merges, risk sentences,
// and the printable HTML report — standalone, no scripts, no addresses, no seed — opened
// from disk with zero requests. Screenshots go to test-results/browser/1x-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SHOTS, openApp } from '../support/browser.mjs';

const shots = SHOTS;

const SEED = '987654321';

let app;
let browser;
let page;
let consoleErrors;
let byTestId;
let click;

before(async () => {
  app = await openApp();
  ({ browser, page, consoleErrors, byTestId, click } = app);
});

after(async () => {
  await app?.close();
});

const downloadFile = (id) => app.download(id);

test('the report: cards, G3 checks, merges with reasons, risk in plain words', async () => {
  await click('sample-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('seed-input').fill(SEED);
  await byTestId('reference-date').fill('2026-04-01');
  await click('run-button');
  await page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  });
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  await byTestId('report').waitFor({ state: 'visible' });

  assert.match(await byTestId('summary').textContent(), /20,000/);
  assert.match(await byTestId('cluster-table').textContent(), /統合 → 湖畔中学校区/);
  // The receiving district says whose rows it took in (its pseudo count is 5 more).
  assert.match(await byTestId('cluster-table').textContent(), /公開（山間分校中学校区 の 5 人を統合）/);
  const checks = await byTestId('report-checks').textContent();
  assert.match(checks, /✓/);
  assert.match(checks, /件を確認、不一致 0 件/);

  const merges = await byTestId('report-merges').textContent();
  assert.match(merges, /山間分校中学校区/);
  assert.match(merges, /最小の大きさ 10 人に満たない/, 'the reason is shown');

  const risk = await byTestId('report-risk').textContent();
  assert.match(risk, /元データのどれかの行と全列が一致する疑似データの行は/, 'copied rows');
  assert.match(risk, /一人だけの人/, 'replicated uniques');
  assert.match(risk, /本人の行に当たるのは/, 'record linkage');
  assert.match(risk, /「要介護度」を疑似データから推測して当たるのは/, 'attribute inference');
  assert.match(risk, /偶然/);
  assert.match(risk, /通りのうち、該当者が 1 人だけのものは/, 'k-anonymity');
  assert.match(risk, /距離の中央値は/, 'DCR');

  // Every released district has a row of match marks, all ✓.
  const marks = await page.locator('[data-testid=aggregate-table] td.mark').allTextContents();
  assert.ok(marks.length >= 14 * 8, `${marks.length} marks`);
  assert.ok(marks.every((m) => m === '✓'), marks.join(''));
  assert.match(await byTestId('report-numeric').textContent(), /対数の尺度/);

  await page.screenshot({ path: join(shots, '10-report.png'), fullPage: true });
  // A district opened: the figures side by side.
  const first = page.locator('[data-testid=district-details] details').first();
  await first.evaluate((element) => { element.open = true; element.scrollIntoView({ block: 'start' }); });
  assert.match(await first.textContent(), /標準偏差/);
  await page.screenshot({ path: join(shots, '11-report-district.png') });
  await first.evaluate((element) => { element.open = false; });

  // English: the risk sentences switch with the page language.
  await click('lang-toggle');
  assert.match(await byTestId('report-risk').textContent(), /pseudo rows equal some original row/);
  assert.match(await byTestId('report-checks').textContent(), /checks, 0 failed/);
  await page.screenshot({ path: join(shots, '12-report-en.png'), fullPage: true });
  await click('lang-toggle');
});

test('download-report gives the JSON, download-report-html a standalone printable report', async () => {
  const jsonFile = await downloadFile('download-report');
  assert.equal(jsonFile.name, 'sample-city-report.json');
  const summary = JSON.parse(jsonFile.bytes.toString('utf8'));
  assert.equal(summary.aggregates.summary.failed, 0);
  assert.equal(summary.recipe.seed, undefined, 'the report never holds the seed');
  assert.ok(!JSON.stringify(summary).includes(SEED));
  const recipe = JSON.parse((await downloadFile('download-recipe')).bytes.toString('utf8'));
  assert.equal(String(recipe.seed), SEED, 'the run used the seed typed in');

  const htmlFile = await downloadFile('download-report-html');
  assert.equal(htmlFile.name, 'sample-city-report.html');
  const html = htmlFile.bytes.toString('utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.match(html, /<meta charset="utf-8">/);
  assert.match(html, /default-src 'none'; style-src 'unsafe-inline'/);
  assert.ok(!/<script/i.test(html), 'no script');
  assert.ok(!/https?:\/\//i.test(html), 'no address');
  assert.ok(!html.includes(SEED), 'the seed is not in the printable report');
  assert.ok(!/@import|url\(/i.test(html), 'no external style reference');
  for (const c of summary.clusters) assert.ok(html.includes(c.label), c.label);
  assert.match(html, /湖畔中学校区/);
  assert.match(html, /@media print/);
  assert.match(html, /不一致 0 件/);
  assert.match(html, /sample-city/);

  // Opened from disk in Chromium: it renders, and asks for nothing.
  const before = browser.requests.length;
  const reportPage = await browser.context.newPage();
  const url = pathToFileURL(htmlFile.path).href;
  await reportPage.goto(url);
  assert.match(await reportPage.locator('h1').textContent(), /変換レポート/);
  await reportPage.screenshot({ path: join(shots, '13-report-html.png') });
  await reportPage.emulateMedia({ media: 'print' });
  await reportPage.screenshot({ path: join(shots, '14-report-html-print.png'), fullPage: false });
  await reportPage.close();
  const made = browser.requests.slice(before).filter((u) => u !== url);
  assert.deepEqual(made, [], 'the printable report makes zero requests');
});

test('no console error, and nothing left the machine', () => {
  const foreign = browser.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(consoleErrors, []);
});
