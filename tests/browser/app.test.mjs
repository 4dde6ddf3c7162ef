// The single-file app in real Chromium, opened from disk as staff open it.
//
// Drives the page through its data-testid hooks, checks the downloaded files against the
// input (per-district value counts equal), and records every request: there must be none
// beyond the page itself and the worker's blob. Screenshots go to test-results/browser/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clusterAggregates, clusterValueCounts, parseCsv } from '../support/csv.mjs';
import { APP_URL, WORK, openApp } from '../support/browser.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

const root = join(import.meta.dirname, '..', '..');
const appUrl = APP_URL;
const work = WORK;

let app;
let browser;
let page;
let consoleErrors;
let byTestId;
let click;
let shot;

before(async () => {
  app = await openApp();
  ({ browser, page, consoleErrors, byTestId, click, shot } = app);
});

after(async () => {
  await app?.close();
});

const downloadBytes = (id) => app.download(id);

async function runAndWait() {
  await click('run-button');
  await page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  });
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  await byTestId('report').waitFor({ state: 'visible' });
}

test('the sample city: load, keep the suggested roles, run, download, aggregates match', async () => {
  await shot('01-open');
  await click('sample-button');
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '');
  assert.equal(await byTestId('cluster-select').inputValue(), '中学校区');
  assert.match(await byTestId('file-info').textContent(), /20,000 行 × 14 列/);
  for (const identifier of ['住民番号', '氏名', 'フリガナ', '住所', '備考']) {
    assert.equal(await page.locator(`#columns select[data-column="${identifier}"]`).inputValue(), 'drop');
  }
  assert.equal(await page.locator('#columns select[data-column="生年月日"]').inputValue(), 'date-to-age');
  assert.equal(await byTestId('preset-select').inputValue(), 'standard');
  assert.equal(await byTestId('pyramid-block').isChecked(), true);
  await page.locator('#advanced summary').click();
  await byTestId('seed-input').fill('20201019');
  await byTestId('reference-date').fill('2026-04-01');
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
  for (const identifier of ['住民番号', '氏名', 'フリガナ', '住所', '備考', '生年月日']) {
    assert.ok(!out.header.includes(identifier), `${identifier} is not in the output`);
  }
  assert.ok(out.header.includes('年齢'));
  const summary = JSON.parse((await downloadBytes('download-report')).bytes.toString('utf8'));
  assert.equal(summary.rowsIn, 20000);
  assert.equal(summary.aggregates.summary.failed, 0);
  const tiny = summary.clusters.find((c) => c.label === '山間分校中学校区');
  assert.equal(tiny.status, 'merged', 'the 5-person district is never released alone');
  assert.match(await byTestId('cluster-table').textContent(), /統合 →/);

  // Every released district's aggregates, recomputed here from the two files.
  const into = new Map(summary.clusters.map((c) => [c.label, c.status === 'merged' ? c.into : c.label]));
  const k = input.header.indexOf('中学校区');
  const categories = ['性別', '要介護度'];
  const numbers = [{ name: '世帯人数', scale: 0 }, { name: '医療費年額', scale: 0 }, { name: 'BMI', scale: 1 }, { name: '収縮期血圧', scale: 0 }, { name: 'HbA1c', scale: 1 }];
  assert.deepEqual(
    clusterAggregates(out, (row) => row[out.header.indexOf('中学校区')], categories, numbers),
    clusterAggregates(input, (row) => into.get(row[k]), categories, numbers),
  );
  // The population pyramid of every district is exact: (sex, age) counts, ages on 2026-04-01.
  const age = (iso) => {
    const [y, m, d] = iso.split('-').map(Number);
    return 2026 - y - (m > 4 || (m === 4 && d > 1) ? 1 : 0);
  };
  const pyramid = (table, labelOf, ageOf) => {
    const counts = new Map();
    for (const row of table.rows) {
      const key = `${labelOf(row)}|${row[table.header.indexOf('性別')]}|${ageOf(row)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  assert.deepEqual(
    pyramid(out, (row) => row[out.header.indexOf('中学校区')], (row) => Number(row[out.header.indexOf('年齢')])),
    pyramid(input, (row) => into.get(row[k]), (row) => age(row[input.header.indexOf('生年月日')])),
  );
  // The records are new: output rows equal to an input row (on the columns both hold) are
  // rare, and no more common than the report's own chance baseline says (G4).
  const shared = out.header.filter((h) => input.header.includes(h));
  const key = (row, header) => shared.map((h) => row[header.indexOf(h)]).join('\u0000');
  const originals = new Set(input.rows.map((row) => key(row, input.header)));
  const copied = out.rows.filter((row) => originals.has(key(row, out.header))).length;
  assert.ok(copied < out.rows.length * 0.03, `${copied} copied rows`);
  const { share, chance } = summary.risk.copiedRows;
  assert.ok(share <= chance * 1.5 + 0.002, `copied ${share} vs chance ${chance}`);
  assert.ok(summary.risk.recordLinkage.rate <= summary.risk.recordLinkage.chanceInterval[1] * 2 + 0.01);

  const recipe = JSON.parse((await downloadBytes('download-recipe')).bytes.toString('utf8'));
  assert.equal(recipe.version, 2);
  assert.deepEqual(recipe.cluster, ['中学校区']);
  assert.equal(recipe.seed, 20201019);
  assert.deepEqual(recipe.blocks, [['性別', '生年月日']]);
  writeFileSync(join(work, 'sample-recipe.json'), JSON.stringify(recipe));
});

test('the same recipe gives the same bytes in the native CLI (G6)', async () => {
  const inputPath = join(work, 'sample-city.csv');
  writeFileSync(inputPath, cityToCsv(generateCity({ rows: 20000, seed: 1 })));
  const { spawnSync } = await import('node:child_process');
  const cliOut = join(work, 'cli-out.csv');
  const cli = spawnSync(join(root, 'build/native/pseudocitizen'), [
    'synth', inputPath, '-o', cliOut, '--recipe', join(work, 'sample-recipe.json'),
  ]);
  assert.equal(cli.status, 0, cli.stderr.toString());
  const page_ = readFileSync(join(work, 'sample-city-pseudo.csv'));
  assert.ok(page_.equals(readFileSync(cliOut)), 'browser and CLI outputs are byte-identical');
});

test('a UTF-8 file chosen with the picker, an identifier dropped by hand, Shift_JIS output', async () => {
  const csv = '地区,番号,年齢,性別\r\n北,A1,34,男\r\n北,A2,71,女\r\n北,A3,8,女\r\n北,A4,50,男\r\n' +
    '南,B1,45,男\r\n南,B2,90,女\r\n南,B3,12,女\r\n';
  const path = join(work, 'small.csv');
  writeFileSync(path, csv);
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /small\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('cluster-select').inputValue(), '地区');
  await page.locator('#columns select[data-column="番号"]').selectOption('drop');
  await page.locator('#columns select[data-column="年齢"]').selectOption('category');
  // Too few rows per value for a category, 性別 is suggested as text to drop; keeping it asks first.
  assert.equal(await page.locator('#columns select[data-column="性別"]').inputValue(), 'drop');
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.locator('#columns select[data-column="性別"]').selectOption('category');
  assert.equal(await page.locator('#columns select[data-column="性別"]').inputValue(), 'drop');
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('#columns select[data-column="性別"]').selectOption('category');
  assert.equal(await page.locator('#columns select[data-column="性別"]').inputValue(), 'category');
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('min-cluster-size').fill('3');
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
  // 番号 kept after all: the engine let the dropped column go after the run, so the page reads
  // the file again by itself and the run has it.
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('#columns select[data-column="番号"]').selectOption('category');
  assert.equal(await page.locator('#columns select[data-column="番号"]').inputValue(), 'category');
  await runAndWait();
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  const again = parseCsv(iconv.decode((await downloadBytes('download-csv')).bytes, 'cp932'));
  assert.deepEqual(again.header, ['地区', '番号', '年齢', '性別']);
  assert.deepEqual(again.rows.map((row) => row[1]).sort(), ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3']);
  await byTestId('output-encoding').selectOption('utf-8-bom');
  await byTestId('min-cluster-size').fill('10');
});

test('a Shift_JIS export with a Japanese header and 和暦 birth dates', async () => {
  const iconv = (await import('iconv-lite')).default;
  const text = cityToCsv(generateCity({ rows: 3000, seed: 21, wareki: true }));
  const path = join(work, '住民記録_sjis.csv');
  writeFileSync(path, iconv.encode(text, 'cp932'));
  await byTestId('file-input').setInputFiles(path);
  await page.waitForFunction(() => /住民記録_sjis\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.match(await byTestId('file-info').textContent(), /shift_jis/);
  assert.match(await page.locator('#preview').textContent(), /(昭和|平成|令和|大正)\d+年/);
  assert.equal(await page.locator('#columns select[data-column="生年月日"]').inputValue(), 'date-to-age');
  // The detection can be overridden: read as UTF-8 it breaks (with the line), then back to auto.
  await byTestId('input-encoding').selectOption('utf-8');
  await byTestId('error').waitFor({ state: 'visible' });
  assert.match(await byTestId('error').textContent(), /utf-8/);
  await shot('08a-sjis-read-as-utf8');
  await byTestId('input-encoding').selectOption('auto');
  await page.waitForFunction(() => /shift_jis/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('error').isHidden(), true);
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('reference-date').fill('2026-04-01');
  await shot('08-sjis-loaded');
  await runAndWait();
  const out = parseCsv((await downloadBytes('download-csv')).bytes.toString('utf8'));
  const summary = JSON.parse((await downloadBytes('download-report')).bytes.toString('utf8'));
  assert.equal(summary.inputEncoding, 'shift_jis');
  assert.ok(out.header.includes('年齢') && !out.header.includes('生年月日'));
  // Ages from 和暦 dates, recomputed here: each district's (sex, age) counts are exact.
  const input = parseCsv(text);
  const eras = { 明治: 1867, 大正: 1911, 昭和: 1925, 平成: 1988, 令和: 2018 };
  const age = (wareki) => {
    const m = /^(明治|大正|昭和|平成|令和)(元|\d+)年(\d+)月(\d+)日$/.exec(wareki);
    const y = eras[m[1]] + (m[2] === '元' ? 1 : Number(m[2]));
    return 2026 - y - (Number(m[3]) > 4 || (Number(m[3]) === 4 && Number(m[4]) > 1) ? 1 : 0);
  };
  const into = new Map(summary.clusters.map((c) => [c.label, c.status === 'merged' ? c.into : c.label]));
  const count = (table, labelOf, ageOf) => {
    const counts = new Map();
    for (const row of table.rows) {
      const key = `${labelOf(row)}|${row[table.header.indexOf('性別')]}|${ageOf(row)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  const k = input.header.indexOf('中学校区');
  assert.deepEqual(
    count(out, (row) => row[out.header.indexOf('中学校区')], (row) => Number(row[out.header.indexOf('年齢')])),
    count(input, (row) => into.get(row[k]), (row) => age(row[input.header.indexOf('生年月日')])),
  );
  // The report's own figures agree with an independent read of the two files.
  const numbers = [{ name: '医療費年額', scale: 0 }];
  const independent = clusterAggregates(out, (row) => row[out.header.indexOf('中学校区')], [], numbers);
  for (const cluster of summary.aggregates.clusters) {
    const mine = independent.get(cluster.label);
    assert.equal(cluster.rows.pseudo, mine.rows);
    const cost = cluster.columns.find((c) => c.name === '医療費年額');
    assert.equal(cost.pseudo.n, mine.numbers.get('医療費年額').n);
    assert.equal(BigInt(cost.pseudo.sum), mine.numbers.get('医療費年額').sum);
    assert.equal(cost.original.sum, cost.pseudo.sum);
  }
  await shot('09-sjis-report');
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
