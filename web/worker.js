/*
 * The engine worker: owns the Pseudocitizen wasm module and runs every heavy step off the page.
 *
 * The page creates it from a Blob URL whose text is the Emscripten glue
 * (build/wasm/pseudocitizen_wasm.js, which defines createPseudocitizen) followed by
 * this file bundled (tools/build.mjs). Chrome refuses workers from file:// URLs; a Blob works.
 *
 * Message protocol (every request carries an `id` that its replies repeat):
 *
 *   worker → page  {type: 'ready', version}                  once the module is instantiated
 *   page → worker  {type: 'load', id, file: File, encoding: 'auto'|name,
 *                   delimiter: 'auto'|','|'tab'|';'}        read here in 16 MiB pieces straight
 *                                                           into the module's heap
 *            or    {type: 'load', id, bytes: ArrayBuffer, name, encoding, delimiter}
 *                                                           bytes are transferred, not copied
 *   page → worker  {type: 'load-sample', id, rows, seed}    generate the built-in sample city
 *   worker → page  {type: 'loaded', id, info}               info = inspect JSON (src/pipeline.h)
 *                                                           plus {name, bytes} of the file
 *   page → worker  {type: 'run', id, recipe}                recipe = object (src/recipe.h)
 *   worker → page  {type: 'progress', id, stage, fraction}  stage: reading | clustering |
 *                                                           synthesising | checking | writing
 *   worker → page  {type: 'done', id, bytes: ArrayBuffer, summary, recipe}
 *                                                           output file (transferred), the report
 *                                                           (no seed) and the resolved recipe
 *   worker → page  {type: 'error', id, error: {code, ja, en, line, column}, fatal?: true}
 *                                                           fatal: the module ran out of memory
 *                                                           or trapped (web/failure.js); the page
 *                                                           must discard this worker
 *
 * The module keeps the last loaded file parsed (load/synthesizeLoaded), so several runs need
 * one read of the file, and the heap's copy of its bytes goes once they are parsed.
 * Cancel = the page terminates this worker and starts a fresh one (the wasm call
 * cannot be interrupted); the page then loads the file again.
 *
 * The worker has no use for the network: `fetch` is removed before the module starts,
 * which also makes the glue decode its embedded wasm directly rather than fetch a data: URL.
 */
import { describeFailure } from './failure.js';
import { generateCity, cityToCsv } from './sample-city.js';

/* global createPseudocitizen */
self.fetch = undefined;

let modulePromise = null;
let current = null; // {name} of the file the module holds

function engine() {
  if (!modulePromise) modulePromise = createPseudocitizen();
  return modulePromise;
}

function fail(id, error) {
  // A heap grown to its limit never shrinks: after running out of memory, a fresh worker.
  if (error.code === 'memory.exhausted') failFatally(id, error);
  else self.postMessage({ type: 'error', id, error });
}

/** Something was thrown (a trap, an abort, a failed allocation): this worker is done. */
function failFatally(id, error) {
  current = null;
  self.postMessage({ type: 'error', id, error, fatal: true });
}

/** Today's local date, YYYY-MM-DD: the suggested reference date for ages. */
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Replies to a load with the file's description, or its error. */
function loaded(id, name, size, result) {
  if (!result.ok) {
    current = null;
    fail(id, result.error);
    return;
  }
  current = { name };
  const info = JSON.parse(result.json);
  info.name = name;
  info.bytes = size;
  self.postMessage({ type: 'loaded', id, info });
}

async function load(id, name, bytes, encoding, delimiter) {
  const m = await engine();
  current = null;
  loaded(id, name, bytes.byteLength, m.load(bytes, encoding || 'auto', localToday(), delimiter || 'auto'));
}

/** Pieces a File is read in: the whole file is never held in JavaScript, only in the heap. */
const PIECE = 16 * 1024 * 1024;

async function loadFile(id, file, encoding, delimiter) {
  const m = await engine();
  current = null;
  const room = m.loadBuffer(file.size);
  if (!room.ok) {
    fail(id, room.error);
    return;
  }
  for (let at = 0; at < file.size; at += PIECE) {
    let piece;
    try {
      piece = new Uint8Array(await file.slice(at, at + PIECE).arrayBuffer());
    } catch (err) {
      m.loadBuffer(0); // let the room go
      fail(id, {
        code: 'file.unreadable',
        ja: `ファイル「${file.name}」を読めませんでした（${err.message}）。ファイルが移動・変更されていないか確かめて、もう一度選んでください。`,
        en: `Could not read the file "${file.name}" (${err.message}). Check that it has not been moved or changed, and choose it again.`,
        line: 0,
        column: 0,
      });
      return;
    }
    room.view.set(piece, at); // no call into the module meanwhile: the view is still the heap's
  }
  loaded(id, file.name, file.size, m.loadFilled(encoding || 'auto', localToday(), delimiter || 'auto'));
}

async function run(id, recipe) {
  if (!current) {
    fail(id, {
      code: 'state.no-file',
      ja: '先にファイルを読み込んでください。',
      en: 'Load a file first.',
      line: 0,
      column: 0,
    });
    return;
  }
  const m = await engine();
  let lastStage = '';
  let lastFraction = -1;
  const onProgress = (stage, fraction) => {
    if (stage === lastStage && fraction - lastFraction < 0.01 && fraction < 1) return;
    lastStage = stage;
    lastFraction = fraction;
    self.postMessage({ type: 'progress', id, stage, fraction });
  };
  const result = m.synthesizeLoaded(JSON.stringify(recipe), onProgress);
  if (!result.ok) {
    fail(id, result.error);
    return;
  }
  const out = result.bytes.buffer;
  self.postMessage(
    { type: 'done', id, bytes: out, summary: JSON.parse(result.summary), recipe: JSON.parse(result.recipe) },
    [out],
  );
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    switch (msg.type) {
      case 'load':
        if (msg.file) await loadFile(msg.id, msg.file, msg.encoding, msg.delimiter);
        else await load(msg.id, msg.name, new Uint8Array(msg.bytes), msg.encoding, msg.delimiter);
        break;
      case 'load-sample': {
        const csv = cityToCsv(generateCity({ rows: msg.rows, seed: msg.seed }));
        await load(msg.id, 'sample-city.csv', new TextEncoder().encode(csv), 'utf-8', ',');
        break;
      }
      case 'run':
        await run(msg.id, msg.recipe);
        break;
      default:
        fail(msg.id, {
          code: 'protocol',
          ja: `不明なメッセージ: ${msg.type}`,
          en: `Unknown message: ${msg.type}`,
          line: 0,
          column: 0,
        });
    }
  } catch (err) {
    failFatally(msg.id, describeFailure(err).error);
  }
};

// A module that fails to start fails every request too (each with its id), fatally.
engine().then(
  (m) => self.postMessage({ type: 'ready', version: m.version() }),
  () => {},
);
