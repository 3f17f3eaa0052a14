/**
 * The one bridge to the detector worker: Comlink proxy, calls queued one at a time (an ORT session runs one
 * batch at a time), termination on dispose, and recovery from a crashed worker: a new worker is started, brought
 * back to where the old one was (the `restore` call: init, models from the IndexedDB cache when it is on), and
 * the call in flight is tried once more. A batch therefore goes on from the chunk that was running.
 */
import * as Comlink from 'comlink';
import type { DetectorWorkerApi } from './protocol';
import { spawnDetectorWorker } from './spawn-worker';

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

type Api = Comlink.Remote<DetectorWorkerApi>;

export interface WorkerBridgeOptions {
  /** Called after a crashed worker has been replaced and restored, with what happened. */
  onRestart?: (reason: string) => void;
}

export class WorkerBridge {
  #worker!: Worker;
  #api!: Api;
  /** Rejects if the worker script cannot load or throws outside a call: Comlink alone would wait forever. */
  #crashed!: Promise<never>;
  #queue: Promise<unknown> = Promise.resolve();
  #terminated = false;
  #restore: ((api: Api) => Promise<unknown>) | null = null;
  readonly #onRestart: ((reason: string) => void) | undefined;
  /** How many times a crashed worker was replaced. */
  restarts = 0;

  constructor(options: WorkerBridgeOptions = {}) {
    this.#onRestart = options.onRestart;
    this.#spawn();
  }

  #spawn(): void {
    const worker = spawnDetectorWorker();
    this.#worker = worker;
    this.#api = Comlink.wrap<DetectorWorkerApi>(worker);
    this.#crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new WorkerCrashedError(`the detector worker failed: ${event.message || 'its script could not be loaded'}`));
      });
    });
    this.#crashed.catch(() => undefined);
  }

  #kill(): void {
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }

  /**
   * Sets the call that brings a fresh worker to the state of a crashed one (the detector's init). Without it,
   * a crash rejects the call in flight and every later one.
   */
  setRestore(restore: (api: Api) => Promise<unknown>): void {
    this.#restore = restore;
  }

  /** Runs `call` after every earlier call has settled; after a worker crash, once more on a new worker. */
  call<T>(call: (api: Api) => Promise<T>): Promise<T> {
    if (this.#terminated) return Promise.reject(new Error('the detector has been disposed'));
    const attempt = () => Promise.race([call(this.#api), this.#crashed]);
    const result = this.#queue.then(async () => {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof WorkerCrashedError) || !this.#restore || this.#terminated) throw error;
        await this.#restart(error);
        return attempt();
      }
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #restart(cause: Error): Promise<void> {
    this.#kill();
    this.#spawn();
    this.restarts++;
    try {
      await Promise.race([this.#restore!(this.#api), this.#crashed]);
    } catch (error) {
      throw new Error(`${cause.message}; starting a new worker failed too: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#onRestart?.(cause.message);
  }

  async terminate(): Promise<void> {
    if (this.#terminated) return;
    // A worker that crashed now is not worth a restart.
    this.#restore = null;
    await this.call((api) => api.dispose()).catch(() => undefined);
    this.#terminated = true;
    this.#kill();
  }
}
