/**
 * The page's hard time limit on metadata (src/detector/provenance/isolate.ts): a provenance worker that does not
 * answer is terminated at the limit, the file gets a notice, and the next file gets a new worker. Node has no Web
 * Worker, so a stand-in that never answers plays the stuck reader; files without metadata never reach it.
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
    const reader = new ProvenanceReader({ hardLimitMs: 200 });
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
});
