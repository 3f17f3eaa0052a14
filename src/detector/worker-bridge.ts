/**
 * The one bridge to the detector worker: Comlink proxy, calls queued one at a time (an ORT session runs one
 * batch at a time), and termination on dispose.
 */
import * as Comlink from 'comlink';
import type { DetectorWorkerApi } from './protocol';

export class WorkerBridge {
  readonly #worker: Worker;
  readonly #api: Comlink.Remote<DetectorWorkerApi>;
  #queue: Promise<unknown> = Promise.resolve();
  #terminated = false;
  /** Rejects if the worker script cannot load or throws outside a call: Comlink alone would wait forever. */
  readonly #crashed: Promise<never>;

  constructor() {
    this.#worker = new Worker(new URL('./worker/detector.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ensemble-deepfake-detector',
    });
    this.#api = Comlink.wrap<DetectorWorkerApi>(this.#worker);
    this.#crashed = new Promise<never>((_, reject) => {
      this.#worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new Error(`the detector worker failed: ${event.message || 'its script could not be loaded'}`));
      });
    });
    this.#crashed.catch(() => undefined);
  }

  /** Runs `call` after every earlier call has settled. */
  call<T>(call: (api: Comlink.Remote<DetectorWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#terminated) return Promise.reject(new Error('the detector has been disposed'));
    const result = this.#queue.then(() => Promise.race([call(this.#api), this.#crashed]));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async terminate(): Promise<void> {
    if (this.#terminated) return;
    await this.call((api) => api.dispose()).catch(() => undefined);
    this.#terminated = true;
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }
}
