/**
 * The page's hard time limit on metadata (src/detector/provenance/isolate.ts): a provenance worker that does not
 * answer is terminated at the limit, the file gets a notice, and the next file gets a new worker. Two clocks: until
 * the reading starts (worker start, C2PA WebAssembly) and from then on (the 5 s limit and a grace). Node has no
 * Web Worker, so stand-ins that never answer play the stuck reader; files without metadata never reach it. The
 * same limit in Node, with a real worker thread: tests/unit/provenance-node-isolate.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvenanceReader } from '../../src/detector/provenance/isolate';
import { provenanceDir } from '../fixtures/provenance';

class StuckWorker {
  static started = 0;
  static terminated = 0;
  constructor() {
    StuckWorker.started++;
  }
  addEventListener(): void {}
  postMessage(): void {}
  terminate(): void {
    StuckWorker.terminated++;
  }
}

const original = (globalThis as { Worker?: unknown }).Worker;
afterEach(() => {
  (globalThis as { Worker?: unknown }).Worker = original;
});

describe('provenance hard time limit', () => {
  it('stops a stuck reader with a notice, and starts a new one for the next file', async () => {
    (globalThis as { Worker?: unknown }).Worker = StuckWorker;
    const reader = new ProvenanceReader({ startLimitMs: 200 });
    const camera = new Blob([readFileSync(path.join(provenanceDir(), 'camera__img_1771.jpg'))]);
    const first = await reader.read({ kind: 'blob', blob: camera });
    expect(first.summary).toBe('Metadata could not be read: reading the metadata took longer than 0.2 s and was stopped');
    expect(first.notices).toHaveLength(1);
    expect(StuckWorker.terminated).toBe(1);
    await reader.read({ kind: 'blob', blob: camera });
    expect(StuckWorker.started).toBe(2);
    // A file without metadata is answered without any worker.
    const plain = await reader.read({ kind: 'blob', blob: new Blob([readFileSync(path.resolve(import.meta.dirname, '../fixtures/cifar10_test_0.png'))]) });
    expect(plain.summary).toMatch(/^No provenance metadata/);
    expect(StuckWorker.started).toBe(2);
    reader.dispose();
  });

  it('switches to the time limit (and its grace) once the reading has started, and stops a reader stuck there', async () => {
    /** Says the timed reading started, then never answers (a synchronous parse that never ends). */
    class StartedThenStuck {
      static terminated = 0;
      #listener: ((event: { data: unknown }) => void) | null = null;
      addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
        if (type === 'message') this.#listener = listener;
      }
      postMessage(message: { id: number }): void {
        setTimeout(() => this.#listener?.({ data: { id: message.id, started: true } }), 10);
      }
      terminate(): void {
        StartedThenStuck.terminated++;
      }
    }
    (globalThis as { Worker?: unknown }).Worker = StartedThenStuck;
    // The start clock alone would wait 10 s; the reading's stops it at 0.1 + 0.05 s.
    const reader = new ProvenanceReader({ startLimitMs: 10_000, timeLimitMs: 100, graceMs: 50 });
    const camera = new Blob([readFileSync(path.join(provenanceDir(), 'camera__img_1771.jpg'))]);
    const started = performance.now();
    const provenance = await reader.read({ kind: 'blob', blob: camera });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(provenance.summary).toBe('Metadata could not be read: reading the metadata took longer than 0.1 s and was stopped');
    expect(StartedThenStuck.terminated).toBe(1);
    reader.dispose();
  });
});
