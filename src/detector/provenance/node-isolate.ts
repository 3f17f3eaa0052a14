/**
 * Provenance in Node with a hard time limit, as the page has one (isolate.ts): the readers run on a worker thread
 * (node:worker_threads) of their own, and a file they have not finished with a moment after the limit gets a
 * notice while that thread is terminated, which stops even a synchronous parse or a WebAssembly call; the next
 * file gets a new thread. readProvenance's own soft limit answers first wherever the work yields.
 *
 * The thread runs this repository's TypeScript (node.ts) through tsx, registered inside it, as the CLI's launcher
 * does (bin/deepfake-detector.mjs). A file without metadata is answered here from the sniff alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { METADATA_TIME_LIMIT_MS, timeLimitNotice } from './limits';
import type { Pending, ProvenanceAnswer } from './messages';
import { sniffMetadata } from './sniff';
import { noProvenance, unreadProvenance } from './summary';
import type { Provenance } from './types';

/** How long past the soft limit the hard one waits (the soft one answers in that time when the work yields). */
export const HARD_LIMIT_GRACE_MS = 1000;
/** Starting the thread and loading the C2PA WebAssembly are not held against a file, but are bounded too. */
export const START_LIMIT_MS = 30_000;

type FromThread = ProvenanceAnswer | { ready: true };

/** The thread's code: tsx registered (in a checkout), then node.ts's reader on every message. */
function threadSource(): string {
  // The npm package's compiled code (scripts/build-package.ts): node.ts is provenance-thread.js beside this bundle.
  if (!import.meta.filename.endsWith('.ts')) return threadCode(null, new URL('./provenance-thread.js', import.meta.url).href);
  // tsx's ESM API entry, as its package.json exports it for `import` (require.resolve would give the CommonJS one).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const exportsMap = (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  const tsx = pathToFileURL(path.join(path.dirname(tsxPackage), exportsMap['./esm/api']!.import.default)).href;
  return threadCode(tsx, new URL('./node.ts', import.meta.url).href);
}

function threadCode(tsx: string | null, reader: string): string {
  return `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  ${tsx ? `const { register } = await import(${JSON.stringify(tsx)});
  register();` : ''}
  const { readProvenanceNode } = await import(${JSON.stringify(reader)});
  parentPort.on('message', async ({ id, bytes }) => {
    const provenance = await readProvenanceNode(bytes, { timeLimitMs: workerData.timeLimitMs, onStart: () => parentPort.postMessage({ id, started: true }) });
    parentPort.postMessage({ id, provenance });
  });
  parentPort.postMessage({ ready: true });
})();
`;
}

export class NodeProvenanceReader {
  readonly #timeLimitMs: number;
  readonly #hardLimitMs: number;
  #thread: Worker | null = null;
  #ready: Promise<void> | null = null;
  #next = 0;
  readonly #pending = new Map<number, Pending>();
  /** The read before this one: files go one at a time, so a stuck one never takes another down with it. */
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * `timeLimitMs`: the per-file limit (default 5 s); the thread is terminated `graceMs` after it (default: 1 s, or
   * the limit itself when that is shorter).
   */
  constructor(options: { timeLimitMs?: number; graceMs?: number } = {}) {
    this.#timeLimitMs = options.timeLimitMs ?? METADATA_TIME_LIMIT_MS;
    this.#hardLimitMs = this.#timeLimitMs + (options.graceMs ?? Math.min(HARD_LIMIT_GRACE_MS, this.#timeLimitMs));
  }

  /** Never throws: what cannot be read becomes a notice. Files are read one at a time, in call order. */
  async read(bytes: Uint8Array): Promise<Provenance> {
    const sniff = sniffMetadata(bytes);
    if (!sniff.metadata && !sniff.c2pa) return noProvenance(0);
    const copy = bytes.slice();
    const turn = this.#queue.then(async () => {
      const started = performance.now();
      const answer = await this.#inThread(copy);
      const ms = performance.now() - started;
      return typeof answer === 'string' ? unreadProvenance(answer, ms) : { ...answer, ms };
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  #spawn(): { thread: Worker; ready: Promise<void> } {
    const thread = new Worker(threadSource(), { eval: true, workerData: { timeLimitMs: this.#timeLimitMs } });
    const ready = new Promise<void>((resolve) => {
      thread.on('message', (message: FromThread) => {
        if ('ready' in message) return resolve();
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        if ('started' in message) {
          // The timed part began: from now on, the hard limit.
          clearTimeout(pending.timer);
          pending.timer = setTimeout(() => this.#stop(timeLimitNotice(this.#timeLimitMs)), this.#hardLimitMs);
          return;
        }
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        pending.settle(message.provenance);
      });
    });
    thread.on('error', (error) => this.#stop(`the metadata reader stopped (${error.message})`));
    thread.on('exit', (code) => {
      if (this.#thread === thread) this.#stop(`the metadata reader stopped (exit code ${code})`);
    });
    return { thread, ready };
  }

  /** Ends the thread and answers every file it had with `reason`. */
  #stop(reason: string): void {
    const thread = this.#thread;
    this.#thread = null;
    this.#ready = null;
    void thread?.terminate();
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.settle(reason);
    }
    this.#pending.clear();
  }

  #inThread(bytes: Uint8Array): Promise<Provenance | string> {
    if (!this.#thread) {
      const { thread, ready } = this.#spawn();
      this.#thread = thread;
      this.#ready = ready;
    }
    const thread = this.#thread;
    const ready = this.#ready!;
    const id = ++this.#next;
    return new Promise((resolve) => {
      // Until the timed part starts: the thread's start and the C2PA WebAssembly's, bounded by START_LIMIT_MS.
      const timer = setTimeout(() => this.#stop(`the metadata reader did not start within ${START_LIMIT_MS / 1000} s`), START_LIMIT_MS);
      this.#pending.set(id, { settle: resolve, timer });
      void ready.then(() => {
        if (this.#thread === thread && this.#pending.has(id)) thread.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer]);
      });
    });
  }

  /** Ends the thread (the process waits for it until then); files still pending get a notice. */
  dispose(): void {
    this.#stop('the reader was disposed');
  }
}
