/**
 * Provenance in the detector's worker: one call per image (`read`), on the bytes the decoder gets. A file
 * without metadata is answered here from the segment walk alone (sniff.ts: microseconds); any other file goes to
 * the provenance worker (provenance.worker.ts), started on first need, which loads the readers. A file the
 * readers do not finish with in HARD_LIMIT_MS gets a notice, and that worker is terminated and replaced.
 */
import type { WorkerImageInput } from '../protocol';
import type { ProvenanceRequest } from './provenance.worker';
// Not from read.ts: that would bundle the readers (ExifReader, xmldom) into the detector's worker.
import { noProvenance } from './summary';
import { sniffMetadata } from './sniff';
import type { Provenance } from './types';

/** Beyond readProvenance's own 5 s: the first C2PA file also downloads and compiles the 9 MB WebAssembly. */
export const HARD_LIMIT_MS = 20_000;

function withNotice(notice: string, ms: number): Provenance {
  return { summary: `Metadata could not be read: ${notice}`, details: [`Notice: ${notice}`], notices: [notice], ms };
}

export class ProvenanceReader {
  readonly #hardLimitMs: number;
  #worker: Worker | null = null;
  #next = 0;
  readonly #pending = new Map<number, (provenance: Provenance | string) => void>();

  constructor(options: { hardLimitMs?: number } = {}) {
    this.#hardLimitMs = options.hardLimitMs ?? HARD_LIMIT_MS;
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
      return withNotice(`the file could not be read (${String(error)})`, performance.now() - started);
    }
    const sniff = sniffMetadata(bytes);
    if (!sniff.metadata && !sniff.c2pa) return noProvenance(performance.now() - started);
    const answer = await this.#inWorker(bytes);
    const ms = performance.now() - started;
    return typeof answer === 'string' ? withNotice(answer, ms) : { ...answer, ms };
  }

  #spawn(): Worker {
    const worker = new Worker(new URL('./provenance.worker.ts', import.meta.url), { type: 'module', name: 'provenance' });
    worker.addEventListener('message', (event: MessageEvent<{ id: number; provenance: Provenance }>) => {
      const settle = this.#pending.get(event.data.id);
      this.#pending.delete(event.data.id);
      settle?.(event.data.provenance);
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
    for (const settle of this.#pending.values()) settle(reason);
    this.#pending.clear();
  }

  #inWorker(bytes: Uint8Array): Promise<Provenance | string> {
    this.#worker ??= this.#spawn();
    const id = ++this.#next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#stop(`reading the metadata took longer than ${this.#hardLimitMs / 1000} s and was stopped`), this.#hardLimitMs);
      this.#pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.#worker!.postMessage({ id, bytes } satisfies ProvenanceRequest, [bytes.buffer]);
    });
  }

  dispose(): void {
    this.#stop('the detector was disposed');
  }
}
