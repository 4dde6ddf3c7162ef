#!/usr/bin/env node
// The whole job on a large generated city in Chromium, through the single file as staff open
// it (dist/pseudocitizen.html from disk): load, run, download — and whether the page stays
// responsive while the worker works.
//
//   node tools/bench-browser.mjs [--rows 1000000] [--encoding utf-8|shift_jis]
//
// The input is made by tools/gen-city.mjs into bench-data/ (never committed) and reused, as
// tools/bench.mjs does. Prints the wall times (load, run, download), the page's frames during
// the run (requestAnimationFrame kept ticking; the longest gap between two frames), whether the
// cancel button stayed usable, the longest frame gap while the page draws the report, and the
// peak resident memory of Chromium's processes. Exits 1
// if the run gives no report, the downloaded file has the wrong row count, or the page froze
// (a gap of more than a second between frames while the worker runs). Build first.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { APP_URL, launch } from '../tests/support/browser.mjs';
import { benchCity, dataDir } from './bench-city.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    encoding: { type: 'string', default: 'utf-8' },
  },
});
const rows = Number(values.rows);
const input = benchCity(rows, values.encoding);
const fileMB = statSync(input).size / 1e6;

/** Resident memory (MB) of every process descended from this one: the browser's. */
function browserRssMB() {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const children = new Map();
  const rss = new Map();
  for (const line of ps.stdout.trim().split('\n')) {
    const [pid, ppid, kb] = line.trim().split(/\s+/).map(Number);
    rss.set(pid, kb);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let total = 0;
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 1024;
}

const browser = await launch();
let peakMB = 0;
const sampler = setInterval(() => { peakMB = Math.max(peakMB, browserRssMB()); }, 250);
const results = { rows, encoding: values.encoding, fileMB: Number(fileMB.toFixed(1)) };
let ok = true;
try {
  const page = await browser.context.newPage();
  await page.goto(APP_URL);
  const secondsSince = (start) => Number(((performance.now() - start) / 1000).toFixed(2));

  let start = performance.now();
  await page.getByTestId('file-input').setInputFiles(input);
  await page.waitForFunction(() => document.querySelector('[data-testid=cluster-select]').value !== '' ||
    !document.querySelector('[data-testid=error]').hidden, null, { timeout: 600_000 });
  if (!(await page.getByTestId('error').isHidden())) throw new Error(await page.getByTestId('error').textContent());
  results.loadSeconds = secondsSince(start);
  results.fileInfo = await page.getByTestId('file-info').textContent();

  await page.evaluate(() => {
    document.getElementById('advanced').open = true;
    // Frames the page draws while the worker runs.
    window.benchFrames = [];
    const tick = (time) => {
      window.benchFrames.push(time);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // When the worker's result reaches the page (the stage turns "done"): frames after it are
    // the page drawing the report, not waiting for the worker.
    window.benchDoneAt = null;
    const progress = document.querySelector('[data-testid=progress]');
    new MutationObserver(() => {
      if (progress.dataset.stage === 'done' && window.benchDoneAt === null) window.benchDoneAt = performance.now();
    }).observe(progress, { attributes: true, attributeFilter: ['data-stage'] });
  });
  await page.getByTestId('seed-input').fill('12345');
  await page.getByTestId('reference-date').fill('2026-04-01');
  await page.evaluate(() => { window.benchFrames.length = 0; });
  start = performance.now();
  await page.getByTestId('run-button').click();
  const stages = [];
  let cancelUsable = true;
  for (;;) {
    const state = await page.evaluate(() => ({
      stage: document.querySelector('[data-testid=progress]').dataset.stage,
      value: document.querySelector('[data-testid=progress]').value,
      cancel: !document.querySelector('[data-testid=cancel-button]').disabled,
      error: !document.querySelector('[data-testid=error]').hidden,
    }));
    if (state.stage === 'done' || state.error) break;
    if (stages.at(-1) !== state.stage) stages.push(state.stage);
    cancelUsable &&= state.cancel;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  results.runSeconds = secondsSince(start);
  if (!(await page.getByTestId('error').isHidden())) throw new Error(await page.getByTestId('error').textContent());
  await page.waitForTimeout(1000); // the report is drawn
  const { frames, doneAt } = await page.evaluate(() => ({ frames: window.benchFrames, doneAt: window.benchDoneAt }));
  let longestGap = 0; // while the worker works
  let longestGapDrawing = 0; // while the page draws the report
  for (let i = 1; i < frames.length; i++) {
    const gap = frames[i] - frames[i - 1];
    if (frames[i] <= doneAt) longestGap = Math.max(longestGap, gap);
    else longestGapDrawing = Math.max(longestGapDrawing, gap);
  }
  results.stagesSeen = stages;
  results.cancelUsableDuringRun = cancelUsable;
  results.framesWhileWorkerRuns = frames.filter((time) => time <= doneAt).length;
  results.longestFrameGapWhileWorkerRunsMs = Math.round(longestGap);
  results.longestFrameGapDrawingReportMs = Math.round(longestGapDrawing);
  results.report = await page.getByTestId('summary').textContent();

  start = performance.now();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const out = join(dataDir, `browser-out-${rows}.csv`);
  await download.saveAs(out);
  results.downloadSeconds = secondsSince(start);
  const bytes = readFileSync(out);
  let lines = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lines += 1;
  results.rowsOut = lines - 1;
  results.outMB = Number((bytes.length / 1e6).toFixed(1));
  if (results.rowsOut <= 0 || results.rowsOut > rows) ok = false;
  if (longestGap > 1000 || !cancelUsable) ok = false;
} catch (error) {
  results.error = String(error.message ?? error);
  ok = false;
} finally {
  clearInterval(sampler);
  results.peakBrowserRssMB = Math.round(peakMB);
  await browser.close();
}
console.log(JSON.stringify(results, null, 2));
process.exit(ok ? 0 : 1);
