// The whole job with the keyboard alone, at 1366×768: load the sample, change a setting, run,
// download — Tab, Shift+Tab, Enter and Space only, no mouse. Every control reached has a name
// and a visible focus ring, and no step scrolls sideways. Screenshots (the viewport, as staff
// see it) go to test-results/browser/k*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseCsv } from '../support/csv.mjs';
import { SHOTS, WORK, openApp } from '../support/browser.mjs';

let app;
let page;

before(async () => {
  app = await openApp();
  page = app.page;
});

after(async () => {
  await app?.close();
});

/** The focused element: its test id, accessible name, focus ring and place on screen. */
function focused() {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const labelled = el.getAttribute('aria-labelledby');
    const name = (
      el.getAttribute('aria-label') ||
      (labelled && document.getElementById(labelled)?.textContent) ||
      (el.labels && el.labels[0]?.textContent) ||
      el.textContent ||
      ''
    ).trim();
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
      testid: el.dataset.testid ?? '',
      id: el.id,
      tag: el.tagName.toLowerCase(),
      name,
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      left: rect.left,
      right: rect.right,
      top: rect.top,
      bottom: rect.bottom,
    };
  });
}

/** No horizontal scrolling: the page is no wider than the 1366 px window. */
async function assertNoSidewaysScroll(step) {
  const { scrollWidth, clientWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    innerWidth: window.innerWidth,
  }));
  assert.equal(innerWidth, 1366);
  assert.ok(scrollWidth <= clientWidth, `${step}: the page is ${scrollWidth} px wide in a ${clientWidth} px window`);
  // Nor inside the page: the role table's reasons are read whole, not scrolled to.
  const hidden = await page.evaluate(() => [...document.querySelectorAll('.table-scroll')]
    .filter((box) => box.offsetParent !== null && box.querySelector('select[data-column]'))
    .map((box) => box.scrollWidth - box.clientWidth));
  for (const overflow of hidden) assert.ok(overflow <= 0, `${step}: the role table scrolls sideways by ${overflow} px`);
}

/** Checks the focused control is named, visibly focused, and wholly inside the window. */
function assertUsable(info, step) {
  const where = `${step}: ${info.tag}#${info.id || info.testid}`;
  assert.ok(info.name.length > 0, `${where} has no label`);
  assert.ok(info.ring, `${where} has no visible focus ring`);
  // The focus ring (3 px, 2 px off the control) is inside the window too.
  assert.ok(info.left >= 5 && info.right <= 1366 - 5, `${where} is clipped sideways (${info.left}–${info.right})`);
  assert.ok(info.top >= 5 && info.bottom <= 768 - 5, `${where} is not wholly in view (${info.top}–${info.bottom})`);
}

/**
 * Presses Tab (or Shift+Tab) until the control with `testid` (or id) has focus, checking every
 * control passed on the way. Returns how many presses it took.
 */
async function tabTo(target, { back = false, max = 80, step = target } = {}) {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const info = await focused();
    assert.ok(info, `${step}: focus left the page after ${presses} presses`);
    assertUsable(info, step);
    if (info.testid === target || info.id === target) return presses;
  }
  assert.fail(`${step}: ${target} not reached with ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

test('load the sample, set the seed, run and download with the keyboard alone', async () => {
  await page.mouse.move(0, 0); // the mouse stays out of the way for the whole test
  await assertNoSidewaysScroll('open');
  await shot('k01-open');

  // 1. Load: Tab to the sample button, Enter.
  await tabTo('sample-button');
  await shot('k02-sample-focused');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  assert.match(await app.byTestId('file-info').textContent(), /20,000 行 × 14 列/);
  await assertNoSidewaysScroll('loaded');
  await shot('k03-loaded');

  // 2. Roles: the district select and every column's role select are reachable and labelled.
  await tabTo('cluster-select');
  assert.equal(await app.byTestId('cluster-select').inputValue(), '中学校区');
  await shot('k04-cluster-select');
  await tabTo('preset-select', { step: 'role selects' });
  await assertNoSidewaysScroll('roles');

  // 3. Settings: open the advanced section with Enter, type a seed, come back with Shift+Tab.
  await tabTo('advanced-summary');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.getElementById('advanced').open), true);
  await tabTo('seed-input');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('20201019');
  assert.equal(await app.byTestId('seed-input').inputValue(), '20201019');
  await shot('k05-seed-typed');
  await tabTo('reference-date', { back: true, step: 'back to the reference date' });
  await tabTo('run-button');
  await assertNoSidewaysScroll('settings');
  await shot('k06-run-focused');

  // 4. Run with Space; the report takes the focus when it is ready.
  await page.keyboard.press('Space');
  await page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  }, null, { timeout: 120_000 });
  assert.equal(await app.byTestId('error').isHidden(), true, await app.byTestId('error').textContent());
  const atReport = await focused();
  assert.equal(atReport.testid, 'report', 'focus moves to the report');
  assert.ok(atReport.ring, 'the report shows it has the focus');
  await assertNoSidewaysScroll('report');
  await shot('k07-report');

  // 5. Download: Tab to the CSV button, Enter; Shift+Tab back from the recipe to the JSON, Space.
  const csv = await downloadWith('download-csv', 'Enter');
  assert.equal(csv.name, 'sample-city-pseudo.csv');
  const table = parseCsv(csv.bytes.toString('utf8'));
  assert.equal(table.rows.length, 20000);
  assert.ok(!table.header.includes('氏名'));
  await shot('k08-csv-downloaded');
  await tabTo('download-recipe');
  await tabTo('download-report', { back: true, step: 'back to the summary' });
  const report = await downloadWith(null, 'Space');
  assert.equal(JSON.parse(report.bytes.toString('utf8')).aggregates.summary.failed, 0);
  await tabTo('download-recipe');
  const recipe = JSON.parse((await downloadWith(null, 'Enter')).bytes.toString('utf8'));
  assert.equal(recipe.seed, 20201019, 'the seed typed with the keyboard was used');
  await shot('k09-downloads');

  // 6. The rest of the report (district details, charts' controls) is reachable too, and the
  // end of the page comes round to the top again.
  await tabTo('pyramid-district', { max: 120 });
  await assertNoSidewaysScroll('report controls');
  await shot('k10-report-controls');
});

/** Tabs to `testid` (unless null: the focused control), presses `key`, returns the download. */
async function downloadWith(testid, key) {
  if (testid) await tabTo(testid);
  const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press(key)]);
  const path = join(WORK, `keyboard-${file.suggestedFilename()}`);
  await file.saveAs(path);
  const { readFileSync } = await import('node:fs');
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

test('every visible control on the page has a label, in both languages', async () => {
  for (const lang of ['ja', 'en']) {
    if (lang === 'en') {
      await tabTo('lang-toggle', { back: true, max: 200 });
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    }
    const unnamed = await page.evaluate(() => {
      const controls = document.querySelectorAll('button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
      return [...controls]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => {
          const name = el.getAttribute('aria-label') || (el.labels && el.labels[0]?.textContent) || el.textContent || '';
          return name.trim() === '';
        })
        .map((el) => `${el.tagName.toLowerCase()}#${el.id || el.dataset.testid || '?'}`);
    });
    assert.deepEqual(unnamed, [], `${lang}: controls without a label`);
    await assertNoSidewaysScroll(`report in ${lang}`);
  }
  await shot('k11-english');
});
