/*
 * The page: load a file (or the sample) → choose the district column and the columns
 * to leave out → run in the worker → check → download. All heavy work happens in the
 * engine worker (web/worker.js); this file only reads controls and draws.
 *
 * Nothing about the data is stored by the browser or sent anywhere: the file's bytes
 * go to the worker, the results come back as bytes and leave only as downloads.
 */
import { EngineClient } from './engine.js';
import { applyLanguage, currentLanguage, t } from './i18n.js';

const SAMPLE_ROWS = 20000;
const SAMPLE_SEED = 1;

const $ = (id) => document.getElementById(id);

/** The worker's source: embedded in the single-file app, fetched from the build when served. */
async function workerSource() {
  const embedded = document.getElementById('pc-worker-source');
  if (embedded) return embedded.textContent;
  const response = await fetch('build/web/worker.js');
  if (!response.ok) throw new Error(`build/web/worker.js: ${response.status} (run npm run build)`);
  return response.text();
}

const engine = new EngineClient(workerSource);

const state = {
  source: null, // {kind: 'file', file} | {kind: 'sample'}
  info: null, // the worker's inspect result
  running: false,
  result: null, // {bytes: ArrayBuffer, summary}
  recipe: null, // the recipe of the last run
  loadedIn: -1, // the engine generation (worker) that holds the current file
};

// ---------------------------------------------------------------- errors

function showError(error) {
  const box = $('error');
  if (!error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const lang = currentLanguage();
  const text = (lang === 'en' ? error.en : error.ja) || error.message || String(error);
  let where = '';
  if (error.line > 0) {
    where = error.column > 0 ? t('errorWhereColumn', error) : t('errorWhere', error);
  }
  box.replaceChildren();
  const strong = document.createElement('strong');
  strong.textContent = `${t('errorPrefix')}${where ? ` (${where})` : ''}: `;
  const message = document.createElement('span');
  message.textContent = text;
  const next = document.createElement('p');
  next.textContent = t('errorNext');
  box.append(strong, message, next);
  box.hidden = false;
  box.focus?.();
}

// ---------------------------------------------------------------- loading

function fillTable(table, header, rows) {
  table.replaceChildren();
  const thead = table.createTHead().insertRow();
  for (const name of header) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name;
    thead.append(th);
  }
  const tbody = table.createTBody();
  for (const row of rows) {
    const tr = tbody.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
}

function roleOf(name) {
  if ($('cluster-select').value === name) return 'roleCluster';
  const box = document.querySelector(`#columns input[data-column="${CSS.escape(name)}"]`);
  return box?.checked ? 'roleDrop' : 'roleSwap';
}

function refreshRoles() {
  for (const tr of $('columns').tBodies[0].rows) {
    const name = tr.dataset.column;
    const box = tr.querySelector('input');
    const isCluster = $('cluster-select').value === name;
    box.disabled = isCluster;
    if (isCluster) box.checked = false;
    tr.cells[4].textContent = t(roleOf(name));
  }
  $('run-button').disabled = state.running || !$('cluster-select').value;
}

function showFile(info) {
  $('file-info').textContent = t('fileInfo', {
    name: info.name,
    rows: info.rows.toLocaleString(),
    columns: info.columns.length,
    encoding: info.encoding,
    delimiter: info.delimiter,
  });
  fillTable($('preview'), info.columns.map((c) => c.name), info.preview.slice(0, 5));
  $('preview-box').hidden = false;

  const select = $('cluster-select');
  select.replaceChildren(new Option(t('chooseCluster'), ''));
  for (const column of info.columns) select.add(new Option(column.name, column.name));
  select.value = info.recipe.cluster[0] ?? '';

  const tbody = $('columns').tBodies[0];
  tbody.replaceChildren();
  for (const column of info.columns) {
    const tr = tbody.insertRow();
    tr.dataset.column = column.name;
    tr.insertCell().textContent = column.name;
    const distinct = tr.insertCell();
    distinct.textContent = column.distinct.toLocaleString();
    distinct.className = 'num';
    const missing = tr.insertCell();
    missing.textContent = column.missing.toLocaleString();
    missing.className = 'num';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.dataset.column = column.name;
    box.checked = info.recipe.drop.includes(column.name);
    box.setAttribute('aria-label', `${t('colDrop')}: ${column.name}`);
    box.addEventListener('change', refreshRoles);
    tr.insertCell().append(box);
    tr.insertCell();
  }
  $('seed-input').value = randomSeed();
  for (const id of ['step-roles', 'step-settings', 'step-run']) $(id).hidden = false;
  refreshRoles();
}

/** A fresh secret seed: 53 random bits from the browser's cryptographic generator. */
function randomSeed() {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return String((words[0] & 0x1fffff) * 2 ** 32 + words[1]);
}

/** Sends the file (or the sample request) to the worker; the worker keeps it for runs. */
async function sendSource(source) {
  let reply;
  if (source.kind === 'sample') {
    reply = await engine.request({ type: 'load-sample', rows: SAMPLE_ROWS, seed: SAMPLE_SEED });
  } else {
    // The file stays on disk (a File is a handle); only the worker holds its bytes.
    const bytes = await source.file.arrayBuffer();
    reply = await engine.request({ type: 'load', bytes, name: source.file.name, encoding: 'auto' }, [bytes]);
  }
  state.loadedIn = engine.generation;
  return reply;
}

async function open(source) {
  showError(null);
  $('report').hidden = true;
  state.result = null;
  state.info = null;
  state.source = source;
  setStage('loading', 0);
  try {
    const reply = await sendSource(source);
    state.info = reply.info;
    showFile(reply.info);
    setStage('done', 1, false);
  } catch (error) {
    state.source = null;
    for (const id of ['step-roles', 'step-settings', 'step-run']) $(id).hidden = true;
    $('file-info').textContent = '';
    $('preview-box').hidden = true;
    setStage('', 0, false);
    showError(error);
  }
}

// ---------------------------------------------------------------- running

function setStage(stage, fraction, busy = true) {
  $('progress').value = fraction;
  $('progress-stage').textContent = stage ? t(`stage_${stage}`) : '';
  $('progress').dataset.stage = stage;
  $('progress').setAttribute('aria-busy', String(busy));
}

function currentRecipe() {
  const seed = $('seed-input').value.trim();
  const drop = [...document.querySelectorAll('#columns input[type=checkbox]')]
    .filter((box) => box.checked && !box.disabled)
    .map((box) => box.dataset.column);
  return {
    version: 1,
    inputEncoding: state.info.encoding,
    cluster: [$('cluster-select').value],
    drop,
    seed: /^\d{1,16}$/.test(seed) ? Number(seed) : -1,
    outputEncoding: $('output-encoding').value,
  };
}

function setRunning(running) {
  state.running = running;
  $('cancel-button').disabled = !running;
  for (const id of ['file-input', 'sample-button', 'cluster-select', 'seed-input', 'output-encoding']) {
    $(id).disabled = running;
  }
  refreshRoles();
}

async function run() {
  showError(null);
  $('report').hidden = true;
  const recipe = currentRecipe();
  if (!Number.isSafeInteger(recipe.seed) || recipe.seed < 0) {
    showError({
      ja: '乱数の種は 0 から 9007199254740991 までの整数で入力してください。',
      en: 'Enter the seed as an integer from 0 to 9007199254740991.',
    });
    return;
  }
  setRunning(true);
  setStage('reading', 0);
  try {
    // After a cancel the worker is new and has no file: load it again first.
    if (state.loadedIn !== engine.generation) await sendSource(state.source);
    const reply = await engine.request({ type: 'run', recipe }, [], (stage, fraction) =>
      setStage(stage, fraction),
    );
    state.result = { bytes: reply.bytes, summary: reply.summary };
    state.recipe = recipe;
    showReport(reply.summary);
    setStage('done', 1, false);
  } catch (error) {
    if (error.code === 'cancelled') setStage('cancelled', 0, false);
    else {
      setStage('', 0, false);
      showError(error);
    }
  } finally {
    setRunning(false);
  }
}

function cancel() {
  engine.cancel();
}

// ---------------------------------------------------------------- report and downloads

function showReport(summary) {
  $('summary').textContent = t('summary', {
    rowsIn: summary.rowsIn.toLocaleString(),
    rowsOut: summary.rowsOut.toLocaleString(),
    clusters: summary.clusters.length,
    columns: summary.columnsOut.length,
    dropped: summary.dropped.length,
  });
  const tbody = $('cluster-table').tBodies[0];
  tbody.replaceChildren();
  for (const cluster of summary.clusters) {
    const tr = tbody.insertRow();
    tr.insertCell().textContent = cluster.label;
    const a = tr.insertCell();
    a.textContent = cluster.rowsIn.toLocaleString();
    a.className = 'num';
    const b = tr.insertCell();
    b.textContent = cluster.rowsOut.toLocaleString();
    b.className = 'num';
    const same = tr.insertCell();
    same.textContent = cluster.rowsIn === cluster.rowsOut ? '✓' : '✗';
    same.className = cluster.rowsIn === cluster.rowsOut ? 'ok' : 'bad';
  }
  $('report').hidden = false;
}

function baseName() {
  const name = state.info?.name ?? 'data.csv';
  return name.replace(/\.[^.]*$/, '') || 'data';
}

function download(bytes, filename, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('lang-toggle').addEventListener('click', () => {
    applyLanguage(currentLanguage() === 'ja' ? 'en' : 'ja');
    if (state.info) {
      const keep = { cluster: $('cluster-select').value, seed: $('seed-input').value };
      const dropped = currentRecipe().drop;
      showFile(state.info);
      $('cluster-select').value = keep.cluster;
      $('seed-input').value = keep.seed;
      for (const box of document.querySelectorAll('#columns input[type=checkbox]'))
        box.checked = dropped.includes(box.dataset.column);
      refreshRoles();
    }
    if (state.result) showReport(state.result.summary);
  });
  $('file-input').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (file) open({ kind: 'file', file });
    event.target.value = '';
  });
  $('sample-button').addEventListener('click', () => open({ kind: 'sample' }));
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer.files[0];
    if (file && !state.running) open({ kind: 'file', file });
  });
  $('cluster-select').addEventListener('change', refreshRoles);
  $('run-button').addEventListener('click', run);
  $('cancel-button').addEventListener('click', cancel);
  $('download-csv').addEventListener('click', () => {
    if (state.result) download(state.result.bytes, `${baseName()}-pseudo.csv`, 'text/csv');
  });
  $('download-report').addEventListener('click', () => {
    if (state.result) download(json(state.result.summary), `${baseName()}-summary.json`, 'application/json');
  });
  $('download-recipe').addEventListener('click', () => {
    if (state.info) download(json(state.recipe ?? currentRecipe()), `${baseName()}-recipe.json`, 'application/json');
  });
}

function start() {
  wire();
  applyLanguage('ja');
}

// The single-file build runs this script from <head>, before the body exists.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
