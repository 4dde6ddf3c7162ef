#!/usr/bin/env node
// npm test (after setup and build): every suite, in order, and a summary.
//
//   unit (native)   ctest in build/native — the doctest suite, natively
//   unit (wasm)     ctest in build/wasm   — the same suite compiled to wasm, run by Node
//   js              node --test tests/js  — the wasm module, the CLI and the tools
//   browser         node --test tests/browser — the single-file app in Chromium
//
// `node tools/test.mjs js browser` runs only the named suites.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const testFiles = (dir) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.test.mjs'))
    .sort()
    .map((name) => join(dir, name));

const suites = {
  native: ['ctest', ['--test-dir', 'build/native', '--output-on-failure']],
  wasm: ['ctest', ['--test-dir', 'build/wasm', '--output-on-failure']],
  js: ['node', ['--test', '--test-concurrency=1', ...testFiles('tests/js')]],
  browser: ['node', ['--test', '--test-concurrency=1', ...testFiles('tests/browser')]],
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
const results = [];
for (const name of wanted) {
  if (!suites[name]) {
    console.error(`test: unknown suite ${name} (${Object.keys(suites).join(', ')})`);
    process.exit(2);
  }
  const [command, args] = suites[name];
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  results.push({ name, ok: result.status === 0, seconds });
}
console.log('\n=== summary');
for (const { name, ok, seconds } of results) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}  ${seconds} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
