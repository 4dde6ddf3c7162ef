// The single-file app in real Chromium, opened from disk as staff open it.
//
// Drives the page through its data-testid hooks, checks the downloaded files against the
// input (per-district value counts equal), and records every request: there must be none
// beyond the page itself and the worker's blob. Screenshots go to test-results/browser/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { clusterValueCounts, parseCsv } from '../support/csv.mjs';
import { launch } from '../support/browser.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

const root = join(import.meta.dirname, '..', '..');
const appUrl = pathToFileURL(join(root, 'dist/pseudocitizen.html')).href;
const shots = join(root, 'test-results/browser');
const work = join(root, 'test-results/browser/files');
mkdirSync(work, { recursive: true });

let browser;
let page;
const consoleErrors = [];

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(appUrl);
});

after(async () => {
  await browser?.close();
});

const byTestId = (id) => page.getByTestId(id);

/**
 * Clicks a control. It is scrolled into view by the page first: after a full-page
 * screenshot, Chromium 156 headless lets Playwright click where the control was before
 * its own scroll took effect.
 */
async function click(id) {
  const control = byTestId(id);
  await control.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await control.click();
}

async function shot(name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function downloadBytes(testId) {
  const [download] = await Promise.all([page.waitForEvent('download'), click(testId)]);
  const path = join(work, download.suggestedFilename());
  await download.saveAs(path);
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

async function runAndWait() {
  await click('run-button');
  await page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  });
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  await byTestId('report').waitFor({ state: 'visible' });
}

test('the sample city: load, keep the suggested roles, run, download, counts match', async () => {
  await shot('01-open');
  await click('sample-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  assert.equal(await byTestId('cluster-select').inputValue(), '中学校区');
  assert.match(await byTestId('file-info').textContent(), /20,000 行 × 14 列/);
  await byTestId('seed-input').fill('20201019');
  await shot('02-sample-loaded');
  await runAndWait();
  await shot('03-sample-report');

  const { name, bytes } = await downloadBytes('download-csv');
  assert.equal(name, 'sample-city-pseudo.csv');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM by default');
  const text = bytes.toString('utf8');
  assert.ok(text.includes('\r\n'), 'CRLF line ends');
  const out = parseCsv(text);
  const input = parseCsv(cityToCsv(generateCity({ rows: 20000, seed: 1 })));
  for (const identifier of ['住民番号', '氏名', 'フリガナ', '住所', '備考']) {
    assert.ok(!out.header.includes(identifier), `${identifier} is not in the output`);
  }
  assert.equal(out.rows.length, input.rows.length);
  assert.deepEqual(
    clusterValueCounts(out, '中学校区', out.header),
    clusterValueCounts(input, '中学校区', out.header),
  );
  // The records are new: far fewer output rows equal an input row than there are rows.
  const key = (row, header) => out.header.map((name) => row[header.indexOf(name)]).join('\u0000');
  const originals = new Set(input.rows.map((row) => key(row, input.header)));
  const copied = out.rows.filter((row) => originals.has(key(row, out.header))).length;
  assert.ok(copied < out.rows.length * 0.01, `${copied} copied rows`);

  const recipe = JSON.parse((await downloadBytes('download-recipe')).bytes.toString('utf8'));
  assert.deepEqual(recipe.cluster, ['中学校区']);
  assert.equal(recipe.seed, 20201019);
  const summary = JSON.parse((await downloadBytes('download-report')).bytes.toString('utf8'));
  assert.equal(summary.rowsIn, 20000);
  assert.ok(summary.clusters.every((c) => c.rowsIn === c.rowsOut));
});

test('the same seed gives the same bytes as the native CLI (G6)', async () => {
  const inputPath = join(work, 'sample-city.csv');
  writeFileSync(inputPath, cityToCsv(generateCity({ rows: 20000, seed: 1 })));
  const { spawnSync } = await import('node:child_process');
  const cliOut = join(work, 'cli-out.csv');
  const cli = spawnSync(join(root, 'build/native/pseudocitizen'), [
    'synth', inputPath, '-o', cliOut, '--seed', '20201019',
    '--drop', '住民番号,氏名,フリガナ,住所,備考', '--cluster', '中学校区',
  ]);
  assert.equal(cli.status, 0, cli.stderr.toString());
  const page_ = readFileSync(join(work, 'sample-city-pseudo.csv'));
  assert.ok(page_.equals(readFileSync(cliOut)), 'browser and CLI outputs are byte-identical');
});

test('a UTF-8 file chosen with the picker, an identifier ticked by hand, Shift_JIS output', async () => {
  const csv = '地区,番号,年齢,性別\r\n北,A1,34,男\r\n北,A2,71,女\r\n北,A3,8,女\r\n南,B1,45,男\r\n南,B2,90,女\r\n';
  const path = join(work, 'small.csv');
  writeFileSync(path, csv);
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /small\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('cluster-select').inputValue(), '地区');
  await page.locator('#columns input[data-column="番号"]').check();
  await byTestId('output-encoding').selectOption('shift_jis');
  await runAndWait();
  await shot('04-small-report');
  const { bytes } = await downloadBytes('download-csv');
  const iconv = (await import('iconv-lite')).default;
  const out = parseCsv(iconv.decode(bytes, 'cp932'));
  assert.deepEqual(out.header, ['地区', '年齢', '性別']);
  assert.deepEqual(
    clusterValueCounts(out, '地区', ['年齢', '性別']),
    clusterValueCounts(parseCsv(csv), '地区', ['年齢', '性別']),
  );
  await byTestId('output-encoding').selectOption('utf-8-bom');
});

test('a broken file shows where it is broken, and the next file works', async () => {
  const path = join(work, 'broken.csv');
  writeFileSync(path, '地区,値\r\n北,1\r\n南,"閉じていない\r\n東,3\r\n');
  await byTestId('file-input').setInputFiles(path);
  await byTestId('error').waitFor({ state: 'visible' });
  const message = await byTestId('error').textContent();
  assert.match(message, /3 行目/);
  assert.match(message, /引用符/);
  await shot('05-broken-file');
  await click('sample-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  assert.equal(await byTestId('error').isHidden(), true);
  await runAndWait();
});

test('cancel stops a long run at once; the next run completes', async () => {
  const path = join(work, 'large.csv');
  writeFileSync(path, cityToCsv(generateCity({ rows: 400000, seed: 5 })));
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /large\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  await click('run-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]').dataset.stage !== 'done');
  await click('cancel-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]').dataset.stage === 'cancelled');
  assert.equal(await byTestId('report').isHidden(), true);
  assert.equal(await byTestId('run-button').isEnabled(), true);
  await shot('06-cancelled');
  await runAndWait();
  assert.match(await byTestId('summary').textContent(), /400,000/);
  await shot('07-after-cancel');
});

test('nothing left the machine: no request but the page and its worker blob, no console error', () => {
  assert.ok(browser.requests.includes(appUrl), 'the recorder saw the page itself');
  const foreign = browser.requests.filter((url) => url !== appUrl && !url.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(consoleErrors, []);
});

test('the built app holds no eval and no external address', () => {
  const html = readFileSync(join(root, 'dist/pseudocitizen.html'), 'utf8');
  assert.ok(!html.includes('new Function'));
  assert.ok(!/\beval\(/.test(html));
  assert.doesNotMatch(html, /https?:\/\//);
  assert.match(html, /default-src 'none'/);
  assert.match(html, /connect-src 'none'/);
  assert.match(html, /worker-src blob:/);
});
