/*
 * The page: load a file (or the sample) → check each column's role and the district column →
 * choose the strength → run in the worker → check the report → download. All heavy work
 * happens in the engine worker (web/worker.js); this file only reads controls and draws.
 *
 * Nothing about the data is stored by the browser or sent anywhere: the file's bytes
 * go to the worker, the results come back as bytes and leave only as downloads.
 */
import { EngineClient } from './engine.js';
import { applyLanguage, currentLanguage, t } from './i18n.js';
import { reportHtml } from './report-html.js';
import { renderReport } from './report-view.js';

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
  source: null, // {kind: 'file', file, encoding?, delimiter?} | {kind: 'sample'}
  lastFile: null, // the last file source, kept so it can be read again with another encoding
  // or delimiter
  info: null, // the worker's inspect result
  running: false,
  result: null, // {bytes: ArrayBuffer, summary (the report), recipe (resolved, with the seed)}
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
  box.dataset.code = error.code ?? '';
  box.hidden = false;
  box.focus(); // keyboard users continue from the message (tabindex=-1)
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

const ROLES = ['drop', 'cluster', 'category', 'number', 'date-to-age'];
const PRESET_MIN_SIZE = { standard: 10, strong: 20, strongest: 30 };

/** The role chosen for each column (name -> role); starts from the suggestion. */
let roles = new Map();

function roleSelectOf(name) {
  return document.querySelector(`#columns select[data-column="${CSS.escape(name)}"]`);
}

/** Keeps the cluster select and the role selects in agreement, and the run button's state. */
function refreshRoles() {
  const cluster = $('cluster-select').value;
  for (const [name, role] of roles) {
    if (role === 'cluster' && name !== cluster) {
      const suggested = state.info.columns.find((c) => c.name === name).role;
      roles.set(name, suggested === 'cluster' ? 'category' : suggested);
    }
  }
  if (cluster) roles.set(cluster, 'cluster');
  for (const [name, role] of roles) {
    const select = roleSelectOf(name);
    if (select) select.value = role;
  }
  refreshPyramidOption();
  $('run-button').disabled = state.running || !cluster;
}

function onRoleChange(event) {
  const select = event.target;
  const name = select.dataset.column;
  const before = roles.get(name);
  const suggested = state.info.columns.find((c) => c.name === name).role;
  // Keeping a detected identifier needs an explicit confirmation.
  if (suggested === 'drop' && select.value !== 'drop' && before === 'drop' && !window.confirm(t('confirmKeep', { name }))) {
    select.value = 'drop';
    return;
  }
  roles.set(name, select.value);
  if (select.value === 'cluster') $('cluster-select').value = name;
  else if ($('cluster-select').value === name) $('cluster-select').value = '';
  refreshRoles();
}

/** Sex and age columns, when both exist: offered as a block so population pyramids stay exact. */
function pyramidColumns() {
  if (!state.info) return null;
  const sex = state.info.columns.find((c) => /性別|^sex$|gender/i.test(c.name) && roles.get(c.name) === 'category');
  const age = state.info.columns.find((c) => roles.get(c.name) === 'date-to-age' || (/年齢|^age$/i.test(c.name) && roles.get(c.name) === 'number'));
  return sex && age ? [sex.name, age.name] : null;
}

function refreshPyramidOption() {
  $('pyramid-field').hidden = !pyramidColumns();
}

function showPresetHelp() {
  $('preset-help').textContent = t(`presetHelp_${$('preset-select').value}`);
}

/** The delimiter names the engine reports (",", "tab", ";") as words. */
const DELIMITER_WORDS = { ',': 'delim_comma', tab: 'delim_tab', ';': 'delim_semicolon' };

/** Shows the encoding and delimiter overrides for a file (not for the sample), set to `source`'s. */
function showReadOptions(source) {
  const isFile = source?.kind === 'file';
  $('encoding-field').hidden = !isFile;
  $('delimiter-field').hidden = !isFile;
  if (isFile) {
    $('input-encoding').value = source.encoding ?? 'auto';
    $('input-delimiter').value = source.delimiter ?? 'auto';
  }
}

function showFile(info) {
  $('file-info').textContent = t('fileInfo', {
    name: info.name,
    rows: info.rows.toLocaleString(),
    columns: info.columns.length,
    encoding: info.encoding,
    delimiter: DELIMITER_WORDS[info.delimiter] ? t(DELIMITER_WORDS[info.delimiter]) : info.delimiter,
  });
  fillTable($('preview'), info.columns.map((c) => c.name), info.preview.slice(0, 5));
  $('preview-box').hidden = false;
  showReadOptions(state.source);

  roles = new Map(info.columns.map((c) => [c.name, c.role]));
  const select = $('cluster-select');
  select.replaceChildren(new Option(t('chooseCluster'), ''));
  for (const column of info.columns) select.add(new Option(column.name, column.name));
  select.value = info.recipe.cluster?.[0] ?? '';

  const lang = currentLanguage();
  const tbody = $('columns').tBodies[0];
  tbody.replaceChildren();
  for (const column of info.columns) {
    const tr = tbody.insertRow();
    tr.dataset.column = column.name;
    tr.insertCell().textContent = column.name;
    tr.insertCell().textContent = t(`type_${column.type}`);
    const distinct = tr.insertCell();
    distinct.textContent = column.distinct.toLocaleString();
    distinct.className = 'num';
    const missing = tr.insertCell();
    missing.textContent = column.missing.toLocaleString();
    missing.className = 'num';
    const role = document.createElement('select');
    role.dataset.column = column.name;
    role.setAttribute('aria-label', `${t('colRole')}: ${column.name}`);
    for (const value of ROLES) role.add(new Option(t(`role_${value}`), value));
    role.value = column.role;
    role.addEventListener('change', onRoleChange);
    tr.insertCell().append(role);
    const reason = tr.insertCell();
    reason.className = 'reason';
    reason.textContent = lang === 'en' ? column.reason.en : column.reason.ja;
  }
  $('seed-input').value = randomSeed();
  $('reference-date').value = info.recipe.referenceDate ?? '';
  for (const id of ['step-roles', 'step-settings', 'step-run']) $(id).hidden = false;
  showPresetHelp();
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
    // The file stays on disk (a File is a handle): the worker reads it into the engine's memory
    // piece by piece, so its bytes are never held whole in JavaScript.
    const encoding = source.encoding ?? 'auto';
    const delimiter = source.delimiter ?? 'auto';
    reply = await engine.request({ type: 'load', file: source.file, encoding, delimiter });
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
  if (source.kind === 'file') state.lastFile = source;
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
    // A file read with the wrong encoding or delimiter can be read again with another one.
    showReadOptions(source);
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
  const columns = {};
  for (const [name, role] of roles) columns[name] = { role };
  const strength = $('noise-strength').value.trim();
  if (strength !== '') {
    for (const [name, role] of roles) if (role === 'number') columns[name].strength = Number(strength);
  }
  const recipe = {
    version: 2,
    preset: $('preset-select').value,
    inputEncoding: state.info.encoding,
    inputDelimiter: state.info.delimiter,
    outputEncoding: $('output-encoding').value,
    seed: /^\d{1,16}$/.test(seed) ? Number(seed) : -1,
    cluster: $('cluster-select').value ? [$('cluster-select').value] : [],
    minClusterSize: Number($('min-cluster-size').value),
    smallClusters: $('small-clusters').value,
    columns,
  };
  if ($('reference-date').value) recipe.referenceDate = $('reference-date').value;
  const pyramid = pyramidColumns();
  if (pyramid && $('pyramid-block').checked) recipe.blocks = [pyramid];
  const k = Number($('subcluster-k').value);
  if (k >= 3) {
    const similar = [...roles].filter(([, role]) => role === 'date-to-age' || role === 'category').map(([name]) => name);
    const inBlock = new Set(recipe.blocks?.flat() ?? []);
    const chosen = similar.filter((name) => !inBlock.has(name) || roles.get(name) === 'date-to-age');
    if (chosen.length) recipe.subclusters = { method: 'mdav', k, columns: chosen };
  }
  return recipe;
}

/** Applies a recipe file to the controls (roles, strength, settings). */
function applyRecipe(recipe) {
  if (recipe.preset) $('preset-select').value = recipe.preset;
  if (recipe.outputEncoding) $('output-encoding').value = recipe.outputEncoding;
  if (Number.isSafeInteger(recipe.seed)) $('seed-input').value = String(recipe.seed);
  if (recipe.referenceDate) $('reference-date').value = recipe.referenceDate;
  if (recipe.minClusterSize) $('min-cluster-size').value = String(recipe.minClusterSize);
  if (recipe.smallClusters) $('small-clusters').value = recipe.smallClusters;
  $('subcluster-k').value = String(recipe.subclusters?.k ?? 0);
  for (const name of recipe.drop ?? []) if (roles.has(name)) roles.set(name, 'drop');
  for (const [name, rule] of Object.entries(recipe.columns ?? {})) {
    if (roles.has(name) && rule.role) roles.set(name, rule.role);
  }
  $('cluster-select').value = recipe.cluster?.[0] ?? $('cluster-select').value;
  $('pyramid-block').checked = (recipe.blocks ?? []).length > 0;
  showPresetHelp();
  refreshRoles();
}

function setRunning(running) {
  state.running = running;
  $('cancel-button').disabled = !running;
  for (const id of ['file-input', 'sample-button', 'cluster-select', 'seed-input', 'output-encoding', 'preset-select', 'input-encoding', 'input-delimiter']) {
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
    const runOnce = () =>
      engine.request({ type: 'run', recipe }, [], (stage, fraction) => setStage(stage, fraction));
    let reply;
    try {
      reply = await runOnce();
    } catch (error) {
      // The engine let go of the columns an earlier run dropped; this run keeps one of them.
      if (error.code !== 'state.reload') throw error;
      await sendSource(state.source);
      reply = await runOnce();
    }
    state.result = { bytes: reply.bytes, summary: reply.summary, recipe: reply.recipe };
    showReport(reply.summary);
    setStage('done', 1, false);
    // Keyboard and screen-reader users continue from the report (tabindex=-1).
    $('report').focus();
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

/** When each summary was first shown (the run's time, for the printable report). */
const reportTimes = new WeakMap();

function showReport(summary) {
  if (!reportTimes.has(summary)) reportTimes.set(summary, new Date());
  renderReport($('report'), summary, t, currentLanguage());
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
      const keep = { roles: new Map(roles), cluster: $('cluster-select').value, seed: $('seed-input').value, date: $('reference-date').value };
      showFile(state.info);
      roles = keep.roles;
      $('cluster-select').value = keep.cluster;
      $('seed-input').value = keep.seed;
      $('reference-date').value = keep.date;
      refreshRoles();
    }
    showPresetHelp();
    if (state.result) showReport(state.result.summary);
  });
  $('file-input').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (file) open({ kind: 'file', file });
    event.target.value = '';
  });
  $('sample-button').addEventListener('click', () => {
    state.lastFile = null;
    showReadOptions(null);
    open({ kind: 'sample' });
  });
  // Reading the same file again with another encoding or delimiter (the detection can be
  // overridden); the other choice is kept.
  $('input-encoding').addEventListener('change', (event) => {
    if (!state.lastFile || state.running) return;
    const encoding = event.target.value === 'auto' ? undefined : event.target.value;
    open({ ...state.lastFile, encoding });
  });
  $('input-delimiter').addEventListener('change', (event) => {
    if (!state.lastFile || state.running) return;
    const delimiter = event.target.value === 'auto' ? undefined : event.target.value;
    open({ ...state.lastFile, delimiter });
  });
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
  $('preset-select').addEventListener('change', () => {
    $('min-cluster-size').value = String(PRESET_MIN_SIZE[$('preset-select').value]);
    showPresetHelp();
  });
  $('recipe-input').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file || !state.info) return;
    try {
      applyRecipe(JSON.parse(await file.text()));
      $('file-info').dataset.recipe = file.name;
    } catch (error) {
      showError({ ja: `設定ファイルを読めません: ${error.message}`, en: `Cannot read the settings file: ${error.message}` });
    }
  });
  $('run-button').addEventListener('click', run);
  $('cancel-button').addEventListener('click', cancel);
  $('download-csv').addEventListener('click', () => {
    if (state.result) download(state.result.bytes, `${baseName()}-pseudo.csv`, 'text/csv');
  });
  $('download-report').addEventListener('click', () => {
    if (state.result) download(json(state.result.summary), `${baseName()}-report.json`, 'application/json');
  });
  $('download-report-html').addEventListener('click', () => {
    if (!state.result) return;
    const meta = { createdAt: reportTimes.get(state.result.summary) ?? new Date(), fileName: state.info?.name ?? '' };
    const html = reportHtml(state.result.summary, currentLanguage(), meta);
    download(new TextEncoder().encode(html), `${baseName()}-report.html`, 'text/html;charset=utf-8');
  });
  $('download-recipe').addEventListener('click', () => {
    // After a run: the recipe as the engine resolved it (every column explicit); before: the form.
    const recipe = state.result?.recipe ?? (state.info && currentRecipe());
    if (recipe) download(json(recipe), `${baseName()}-recipe.json`, 'application/json');
  });
}

function start() {
  wire();
  applyLanguage('ja');
}

// The single-file build runs this script from <head>, before the body exists.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
