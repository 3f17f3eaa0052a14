/**
 * Provenance in the detector's worker: one call per image (`read`), on the bytes the decoder gets. A file
 * without metadata is answered here from the segment walk alone (sniff.ts: microseconds); any other file goes to
 * the provenance worker (provenance.worker.ts), started on first need, which loads the readers. A file the
 * readers do not finish with in time gets a notice, and that worker is terminated and replaced, which stops even a
 * synchronous parse or a WebAssembly call (limits.ts). Two clocks: until the reading starts (the worker's start,
 * the first C2PA file's 9 MB WebAssembly download and compile) at most START_LIMIT_MS; from then on the time limit
 * (5 s) and a second's grace, in which readProvenance's own soft limit answers wherever the work yields. So a
 * hostile file holds its batch for at most about 6 s.
 */
import type { WorkerImageInput } from '../protocol';
import type { Pending, ProvenanceAnswer, ProvenanceRequest } from './messages';
// Not from read.ts: that would bundle the readers (ExifReader, xmldom) into the detector's worker.
import { METADATA_TIME_LIMIT_MS, timeLimitNotice } from './limits';
import { noProvenance, unreadProvenance } from './summary';
import { sniffMetadata } from './sniff';
import { spawnProvenanceWorker } from './spawn-worker';
import type { Provenance } from './types';

/** Until the reading starts: the worker's start and, for the first C2PA file, the 9 MB WebAssembly's. */
export const START_LIMIT_MS = 20_000;
/** How long past the time limit the worker is terminated (readProvenance's soft limit answers first if it can). */
export const HARD_LIMIT_GRACE_MS = 1000;

export class ProvenanceReader {
  readonly #startLimitMs: number;
  readonly #timeLimitMs: number;
  readonly #graceMs: number;
  #worker: Worker | null = null;
  #next = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(options: { startLimitMs?: number; timeLimitMs?: number; graceMs?: number } = {}) {
    this.#startLimitMs = options.startLimitMs ?? START_LIMIT_MS;
    this.#timeLimitMs = options.timeLimitMs ?? METADATA_TIME_LIMIT_MS;
    this.#graceMs = options.graceMs ?? Math.min(HARD_LIMIT_GRACE_MS, this.#timeLimitMs);
  }

  /** Never throws: what cannot be read becomes a notice. */
  async read(input: WorkerImageInput): Promise<Provenance> {
    const started = performance.now();
    let bytes: Uint8Array;
    try {
      if (input.kind === 'blob') bytes = new Uint8Array(await input.blob.arrayBuffer());
      else if (input.kind === 'url') bytes = new Uint8Array(await (await fetch(input.url)).arrayBuffer());
      else return { summary: 'No file, only pixels, was given: no metadata to read', details: [], ms: 0 };
    } catch (error) {
      return unreadProvenance(`the file could not be read (${String(error)})`, performance.now() - started);
    }
    const sniff = sniffMetadata(bytes);
    if (!sniff.metadata && !sniff.c2pa) return noProvenance(performance.now() - started);
    const answer = await this.#inWorker(bytes);
    const ms = performance.now() - started;
    return typeof answer === 'string' ? unreadProvenance(answer, ms) : { ...answer, ms };
  }

  #spawn(): Worker {
    const worker = spawnProvenanceWorker();
    worker.addEventListener('message', (event: MessageEvent<ProvenanceAnswer>) => {
      const pending = this.#pending.get(event.data.id);
      if (!pending) return;
      clearTimeout(pending.timer);
      if ('started' in event.data) {
        // The timed reading began: the time limit and its grace from now on.
        pending.timer = setTimeout(() => this.#stop(timeLimitNotice(this.#timeLimitMs)), this.#timeLimitMs + this.#graceMs);
        return;
      }
      this.#pending.delete(event.data.id);
      pending.settle(event.data.provenance);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#stop(`the metadata reader stopped (${event.message || 'its script could not be loaded'})`);
    });
    return worker;
  }

  /** Ends the provenance worker and answers everything it had with `reason`. */
  #stop(reason: string): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.settle(reason);
    }
    this.#pending.clear();
  }

  #inWorker(bytes: Uint8Array): Promise<Provenance | string> {
    this.#worker ??= this.#spawn();
    const id = ++this.#next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#stop(timeLimitNotice(this.#startLimitMs)), this.#startLimitMs);
      this.#pending.set(id, { settle: resolve, timer });
      this.#worker!.postMessage({ id, bytes } satisfies ProvenanceRequest, [bytes.buffer]);
    });
  }

  dispose(): void {
    this.#stop('the detector was disposed');
  }
}
