#!/usr/bin/env node
// Benchmarks: the whole pipeline on a generated city, natively and in wasm (Node), per stage,
// then reading alone (bytes in memory → table) with tools/bench-read.cpp in both builds.
//
//   node tools/bench.mjs [--rows 1000000] [--encoding utf-8|shift_jis] [--runs 3]
//
// The input is made by tools/gen-city.mjs into bench-data/ (never committed) and reused.
// Both builds run the same recipe: the suggested one (inspect), with a fixed seed and reference
// date. Prints the best of --runs for each stage. Build first (npm run build).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCity, dataDir, root } from './bench-city.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    encoding: { type: 'string', default: 'utf-8' },
    runs: { type: 'string', default: '3' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const input = benchCity(rows, values.encoding);
const bytes = readFileSync(input);
const mb = statSync(input).size / 1e6;
// One recipe for both builds: the suggested one, made explicit, with a fixed seed and date.
const recipePath = join(dataDir, `recipe-${rows}-${values.encoding}.json`);
{
  const inspect = spawnSync(join(root, 'build/native/pseudocitizen'), ['inspect', input],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (inspect.status !== 0) throw new Error(inspect.stderr);
  const suggested = JSON.parse(inspect.stdout).recipe;
  writeFileSync(recipePath, JSON.stringify({ ...suggested, seed: 12345, referenceDate: '2026-04-01' }));
}
const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));

const best = (list) => Object.fromEntries(
  Object.keys(list[0]).map((key) => [key, Math.min(...list.map((t) => t[key] ?? Infinity))]));

// Native: the CLI reports its own stage timings.
const native = [];
for (let i = 0; i < runs; i += 1) {
  const start = performance.now();
  const run = spawnSync(join(root, 'build/native/pseudocitizen'), ['synth', input, '-o', join(dataDir, 'out-native.csv'),
    '--recipe', recipePath, '--timings'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(run.stderr);
  const stages = JSON.parse(run.stderr.split('timings: ')[1]);
  native.push({ ...stages, total: (performance.now() - start) / 1000 });
}

// Wasm: the module as the worker runs it, stages from its progress callback.
const require = createRequire(import.meta.url);
const engine = await require(join(root, 'build/wasm/pseudocitizen_wasm.js'))();
const wasm = [];
for (let i = 0; i < runs; i += 1) {
  const stages = {};
  let current = null;
  let since = performance.now();
  const start = since;
  const mark = (stage) => {
    if (stage === current) return;
    const now = performance.now();
    if (current) stages[current] = (now - since) / 1000;
    current = stage;
    since = now;
  };
  const result = engine.synthesize(bytes, JSON.stringify(recipe), (stage) => mark(stage));
  if (!result.ok) throw new Error(result.error.en);
  mark('end');
  wasm.push({ ...stages, total: (performance.now() - start) / 1000 });
}

const n = best(native);
const w = best(wasm);
console.log(`input: ${input} (${rows.toLocaleString()} rows, ${mb.toFixed(1)} MB, ${values.encoding}); ` +
  `${cpus()[0].model}, best of ${runs}`);
console.log('stage          native s   wasm s   wasm/native');
for (const key of Object.keys(n)) {
  const ratio = w[key] && n[key] ? (w[key] / n[key]).toFixed(2) : '-';
  console.log(`${key.padEnd(14)} ${n[key].toFixed(3).padStart(8)} ${(w[key] ?? NaN).toFixed(3).padStart(8)}   ${ratio}`);
}

// Read throughput on its own (bytes already in memory → table): tools/bench-read.cpp, built
// natively and for Node.
const readBench = (command, args) => {
  const run = spawnSync(command, [...args, input, String(runs)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
};
const readNative = readBench(join(root, 'build/native/bench_read'), []);
const readWasm = readBench(process.execPath, [join(root, 'build/wasm/bench_read.js')]);
console.log('\nreading alone   decode/validate   parse      total MB/s');
for (const [name, r] of [['native', readNative], ['wasm', readWasm]]) {
  console.log(`${name.padEnd(14)} ${r.decode.toFixed(3).padStart(8)} s  ${r.parse.toFixed(3).padStart(8)} s  ` +
    `${(r.bytes / 1e6 / r.total).toFixed(0).padStart(8)}  (parse alone ${(r.bytes / 1e6 / r.parse).toFixed(0)} MB/s)`);
}
