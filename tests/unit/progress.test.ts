import { describe, expect, it } from 'vitest';
import { progressTotals } from '../../src/detector/progress';

describe('progressTotals', () => {
  it('sums the latest report of each file', () => {
    const add = progressTotals();
    expect(add({ file: 'a.onnx', loaded: 10, total: 100 })).toEqual({ loaded: 10, total: 100, files: 1 });
    expect(add({ file: 'b.onnx', loaded: 0, total: 50 })).toEqual({ loaded: 10, total: 150, files: 2 });
    expect(add({ file: 'a.onnx', loaded: 100, total: 100 })).toEqual({ loaded: 100, total: 150, files: 2 });
    expect(add({ file: 'b.onnx', loaded: 50, total: 50 })).toEqual({ loaded: 150, total: 150, files: 2 });
  });
});
