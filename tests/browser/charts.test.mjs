// The report's charts (web/charts.js) in the single-file app: rows per district, the population
// pyramid with its district select, the 65+ / under-10 ratio, mean age vs heavy care, and the
// cohort table — drawn offline (Chart.js bundled), no console error, no request.
// Screenshots go to test-results/browser/2x-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SHOTS, openApp } from '../support/browser.mjs';

const shots = SHOTS;

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

/** Width, height and the number of non-transparent pixels of the figure's canvas. */
function canvasInk(testId) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid=${id}] canvas`);
    if (!canvas) return null;
    const { width, height } = canvas;
    if (!width || !height) return { width, height, ink: 0 };
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
    return { width, height, ink };
  }, testId);
}

/** A fingerprint of the canvas pixels, to see that a redraw changed them. */
function canvasHash(testId) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid=${id}] canvas`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0;
    for (let i = 0; i < data.length; i++) h = (h * 31 + data[i]) | 0;
    return h;
  }, testId);
}

const CANVAS_CHARTS = ['chart-districts', 'chart-pyramid', 'chart-ratio', 'chart-scatter'];

test('after a run with the sample, five chart figures are drawn', async () => {
  await click('sample-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('reference-date').fill('2026-04-01');
  await click('run-button');
  await page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  });
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  await byTestId('report').waitFor({ state: 'visible' });
  await byTestId('report-charts').waitFor({ state: 'visible' });

  const figures = page.locator('[data-testid=report-charts] figure');
  assert.equal(await figures.count(), 5);
  for (const id of [...CANVAS_CHARTS, 'chart-cohort']) {
    const figure = byTestId(id);
    assert.equal(await figure.count(), 1, id);
    assert.ok((await figure.locator('figcaption').textContent()).trim().length > 0, `${id} has a caption`);
  }
  // Chart.js draws after layout; wait until every canvas has ink.
  await page.waitForFunction((ids) => ids.every((id) => {
    const c = document.querySelector(`[data-testid=${id}] canvas`);
    return c && c.width > 0 && c.height > 0;
  }), CANVAS_CHARTS);
  for (const id of CANVAS_CHARTS) {
    const { width, height, ink } = await canvasInk(id);
    assert.ok(width > 0 && height > 0, `${id}: ${width}×${height}`);
    assert.ok(ink > 500, `${id}: ${ink} drawn pixels`);
    const label = await byTestId(id).locator('canvas').getAttribute('aria-label');
    assert.ok(label && label.length > 40, `${id} has a text alternative`);
    assert.equal(await byTestId(id).locator('canvas').getAttribute('role'), 'img');
  }
  assert.match(await byTestId('chart-scatter').locator('figcaption').textContent(), /作り方の上で同じ値/);
  assert.match(await byTestId('chart-districts').locator('canvas').getAttribute('aria-label'), /湖畔中学校区: 元データ 865、疑似データ 865/);

  await byTestId('report-charts').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(shots, '20-charts.png'), fullPage: true });
});

test('the pyramid lists the districts, and switching redraws it', async () => {
  const select = byTestId('pyramid-district');
  const options = await select.locator('option').allTextContents();
  const districts = await page.locator('[data-testid=district-details] details summary span:first-child').allTextContents();
  assert.equal(options.length, 14);
  assert.deepEqual([...options].sort(), [...districts].sort());
  assert.ok(!options.includes('山間分校中学校区'), 'the merged district has no pyramid of its own');

  const caption = byTestId('chart-pyramid').locator('figcaption');
  assert.match(await caption.textContent(), new RegExp(options[0]));
  const before = await canvasHash('chart-pyramid');
  await select.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await select.selectOption('桜が丘中学校区');
  await page.waitForFunction(() => document.querySelector('[data-testid=chart-pyramid] figcaption').textContent.includes('桜が丘中学校区'));
  assert.notEqual(await canvasHash('chart-pyramid'), before, 'the pyramid is redrawn');
  assert.ok((await canvasInk('chart-pyramid')).ink > 500);
  assert.match(await byTestId('chart-pyramid').locator('canvas').getAttribute('aria-label'), /桜が丘中学校区/);

  await byTestId('chart-pyramid').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(shots, '21-pyramid.png') });
});

test('the cohort table: every district and band, original equal to pseudo', async () => {
  const groups = await page.evaluate(() => [...document.querySelectorAll('[data-testid=cohort-table] tbody')].map((tbody) => ({
    district: tbody.dataset.district,
    original: [...tbody.querySelector('tr[data-series=original]').querySelectorAll('td.num')].map((td) => td.textContent),
    pseudo: [...tbody.querySelector('tr[data-series=pseudo]').querySelectorAll('td.num')].map((td) => td.textContent),
  })));
  assert.equal(groups.length, 14);
  let people = 0;
  for (const g of groups) {
    assert.ok(g.original.length >= 17, `${g.district}: ${g.original.length} bands`);
    assert.deepEqual(g.pseudo, g.original, g.district);
    people += g.original.reduce((sum, v) => sum + Number(v.replace(/,/g, '')), 0);
  }
  assert.equal(people, 20000, 'every pseudo resident is in one cell');
  assert.equal(await page.locator('[data-testid=cohort-table] td.bad').count(), 0);
});

test('the language toggle redraws the charts in English, without leftovers', async () => {
  await click('lang-toggle');
  assert.equal(await page.locator('[data-testid=report-charts] figure').count(), 5);
  assert.match(await byTestId('chart-scatter').locator('figcaption').textContent(), /identical by construction/);
  assert.match(await byTestId('chart-pyramid').locator('figcaption').textContent(), /桜が丘中学校区/, 'the chosen district is kept');
  await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`[data-testid=${id}] canvas`)?.width > 0), CANVAS_CHARTS);
  for (const id of CANVAS_CHARTS) assert.ok((await canvasInk(id)).ink > 500, id);
  assert.equal(await page.locator('[data-testid=report-charts] canvas').count(), 4);
  await byTestId('report-charts').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(shots, '22-charts-en.png') });
  await click('lang-toggle');
});

test('charts: no console error (CSP included), and nothing left the machine', () => {
  const foreign = browser.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(consoleErrors, []);
});
