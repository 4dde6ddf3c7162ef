/*
 * The page's side of the engine worker (protocol: see web/worker.js).
 *
 * EngineClient turns the message protocol into promises. It creates the worker lazily
 * from a Blob URL holding the worker's source text, and `cancel()` terminates it at
 * once: every pending request rejects with {code: 'cancelled'}, and the next request
 * starts a fresh worker. A fatal error from the worker (out of memory, a trap: see
 * web/failure.js) or an uncaught error in it discards the worker the same way.
 */
import { describeFailure } from './failure.js';

export class EngineClient {
  /** @param {() => Promise<string>} workerSource resolves to the worker's JS text */
  constructor(workerSource) {
    this.workerSource = workerSource;
    this.worker = null;
    this.workerUrl = null;
    this.pending = new Map(); // id -> {resolve, reject, onProgress}
    this.nextId = 1;
    /** Increases whenever the worker is replaced, i.e. whatever it held is gone. */
    this.generation = 0;
  }

  async #ensureWorker() {
    if (this.worker) return this.worker;
    const text = await this.workerSource();
    if (this.worker) return this.worker; // another call got there first
    this.workerUrl = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
    const worker = new Worker(this.workerUrl);
    worker.onmessage = (event) => this.#dispatch(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#discardWorker();
      this.#failAll(describeFailure(event.message || 'worker error').error);
    };
    this.worker = worker;
    return worker;
  }

  #dispatch(msg) {
    if (msg.type === 'ready') return;
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    if (msg.type === 'progress') {
      entry.onProgress?.(msg.stage, msg.fraction);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      entry.reject(msg.error);
      if (msg.fatal) {
        this.#discardWorker();
        this.#failAll(msg.error);
      }
    } else entry.resolve(msg);
  }

  #failAll(error) {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }

  /** Sends a request; resolves with the final reply ({type: 'loaded'|'done', …}). */
  async request(message, transfer = [], onProgress = null) {
    const worker = await this.#ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  #discardWorker() {
    if (this.worker) {
      this.worker.terminate();
      URL.revokeObjectURL(this.workerUrl);
      this.worker = null;
      this.workerUrl = null;
    }
    this.generation += 1;
  }

  /** Stops the current work at once; the next request starts a fresh worker. */
  cancel() {
    this.#discardWorker();
    this.#failAll({ code: 'cancelled', ja: '中止しました。', en: 'Cancelled.' });
  }
}
