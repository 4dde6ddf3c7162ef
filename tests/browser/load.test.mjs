// Loading in the single-file app: a file dropped on the page, and a delimiter the detection got
// wrong, corrected on the page. Screenshots go to test-results/browser/.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import iconv from 'iconv-lite';
import { parseCsv } from '../support/csv.mjs';
import { WORK, openApp } from '../support/browser.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

let app;

before(async () => {
  app = await openApp();
});

after(async () => {
  await app?.close();
});

const fileInfo = () => app.byTestId('file-info').textContent();

test('a Shift_JIS file dropped on the drop zone is read (rows, columns, encoding)', async () => {
  const { page, byTestId, shot } = app;
  const text = cityToCsv(generateCity({ rows: 800, seed: 31, wareki: true }));
  const bytes = iconv.encode(text, 'cp932');
  // A real DataTransfer holding a real File, as Chromium builds it for a drop from the desktop.
  const dataTransfer = await page.evaluateHandle(({ data, name }) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], name, { type: 'text/csv' }));
    return transfer;
  }, { data: [...bytes], name: '住民記録_ドロップ.csv' });
  const zone = byTestId('drop-zone');
  await zone.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  assert.equal(await zone.evaluate((element) => element.classList.contains('dragging')), true, 'the zone shows it takes the drop');
  await zone.dispatchEvent('drop', { dataTransfer });
  await page.waitForFunction(() => /住民記録_ドロップ\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await zone.evaluate((element) => element.classList.contains('dragging')), false);
  const info = await fileInfo();
  assert.match(info, /800 行 × 14 列/);
  assert.match(info, /shift_jis/);
  assert.match(info, /カンマ/);
  assert.equal(await byTestId('error').isHidden(), true);
  assert.equal(await byTestId('cluster-select').inputValue(), '中学校区');
  const header = parseCsv(text).header;
  assert.deepEqual(await page.locator('#preview thead th').allTextContents(), header);
  assert.match(await page.locator('#preview').textContent(), /(昭和|平成|令和|大正)\d+年/);
  await shot('30-dropped-sjis');
});

test('a semicolon file sniffed as comma-separated is read again with the delimiter chosen on the page', async () => {
  const { page, byTestId, click, shot, download } = app;
  // The findings column lists four results separated by commas: three commas per line against
  // two semicolons, so the detection picks the comma.
  const lines = ['地区;年齢;所見（血圧,脂質,血糖,肝機能）'];
  for (let i = 0; i < 24; i++) {
    lines.push(`${i % 2 ? '北' : '南'};${20 + ((i * 7) % 60)};正,${i % 3 ? '正' : '高'},正,${i % 5 ? '正' : '高'}`);
  }
  const path = join(WORK, 'semicolon.csv');
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /semicolon\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.match(await fileInfo(), /24 行 × 4 列、文字コード utf-8、区切り カンマ（,）/);
  assert.equal(await byTestId('input-delimiter').isVisible(), true);
  assert.equal(await byTestId('input-delimiter').inputValue(), 'auto');
  assert.equal(await byTestId('cluster-select').inputValue(), '', 'no district column in the misread file');
  assert.equal(await page.locator('#preview thead th').first().textContent(), '地区;年齢;所見（血圧');
  await shot('31-semicolon-misread');

  await byTestId('input-delimiter').selectOption(';');
  await page.waitForFunction(() => /3 列/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.match(await fileInfo(), /24 行 × 3 列、文字コード utf-8、区切り セミコロン（;）/);
  assert.equal(await byTestId('input-delimiter').inputValue(), ';');
  assert.deepEqual(await page.locator('#preview thead th').allTextContents(), ['地区', '年齢', '所見（血圧,脂質,血糖,肝機能）']);
  assert.equal(await byTestId('cluster-select').inputValue(), '地区');
  await shot('32-semicolon-chosen');

  // The choice holds for the run (and for the encoding override, which keeps it).
  await byTestId('input-encoding').selectOption('utf-8');
  await page.waitForFunction(() => document.querySelector('[data-testid=input-encoding]').value === 'utf-8' &&
    /セミコロン/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('input-delimiter').inputValue(), ';');
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('min-cluster-size').fill('3');
  await click('run-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]').dataset.stage === 'done' ||
    !document.querySelector('[data-testid=error]').hidden);
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  const summary = JSON.parse((await download('download-report')).bytes.toString('utf8'));
  assert.equal(summary.delimiter, ';');
  assert.equal(summary.rowsIn, 24);
  await byTestId('min-cluster-size').fill('10');

  // English labels for the new control.
  await click('lang-toggle');
  assert.equal(await page.locator('#delimiter-field span').textContent(), 'Delimiter (reading)');
  assert.match(await fileInfo(), /delimiter semicolon \(;\)/);
  await click('lang-toggle');
  assert.equal(await page.locator('#delimiter-field span').textContent(), '区切り文字（読み込み）');
});

test('the delimiter choice is only offered for files, and nothing went to the network', async () => {
  const { page, byTestId, click, browser, consoleErrors } = app;
  await click('sample-button');
  await page.waitForFunction(() => /sample-city\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('input-delimiter').isHidden(), true);
  const foreign = browser.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(consoleErrors, []);
});

test('a file larger than one 16 MiB piece is read whole into the engine (every row, no ragged one)', async () => {
  const { page, byTestId } = app;
  // About 21 MB: the worker reads it in two pieces straight into the engine's memory.
  const text = cityToCsv(generateCity({ rows: 130000, seed: 32 }));
  assert.ok(Buffer.byteLength(text) > 16 * 1024 * 1024);
  const path = join(WORK, 'city-130000.csv');
  writeFileSync(path, text);
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /city-130000\.csv/.test(document.querySelector('[data-testid=file-info]').textContent),
    null, { timeout: 60_000 });
  assert.match(await fileInfo(), /130,000 行 × 14 列/);
  assert.equal(await byTestId('error').isHidden(), true);
});
