// Running out of memory and engine crashes: what the module returns and what the worker says.
//
// Nothing here is simulated by the product: the errors are genuine ones — a real RangeError
// from V8 refusing an allocation, a real trap of a WebAssembly function and of the
// Pseudocitizen module, and a real std::bad_alloc in it when the heap may not grow further
// (the test stands in for a browser that grants no more memory, by refusing Memory.grow,
// which is how the browser answers when it cannot give more).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { root } from '../support/engine.mjs';
import { describeFailure, memoryExhausted } from '../../web/failure.js';
import { cityToCsv, generateCity } from '../../web/sample-city.js';

/** A fresh instance of the module (the worker's build), separate from other tests' one. */
function freshEngine() {
  const require = createRequire(import.meta.url);
  return require(join(root, 'build/wasm/pseudocitizen_wasm.js'))();
}

/** (module (func (export "trap") unreachable)) */
const TRAP_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02,
  0x01, 0x00, 0x07, 0x08, 0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03,
  0x00, 0x00, 0x0b,
]);

function thrownBy(body) {
  try {
    body();
  } catch (error) {
    return error;
  }
  assert.fail('expected a throw');
}

test('a JavaScript allocation the engine refuses is "memory.exhausted", in both languages', () => {
  const refused = thrownBy(() => new ArrayBuffer(2 ** 52));
  assert.ok(refused instanceof RangeError, String(refused));
  const { error, fatal } = describeFailure(refused);
  assert.equal(fatal, true);
  assert.equal(error.code, 'memory.exhausted');
  assert.match(error.ja, /メモリが足りません/);
  assert.match(error.en, /Out of memory/);
  // A Memory that may not grow beyond its maximum: V8's own words.
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  assert.equal(describeFailure(thrownBy(() => memory.grow(1))).error.code, 'memory.exhausted');
  // Emscripten's abort when the heap cannot grow (builds without ALLOW_MEMORY_GROWTH).
  assert.equal(describeFailure('Aborted(OOM)').error.code, 'memory.exhausted');
  // An ErrorEvent's message (the worker failed to start its module).
  assert.equal(
    describeFailure('Uncaught RangeError: WebAssembly.instantiate(): Out of memory: Cannot allocate Wasm memory for new instance').error.code,
    'memory.exhausted',
  );
});

test('a trap is "engine.crashed" with the trap in the message; any thrown failure is fatal', () => {
  const trap = new WebAssembly.Instance(new WebAssembly.Module(TRAP_WASM)).exports.trap;
  const error = thrownBy(() => trap());
  assert.ok(error instanceof WebAssembly.RuntimeError);
  const described = describeFailure(error);
  assert.equal(described.fatal, true);
  assert.equal(described.error.code, 'engine.crashed');
  assert.match(described.error.en, /unreachable/);
  assert.match(described.error.ja, /処理エンジンが止まりました/);
  // A stack overflow is not a memory shortage.
  const deep = (n) => deep(n + 1) + 1;
  assert.equal(describeFailure(thrownBy(() => deep(0))).error.code, 'engine.crashed');
});

test('the module trapping (a pointer outside its memory) is "engine.crashed"', async () => {
  const m = await freshEngine();
  // free() of a pointer beyond the heap: reading its chunk header traps the module.
  const trapped = thrownBy(() => m._free(0xfffffff0));
  assert.ok(trapped instanceof WebAssembly.RuntimeError, String(trapped));
  assert.match(trapped.message, /memory access out of bounds/);
  const { error, fatal } = describeFailure(trapped);
  assert.equal(error.code, 'engine.crashed');
  assert.equal(fatal, true);
  assert.match(error.en, /memory access out of bounds/);
  // Emscripten's abort() says "Aborted(…)" with a hint for developers that staff do not need.
  const aborted = describeFailure(new WebAssembly.RuntimeError('Aborted(native code called abort()). Build with -s ASSERTIONS=1 for more info.'));
  assert.equal(aborted.error.code, 'engine.crashed');
  assert.doesNotMatch(aborted.error.en, /ASSERTIONS/);
});

test('std::bad_alloc in the module comes back as {ok: false, code: "memory.exhausted"}, and the module recovers', async () => {
  const m = await freshEngine();
  const grow = WebAssembly.Memory.prototype.grow;
  const csv = new TextEncoder().encode(cityToCsv(generateCity({ rows: 100000, seed: 2 })));
  const limit = m.HEAPU8.length; // the browser grants nothing beyond what the module has now
  WebAssembly.Memory.prototype.grow = function refuseBeyondLimit(pages) {
    if (this.buffer.byteLength + pages * 65536 > limit) {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    }
    return grow.call(this, pages);
  };
  let refused;
  try {
    // 100,000 rows need more than the module's first heap: each load must fail cleanly.
    refused = m.load(csv, 'auto', '2026-04-01');
    const inspected = m.inspect(csv, 'auto', '2026-04-01');
    assert.equal(inspected.ok, false);
    assert.equal(inspected.error.code, 'memory.exhausted');
    // Bytes far larger than the heap: the copy into the module fails as a value too.
    const huge = m.load(new Uint8Array(limit), 'auto', '2026-04-01');
    assert.equal(huge.ok, false);
    assert.equal(huge.error.code, 'memory.exhausted');
  } finally {
    WebAssembly.Memory.prototype.grow = grow;
  }
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'memory.exhausted');
  assert.equal(refused.error.ja, memoryExhausted().ja, 'the module and the worker use the same words');
  assert.equal(refused.error.en, memoryExhausted().en);
  // Once memory is granted again, the same module reads the same file.
  const again = m.load(csv, 'auto', '2026-04-01');
  assert.equal(again.ok, true, JSON.stringify(again.error));
  assert.equal(JSON.parse(again.json).rows, 100000);
});
