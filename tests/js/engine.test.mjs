// The wasm module as the worker uses it: bytes in, bytes out, errors as values.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import iconv from 'iconv-lite';
import { clusterAggregates, clusterValueCounts, parseCsv } from '../support/csv.mjs';
import { cli, loadEngine } from '../support/engine.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

const IDENTIFIERS = ['住民番号', '氏名', 'フリガナ', '住所', '備考'];
const dir = mkdtempSync(join(tmpdir(), 'pc-engine-'));
let engine;
let cityText;

before(async () => {
  engine = await loadEngine();
  cityText = cityToCsv(generateCity({ rows: 5000, seed: 3 }));
});

const utf8 = (text) => new TextEncoder().encode(text);
const recipe = (overrides = {}) =>
  JSON.stringify({ version: 1, cluster: ['中学校区'], drop: IDENTIFIERS, seed: 99, ...overrides });

test('inspect describes the file and suggests a recipe that drops identifiers', () => {
  const result = engine.inspect(utf8(cityText), 'auto', '2026-04-01');
  assert.equal(result.ok, true);
  const info = JSON.parse(result.json);
  assert.equal(info.encoding, 'utf-8');
  assert.equal(info.delimiter, ',');
  assert.equal(info.rows, 5000);
  assert.equal(info.columns.length, 14);
  assert.deepEqual(info.recipe.cluster, ['中学校区']);
  for (const name of IDENTIFIERS) assert.ok(info.recipe.drop.includes(name), name);
  assert.equal(info.columns.find((c) => c.name === '住民番号').distinct, 5000);
  assert.ok(info.preview.length > 0 && info.preview[0].length === 14);
});

test('Shift_JIS input is detected and read', () => {
  const sjis = iconv.encode(cityToCsv(generateCity({ rows: 300, seed: 8, wareki: true })), 'cp932');
  const info = JSON.parse(engine.inspect(sjis, 'auto', '2026-04-01').json);
  assert.equal(info.encoding, 'shift_jis');
  assert.equal(info.columns[3].name, '生年月日');
  assert.match(info.preview[0][3], /^(明治|大正|昭和|平成|令和)/);
});

test('a version-1 recipe swaps every column: every district\'s value counts kept', () => {
  const stages = [];
  const result = engine.synthesize(utf8(cityText), recipe(), (stage, fraction) => stages.push([stage, fraction]));
  assert.equal(result.ok, true, JSON.stringify(result.error));
  assert.ok(result.bytes instanceof Uint8Array);
  const out = parseCsv(new TextDecoder().decode(result.bytes));
  const input = parseCsv(cityText);
  assert.equal(out.rows.length, input.rows.length);
  for (const name of IDENTIFIERS) assert.ok(!out.header.includes(name));
  assert.deepEqual(clusterValueCounts(out, '中学校区'), clusterValueCounts(input, '中学校区', out.header));
  // Progress runs through the stages in order and ends complete.
  const order = [...new Set(stages.map(([stage]) => stage))];
  assert.deepEqual(order, ['reading', 'clustering', 'synthesising', 'checking', 'writing']);
  assert.deepEqual(stages.at(-1), ['writing', 1]);
  const summary = JSON.parse(result.summary);
  assert.equal(summary.clusters.length, 15);
  assert.ok(summary.clusters.every((c) => c.rowsIn === c.rowsOut));
});

test('errors come back as values with code, both languages and the line', () => {
  const broken = engine.inspect(utf8('a,b\n1,2\n"3,4\n'), 'auto', '2026-04-01');
  assert.equal(broken.ok, false);
  assert.equal(broken.error.code, 'csv.unclosed-quote');
  assert.equal(broken.error.line, 3);
  assert.match(broken.error.ja, /引用符/);
  assert.match(broken.error.en, /quoted field/);

  const badKey = engine.synthesize(utf8(cityText), recipe({ clusters: ['x'] }), null);
  assert.equal(badKey.ok, false);
  assert.equal(badKey.error.code, 'recipe.invalid');
  assert.match(badKey.error.en, /"clusters"/);

  const badSeed = engine.synthesize(utf8(cityText), recipe({ seed: -1 }), null);
  assert.match(badSeed.error.en, /"seed"/);

  const noColumn = engine.synthesize(utf8(cityText), recipe({ cluster: ['学区'] }), null);
  assert.equal(noColumn.error.code, 'recipe.unknown-column');

  const empty = engine.inspect(new Uint8Array(0), 'auto', '2026-04-01');
  assert.equal(empty.error.code, 'csv.empty');
});

test('a character Shift_JIS cannot hold is reported with its line and column', () => {
  const text = '地区,名前\r\n北,Zoë\r\n北,太郎\r\n北,花子\r\n';
  const result = engine.synthesize(utf8(text), JSON.stringify({ cluster: ['地区'], seed: 1, outputEncoding: 'shift_jis' }), null);
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 'encoding.unmappable');
  assert.equal(result.error.column, 2);
  assert.ok(result.error.line >= 2 && result.error.line <= 4);
  assert.match(result.error.ja, /名前/);
});

test('output encodings: BOM by default, plain UTF-8, and Shift_JIS that reads back the same', () => {
  const bom = engine.synthesize(utf8(cityText), recipe(), null).bytes;
  assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const plain = engine.synthesize(utf8(cityText), recipe({ outputEncoding: 'utf-8' }), null).bytes;
  assert.deepEqual(plain, bom.subarray(3));
  const sjis = engine.synthesize(utf8(cityText), recipe({ outputEncoding: 'shift_jis' }), null).bytes;
  assert.equal(iconv.decode(Buffer.from(sjis), 'cp932'), new TextDecoder().decode(plain));
});

test('the wasm module and the native CLI write byte-identical files (G6)', () => {
  const cases = [
    { name: 'utf8.csv', bytes: utf8(cityText), seed: 7 },
    {
      name: 'sjis-wareki.csv',
      bytes: iconv.encode(cityToCsv(generateCity({ rows: 3000, seed: 11, wareki: true })), 'cp932'),
      seed: 2 ** 53 - 1,
    },
  ];
  for (const { name, bytes, seed } of cases) {
    const input = join(dir, name);
    const output = join(dir, `out-${name}`);
    const recipePath = join(dir, `recipe-${name}.json`);
    writeFileSync(input, bytes);
    // The suggested recipe, made explicit, with sub-clusters and a pyramid block: every treatment runs.
    const info = JSON.parse(engine.inspect(bytes, 'auto', '2026-04-01').json);
    const full = {
      ...info.recipe, seed, outputEncoding: 'shift_jis', blocks: [['性別', '生年月日']],
      subclusters: { method: 'mdav', k: 5, columns: ['要介護度', '医療費年額'] },
      numericGroups: [['BMI', '収縮期血圧', 'HbA1c']],
    };
    writeFileSync(recipePath, JSON.stringify(full));
    const run = cli('synth', input, '-o', output, '--recipe', recipePath);
    assert.equal(run.status, 0, run.stderr);
    const wasm = engine.synthesize(bytes, JSON.stringify(full), null);
    assert.equal(wasm.ok, true, JSON.stringify(wasm.error));
    assert.ok(Buffer.from(wasm.bytes).equals(readFileSync(output)), `${name}: identical bytes`);
  }
});

test('version is the project version', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
  assert.equal(engine.version(), pkg.version);
});

test('the suggested recipe (version 2): merges the 5-person district, keeps counts and sums exactly', () => {
  const info = JSON.parse(engine.inspect(utf8(cityText), 'auto', '2026-04-01').json);
  const suggested = { ...info.recipe, seed: 4242, blocks: [['性別', '生年月日']] };
  const result = engine.synthesize(utf8(cityText), JSON.stringify(suggested), null);
  assert.equal(result.ok, true, JSON.stringify(result.error));
  const summary = JSON.parse(result.summary);
  const tiny = summary.clusters.find((c) => c.label === '山間分校中学校区');
  assert.equal(tiny.rowsIn, 5);
  assert.equal(tiny.status, 'merged');
  assert.equal(tiny.rowsOut, 0);
  assert.ok(summary.clusters.some((c) => c.label === tiny.into && c.status === 'released'));
  assert.equal(summary.aggregates.summary.failed, 0, JSON.stringify(summary.aggregates.summary));

  const out = parseCsv(new TextDecoder().decode(result.bytes));
  const input = parseCsv(cityText);
  assert.ok(!out.header.includes('生年月日') && out.header.includes('年齢'));
  assert.ok(!out.header.includes('山間分校中学校区'));
  assert.equal(out.rows.filter((row) => row.includes('山間分校中学校区')).length, 0);
  const into = new Map(summary.clusters.map((c) => [c.label, c.status === 'merged' ? c.into : c.label]));
  const k = input.header.indexOf('中学校区');
  const categories = ['性別', '要介護度'];
  const numbers = [{ name: '世帯人数', scale: 0 }, { name: '医療費年額', scale: 0 }, { name: 'BMI', scale: 1 }, { name: '収縮期血圧', scale: 0 }, { name: 'HbA1c', scale: 1 }];
  const before = clusterAggregates(input, (row) => into.get(row[k]), categories, numbers);
  const after = clusterAggregates(out, (row) => row[out.header.indexOf('中学校区')], categories, numbers);
  assert.deepEqual(after, before);
  // The numbers really changed: most costs are not where they were.
  const costs = new Set(input.rows.map((row) => row[input.header.indexOf('医療費年額')]));
  const kept = out.rows.filter((row) => costs.has(row[out.header.indexOf('医療費年額')])).length;
  assert.ok(kept < out.rows.length * 0.2, `${kept} costs unchanged`);
  // Costs never negative; ages are whole numbers.
  assert.ok(out.rows.every((row) => !row[out.header.indexOf('医療費年額')].startsWith('-')));
  assert.ok(out.rows.every((row) => /^\d+$/.test(row[out.header.indexOf('年齢')])));
});

test('load + synthesizeLoaded (the worker\'s path) equals synthesize on the bytes', () => {
  const before = engine.synthesizeLoaded(recipe(), null);
  assert.equal(before.ok, false);
  assert.equal(before.error.code, 'state.no-file');
  const loaded = engine.load(utf8(cityText), 'auto', '2026-04-01');
  assert.equal(loaded.ok, true);
  const a = engine.synthesizeLoaded(recipe({ seed: 5 }), null);
  const b = engine.synthesize(utf8(cityText), recipe({ seed: 5 }), null);
  assert.ok(Buffer.from(a.bytes).equals(Buffer.from(b.bytes)));
  // A broken file replaces nothing silently: the kept table is gone and says so.
  assert.equal(engine.load(utf8('a,b\n"x'), 'auto', '2026-04-01').ok, false);
  assert.equal(engine.synthesizeLoaded(recipe(), null).error.code, 'state.no-file');
  engine.unload();
});

test('runs on the kept table let dropped columns go; keeping one later asks for the file again', () => {
  assert.equal(engine.load(utf8(cityText), 'auto', '2026-04-01').ok, true);
  const first = engine.synthesizeLoaded(recipe({ seed: 8 }), null);
  assert.equal(first.ok, true);
  // Again with the same drops: the same file.
  const second = engine.synthesizeLoaded(recipe({ seed: 8 }), null);
  assert.ok(Buffer.from(first.bytes).equals(Buffer.from(second.bytes)));
  // Keeping 備考 now: the engine no longer has it, and says so (the page reads the file again).
  const keepNotes = recipe({ seed: 8, drop: IDENTIFIERS.filter((name) => name !== '備考') });
  const refused = engine.synthesizeLoaded(keepNotes, null);
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'state.reload');
  assert.equal(engine.load(utf8(cityText), 'auto', '2026-04-01').ok, true);
  const kept = engine.synthesizeLoaded(keepNotes, null);
  assert.equal(kept.ok, true);
  const expected = engine.synthesize(utf8(cityText), keepNotes, null);
  assert.ok(Buffer.from(kept.bytes).equals(Buffer.from(expected.bytes)));
  engine.unload();
});

test('the delimiter can be chosen instead of sniffed (inspect and load take it fourth)', () => {
  // Three commas inside the last field on every line outvote the two semicolons: sniffed as ','.
  const text = '地区;年齢;所見（血圧,脂質,血糖,肝機能）\n' +
    Array.from({ length: 12 }, (_, i) => `${i % 2 ? '北' : '南'};${30 + i};正,正,${i % 3 ? '高' : '正'},正`).join('\n');
  const sniffed = JSON.parse(engine.inspect(utf8(text), 'auto', '2026-04-01').json);
  assert.equal(sniffed.delimiter, ',');
  assert.equal(sniffed.columns.length, 4);
  const chosen = JSON.parse(engine.inspect(utf8(text), 'auto', '2026-04-01', ';').json);
  assert.equal(chosen.delimiter, ';');
  assert.deepEqual(chosen.columns.map((c) => c.name), ['地区', '年齢', '所見（血圧,脂質,血糖,肝機能）']);
  assert.equal(chosen.preview[0][2], '正,正,正,正');
  const loaded = engine.load(utf8(text.replaceAll(';', '\t')), 'auto', '2026-04-01', 'tab');
  assert.equal(JSON.parse(loaded.json).delimiter, 'tab');
  assert.equal(JSON.parse(engine.load(utf8(text), 'auto', '2026-04-01', 'auto').json).delimiter, ',');
  const unknown = engine.inspect(utf8(text), 'auto', '2026-04-01', '|');
  assert.equal(unknown.ok, false);
  assert.equal(unknown.error.code, 'delimiter.unknown');
  engine.unload();
});
