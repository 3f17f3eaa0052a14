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

  constructor() {
    this.#worker = new Worker(new URL('./worker/detector.worker.ts', import.meta.url), {
      type: 'module',
      name: 'ensemble-deepfake-detector',
    });
    this.#api = Comlink.wrap<DetectorWorkerApi>(this.#worker);
  }

  /** Runs `call` after every earlier call has settled. */
  call<T>(call: (api: Comlink.Remote<DetectorWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#terminated) return Promise.reject(new Error('the detector has been disposed'));
    const result = this.#queue.then(() => call(this.#api));
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
