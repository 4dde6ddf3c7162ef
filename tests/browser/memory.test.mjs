// Running out of memory, and the engine crashing, in the single-file app: a clear message in
// the error box (both languages), no dead tab, and the next file or run works.
//
// The shipped file has no switch for this. The test adds instrumentation in front of the
// worker's source (the text the page turns into a Blob worker) before the page starts it:
//   - the browser grants the engine at most LIMIT bytes: WebAssembly.Memory.prototype.grow
//     refuses beyond that, as a browser does when it has no more to give. Everything after —
//     malloc returning null, std::bad_alloc in the C++ core, the binding's error value, the
//     worker, the page — is the shipped code;
//   - a run whose seed is TRAP_SEED first makes the real module trap (free() of a pointer
//     beyond its memory: "memory access out of bounds", as a corrupted heap does); the worker's
//     catch, the page's discarding of the worker and the next run are the shipped code.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WORK, openApp } from '../support/browser.mjs';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

// 64 MiB: the 300,000-row city (about 48 MB) and its table do not fit; the sample does.
const LIMIT = 64 * 1024 * 1024;
const TRAP_SEED = 4242;

const INSTRUMENTATION = `
;(() => {
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function refuseBeyondLimit(pages) {
    if (this.buffer.byteLength + pages * 65536 > ${LIMIT}) {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
    return grow.call(this, pages);
  };
  // The worker starts the module with createPseudocitizen(); the test makes that call this.
  self.pcTestInstrument = (factory) => factory().then((m) => {
    const synthesizeLoaded = m.synthesizeLoaded;
    m.synthesizeLoaded = (recipeJson, onProgress) => {
      if (JSON.parse(recipeJson).seed === ${TRAP_SEED}) m._free(0xfffffff0);
      return synthesizeLoaded(recipeJson, onProgress);
    };
    return m;
  });
})();
`;

let app;

before(async () => {
  app = await openApp();
  // The worker starts with the first request: instrument its source before that.
  const calls = await app.page.evaluate((prefix) => {
    const source = document.getElementById('pc-worker-source');
    const text = source.textContent;
    source.textContent = prefix + text.replace('createPseudocitizen()', 'pcTestInstrument(createPseudocitizen)');
    return text.split('createPseudocitizen()').length - 1;
  }, INSTRUMENTATION);
  assert.equal(calls, 1, 'the worker starts its module in one place');
});

after(async () => {
  await app?.close();
});

async function waitForOutcome() {
  await app.page.waitForFunction(() => {
    const stage = document.querySelector('[data-testid=progress]').dataset.stage;
    return stage === 'done' || !document.querySelector('[data-testid=error]').hidden;
  }, null, { timeout: 120_000 });
}

test('a file larger than the memory the browser grants: "memory.exhausted", then the sample works', async () => {
  const { page, byTestId, click, shot } = app;
  const path = join(WORK, 'too-large-for-memory.csv');
  writeFileSync(path, cityToCsv(generateCity({ rows: 300000, seed: 9 })));
  await byTestId('file-input').setInputFiles(path);
  await byTestId('error').waitFor({ state: 'visible', timeout: 120_000 });
  assert.equal(await byTestId('error').getAttribute('data-code'), 'memory.exhausted', await byTestId('error').textContent());
  const message = await byTestId('error').textContent();
  assert.match(message, /メモリが足りません/);
  assert.match(message, /ファイルを地区などで分ける/);
  assert.equal(await byTestId('run-button').isVisible(), false, 'nothing half-loaded is offered');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'error');
  await shot('33-out-of-memory');
  await click('lang-toggle');
  await click('sample-button'); // a fresh worker: the page is usable
  await page.waitForFunction(() => /sample-city\.csv/.test(document.querySelector('[data-testid=file-info]').textContent));
  assert.equal(await byTestId('error').isHidden(), true);
  await click('run-button');
  await waitForOutcome();
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  assert.match(await byTestId('summary').textContent(), /20000|20,000/);
});

test('the engine trapping in a run: "engine.crashed" in the error box, and the next run completes', async () => {
  const { page, byTestId, click, shot } = app;
  // The message is checked in English, whatever the language the page was left in.
  if (await page.evaluate(() => document.documentElement.lang) !== 'en') await click('lang-toggle');
  await page.evaluate(() => { document.getElementById('advanced').open = true; });
  await byTestId('seed-input').fill(String(TRAP_SEED));
  await click('run-button');
  await waitForOutcome();
  assert.equal(await byTestId('error').getAttribute('data-code'), 'engine.crashed');
  const message = await byTestId('error').textContent();
  assert.match(message, /The engine stopped \(memory access out of bounds\)/);
  assert.match(message, /The page is still usable/);
  assert.equal(await byTestId('report').isHidden(), true, 'no report from a crashed run');
  assert.equal(await byTestId('run-button').isEnabled(), true);
  await shot('34-engine-crashed');
  // A fresh worker gets the file again and runs.
  await byTestId('seed-input').fill('7');
  await click('run-button');
  await waitForOutcome();
  assert.equal(await byTestId('error').isHidden(), true, await byTestId('error').textContent());
  await byTestId('report').waitFor({ state: 'visible' });
  await click('lang-toggle');
});

test('no console error, no request', async () => {
  const { browser, consoleErrors } = app;
  const foreign = browser.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('blob:'));
  assert.deepEqual(foreign, []);
  assert.deepEqual(consoleErrors, []);
});
