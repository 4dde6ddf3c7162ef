// The native command line: inspect, synth, exit codes, and no partial output on failure.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterValueCounts, parseCsv } from '../support/csv.mjs';
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
  const run = cli('synth', city, '-o', out, '--write-recipe', recipePath);
  assert.equal(run.status, 0, run.stderr);
  const table = parseCsv(readFileSync(out, 'utf8'));
  const input = parseCsv(readFileSync(city, 'utf8'));
  assert.ok(!table.header.includes('住民番号') && !table.header.includes('氏名'));
  assert.deepEqual(clusterValueCounts(table, '中学校区'), clusterValueCounts(input, '中学校区', table.header));
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
