/*
 * What the engine worker tells the page when a call fails by throwing instead of returning
 * {ok: false, error} — the failures the C++ core cannot catch itself:
 *
 *   - memory: the browser refuses more memory to the worker's JavaScript (RangeError "Array
 *     buffer allocation failed", "Invalid typed array length", a Memory that cannot grow…), or
 *     the module aborts for lack of it ("Aborted(OOM)", "Cannot enlarge memory").
 *     The module's own std::bad_alloc comes back as a value with the same code
 *     ('memory.exhausted', web/bindings.cpp) and the same words.
 *   - engine.crashed: any other trap or abort of the WebAssembly module (RuntimeError:
 *     unreachable, memory access out of bounds, Aborted(…)) or error inside the worker.
 *
 * Every such failure is `fatal`: the module's state can no longer be trusted (a trap leaves
 * its stack and heap as they were; a heap grown to its limit never shrinks), so the page
 * discards the worker and the next request starts a fresh one (web/engine.js).
 */

/** The message for a file or run that needs more memory than the browser gives the page. */
export function memoryExhausted() {
  return {
    code: 'memory.exhausted',
    ja:
      'メモリが足りません。このファイルはブラウザーで扱える大きさを超えています。' +
      'ファイルを地区などで分けるか、他のタブやアプリを閉じてから、もう一度読み込んでください' +
      '（コマンドライン版ならより大きなファイルも扱えます）。',
    en:
      'Out of memory: this file is larger than the browser can handle. Split the file ' +
      '(by district, for example) or close other tabs and programs, then load it again ' +
      '(the command-line version handles larger files).',
    line: 0,
    column: 0,
  };
}

const MEMORY_WORDS =
  /allocation failed|out of memory|\bOOM\b|Cannot enlarge memory|Invalid typed array length|Invalid array buffer length|Array buffer allocation|could not allocate|Cannot allocate Wasm memory|Unable to grow|Maximum memory size exceeded/i;

/**
 * Maps anything thrown in the worker (an Error, a WebAssembly.RuntimeError, a message string
 * from an ErrorEvent) to {error: {code, ja, en, line, column}, fatal: true}.
 */
export function describeFailure(thrown) {
  const message = String(thrown && typeof thrown === 'object' && 'message' in thrown ? thrown.message : thrown);
  if (MEMORY_WORDS.test(message)) return { error: memoryExhausted(), fatal: true };
  const detail = message.replace(/\. Build with -s ASSERTIONS=1 for more info\.?$/, '').slice(0, 300);
  return {
    error: {
      code: 'engine.crashed',
      ja:
        `処理エンジンが止まりました（${detail}）。ページはこのまま使えます。もう一度お試しください。` +
        '繰り返す場合はメモリ不足の可能性があるので、ファイルを分けてください。',
      en:
        `The engine stopped (${detail}). The page is still usable: try again. ` +
        'If it happens again, memory may be short: split the file.',
      line: 0,
      column: 0,
    },
    fatal: true,
  };
}
