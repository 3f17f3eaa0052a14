/** `?threads=N` (wasmThreads) is bounded by the device's cores: each thread is a pthread worker. */
import { describe, expect, it } from 'vitest';
import { wasmThreadCount } from '../../src/detector/worker/ort-builds';

describe('wasmThreadCount', () => {
  it('clamps the request to [1, cores] on a cross-origin isolated page, default 2', () => {
    expect(wasmThreadCount(500, true, 8)).toBe(8);
    expect(wasmThreadCount(4, true, 8)).toBe(4);
    expect(wasmThreadCount(undefined, true, 8)).toBe(2);
    expect(wasmThreadCount(undefined, true, 1)).toBe(1);
    expect(wasmThreadCount(0, true, 8)).toBe(1);
    expect(wasmThreadCount(2.7, true, 8)).toBe(2);
    // A browser that does not say how many cores it has: one thread.
    expect(wasmThreadCount(16, true, 0)).toBe(1);
  });

  it('runs one thread when the page is not cross-origin isolated (no SharedArrayBuffer)', () => {
    expect(wasmThreadCount(500, false, 8)).toBe(1);
    expect(wasmThreadCount(undefined, false, 8)).toBe(1);
  });
});
