#!/usr/bin/env node
// npm run build: the native CLI and tests, the wasm module and tests, and the single-file app.
//
//   node tools/build.mjs [native] [wasm] [app]     (default: all three, in that order)
//
// Leaves build/native/pseudocitizen (CLI), build/native/unit_tests, build/wasm/
// pseudocitizen_wasm.js (Embind module, wasm inside), build/wasm/unit_tests.js, build/web/
// (bundled page and worker, used by the development page), and dist/pseudocitizen.html.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jobs = String(Math.max(1, Math.min(4, (await import('node:os')).availableParallelism())));

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

async function timed(label, body) {
  const start = performance.now();
  await body();
  console.log(`build: ${label} ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

function buildNative() {
  if (!existsSync(join(root, 'build/native/CMakeCache.txt'))) {
    run('cmake', ['-S', '.', '-B', 'build/native', '-DCMAKE_BUILD_TYPE=Release']);
  }
  run('cmake', ['--build', 'build/native', '--parallel', jobs]);
}

// Debian's Emscripten needs Debian's acorn for its JS optimiser (TOOLCHAIN.md).
const emEnv = { NODE_PATH: '/usr/share/nodejs' };

function buildWasm() {
  if (!existsSync(join(root, 'build/wasm/CMakeCache.txt'))) {
    run('emcmake', ['cmake', '-S', '.', '-B', 'build/wasm', '-DCMAKE_BUILD_TYPE=Release'], emEnv);
  }
  run('cmake', ['--build', 'build/wasm', '--parallel', jobs], emEnv);
}

/** Makes text safe inside a <script> element: no "</script" and no "<!--" can end or bend it. */
function scriptSafe(text) {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function sha256(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function replaceOnce(html, search, replacement) {
  const at = html.indexOf(search);
  if (at < 0 || html.indexOf(search, at + 1) >= 0) {
    throw new Error(`index.html: expected exactly one ${search}`);
  }
  return html.slice(0, at) + replacement + html.slice(at + search.length);
}

async function bundle(entry, format) {
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format,
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
  });
  return result.outputFiles[0].text;
}

async function buildApp() {
  const glue = readFileSync(join(root, 'build/wasm/pseudocitizen_wasm.js'), 'utf8');
  const workerJs = `${glue}\n${await bundle('web/worker.js', 'iife')}`;
  const appJs = await bundle('web/app.js', 'iife');
  const css = readFileSync(join(root, 'web/style.css'), 'utf8');
  mkdirSync(join(root, 'build/web'), { recursive: true });
  writeFileSync(join(root, 'build/web/worker.js'), workerJs);
  // The development page loads the bundled page script too: web/app.js imports npm packages
  // (chart.js) that a browser cannot resolve from the source tree.
  writeFileSync(join(root, 'build/web/app.js'), appJs);

  const appScript = scriptSafe(appJs);
  const policy = [
    "default-src 'none'",
    `script-src ${sha256(appScript)} 'wasm-unsafe-eval'`,
    'worker-src blob:',
    "connect-src 'none'",
    `style-src ${sha256(css)}`,
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  let html = readFileSync(join(root, 'index.html'), 'utf8');
  html = html.replace(
    /<meta http-equiv="Content-Security-Policy" content="[^"]*">/,
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
  );
  if (!html.includes(policy)) throw new Error('index.html: Content-Security-Policy meta tag not found');
  html = html.replace(/<!-- Development page[\s\S]*?-->\n/, '');
  html = replaceOnce(html, '<link rel="stylesheet" href="web/style.css">', `<style>${css}</style>`);
  html = replaceOnce(
    html,
    '<script type="module" src="web/app.js"></script>',
    // The worker's text travels as inert data; the page turns it into a Blob URL.
    `<script type="text/plain" id="pc-worker-source">${scriptSafe(workerJs)}</script>\n` +
      `<script>${appScript}</script>`,
  );
  for (const banned of ['new Function', 'http://', 'https://']) {
    const at = appScript.indexOf(banned);
    if (at >= 0) throw new Error(`the app script contains ${banned}: …${appScript.slice(at - 40, at + 40)}…`);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/pseudocitizen.html'), html);
  console.log(`build: dist/pseudocitizen.html ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`);
}

const wanted = process.argv.slice(2);
const all = wanted.length === 0;
try {
  if (all || wanted.includes('native')) await timed('native', buildNative);
  if (all || wanted.includes('wasm')) await timed('wasm', buildWasm);
  if (all || wanted.includes('app')) await timed('app', buildApp);
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exit(1);
}
