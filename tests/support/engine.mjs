// The built wasm module and CLI, for the JS tests.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
export const CLI = join(root, 'build/native/pseudocitizen');

let modulePromise;
/** The Embind module exactly as the worker gets it (build/wasm/pseudocitizen_wasm.js). */
export function loadEngine() {
  if (!modulePromise) {
    const require = createRequire(import.meta.url);
    modulePromise = require(join(root, 'build/wasm/pseudocitizen_wasm.js'))();
  }
  return modulePromise;
}

/** Runs the native CLI; returns {status, stdout, stderr} (stdout/stderr as strings). */
export function cli(...args) {
  const result = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
