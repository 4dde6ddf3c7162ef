// The native command line: inspect, synth, exit codes, and no partial output on failure.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterAggregates, parseCsv } from '../support/csv.mjs';
import { cli } from '../support/engine.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-cli-'));
const city = join(dir, 'city.csv');
writeFileSync(city, cityToCsv(generateCity({ rows: 2000, seed: 4 })));

test('inspect prints the encoding, columns and the suggested recipe as JSON', () => {
  const { status, stdout } = cli('inspect', city);
  assert.equal(status, 0);
  const info = JSON.parse(stdout);
  assert.equal(info.encoding, 'utf-8');
  assert.equal(info.rows, 2000);
  assert.deepEqual(info.recipe.cluster, ['中学校区']);
  assert.ok(info.recipe.drop.includes('氏名'));
});

test('synth with the suggested recipe drops identifiers and keeps district counts', () => {
  const out = join(dir, 'out.csv');
  const recipePath = join(dir, 'recipe.json');
  const reportPath = join(dir, 'report.json');
  const run = cli('synth', city, '-o', out, '--write-recipe', recipePath, '--report', reportPath);
  assert.equal(run.status, 0, run.stderr);
  const table = parseCsv(readFileSync(out, 'utf8'));
  const input = parseCsv(readFileSync(city, 'utf8'));
  assert.ok(!table.header.includes('住民番号') && !table.header.includes('氏名'));
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  assert.equal(report.aggregates.summary.failed, 0);
  const into = new Map(report.clusters.map((c) => [c.label, c.status === 'merged' ? c.into : c.label]));
  const numbers = [{ name: '医療費年額', scale: 0 }, { name: 'BMI', scale: 1 }];
  assert.deepEqual(
    clusterAggregates(table, (row) => row[table.header.indexOf('中学校区')], ['性別', '要介護度'], numbers),
    clusterAggregates(input, (row) => into.get(row[input.header.indexOf('中学校区')]), ['性別', '要介護度'], numbers),
  );
  // No seed given: a fresh one was chosen, and the written recipe reproduces the file exactly.
  const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));
  assert.ok(Number.isSafeInteger(recipe.seed));
  const again = join(dir, 'again.csv');
  assert.equal(cli('synth', city, '-o', again, '--recipe', recipePath).status, 0);
  assert.ok(readFileSync(again).equals(readFileSync(out)));
  // And another run without a seed differs.
  const other = join(dir, 'other.csv');
  assert.equal(cli('synth', city, '-o', other).status, 0);
  assert.ok(!readFileSync(other).equals(readFileSync(out)));
});

test('bad input: exit 2, a message with the line in Japanese and English, no output file', () => {
  const broken = join(dir, 'broken.csv');
  writeFileSync(broken, '地区,値\n北,1\n南,2,3\n');
  const out = join(dir, 'never.csv');
  const run = cli('synth', broken, '-o', out, '--cluster', '地区', '--seed', '1');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /3行目/);
  assert.match(run.stderr, /line 3/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('partial')), []);
});

test('bad recipes and usage: exit 2 naming what is wrong', () => {
  const recipePath = join(dir, 'bad-recipe.json');
  writeFileSync(recipePath, JSON.stringify({ version: 1, cluster: ['中学校区'], sed: 4 }));
  let run = cli('synth', city, '-o', join(dir, 'x.csv'), '--recipe', recipePath);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /"sed"/);
  writeFileSync(recipePath, JSON.stringify({ version: 99 }));
  run = cli('synth', city, '-o', join(dir, 'x.csv'), '--recipe', recipePath);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /newer version/);
  run = cli('synth', city, '-o', join(dir, 'x.csv'), '--cluster', '存在しない列');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /存在しない列/);
  assert.equal(cli('synth', city).status, 2);
  assert.equal(cli('frobnicate').status, 2);
  assert.equal(cli('synth', city, '-o', join(dir, 'x.csv'), '--seed', '-5').status, 2);
  assert.equal(cli('synth', city, '-o', join(dir, 'x.csv'), '--output-encoding', 'latin1').status, 2);
  assert.equal(cli('inspect', join(dir, 'missing.csv')).status, 2);
  assert.equal(existsSync(join(dir, 'x.csv')), false);
});

test('cluster writes one group id per input row, every group at least k rows', () => {
  const out = join(dir, 'groups.csv');
  const run = cli('cluster', city, '--method', 'mdav', '--k', '7', '--columns', '医療費年額,BMI,要介護度', '-o', out);
  assert.equal(run.status, 0, run.stderr);
  const { header, rows } = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(header, ['cluster']);
  assert.equal(rows.length, 2000);
  const sizes = new Map();
  for (const [g] of rows) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  assert.ok([...sizes.values()].every((n) => n >= 7));
  assert.ok(sizes.size >= 2000 / 14);
  assert.equal(cli('cluster', city, '--method', 'ward', '--columns', 'BMI', '-o', out).status, 2);
  assert.equal(cli('cluster', city, '--columns', '無い列', '-o', join(dir, 'none.csv')).status, 2);
});

test('--delimiter reads a file with the chosen delimiter instead of the sniffed one', () => {
  const path = join(dir, 'semicolon.csv');
  writeFileSync(path, '地区;年齢;所見（血圧,脂質,血糖,肝機能）\n北;34;正,正,高,正\n南;56;正,高,正,正\n');
  assert.equal(JSON.parse(cli('inspect', path).stdout).columns.length, 4);
  const chosen = JSON.parse(cli('inspect', path, '--delimiter', ';').stdout);
  assert.equal(chosen.delimiter, ';');
  assert.equal(chosen.columns.length, 3);
  const bad = cli('inspect', path, '--delimiter', '|');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /delimiter/);
});

test('the delimiter a run read the file with is in its recipe, which repeats the run alone', () => {
  const path = join(dir, 'semicolon-run.csv');
  let text = '地区;年齢;所見（血圧,脂質,血糖,肝機能）\n';
  for (let r = 0; r < 12; r += 1) text += `${r % 2 ? '北' : '南'};${30 + r};正,正,高,正\n`;
  writeFileSync(path, text);
  const first = join(dir, 'semicolon-1.csv');
  const recipePath = join(dir, 'semicolon-recipe.json');
  const run = cli('synth', path, '-o', first, '--delimiter', ';', '--cluster', '地区', '--seed', '5',
    '--reference-date', '2026-04-01', '--write-recipe', recipePath);
  assert.equal(run.status, 0, run.stderr);
  const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));
  assert.equal(recipe.inputDelimiter, ';');
  const second = join(dir, 'semicolon-2.csv');
  const again = cli('synth', path, '-o', second, '--recipe', recipePath);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(readFileSync(first).equals(readFileSync(second)), 'the recipe alone repeats the run');
  // Read as ';'-separated: 地区 and 年齢 are columns of their own (the free-text 所見 is dropped).
  assert.deepEqual(parseCsv(readFileSync(second, 'utf8').replace(/^\uFEFF/, '')).header, ['地区', '年齢']);
});
