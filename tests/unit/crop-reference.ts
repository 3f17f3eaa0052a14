/**
 * Native crop selection by its definition, written the slow way, for tests that hold src/detector/crops.ts (the
 * fast code the browser runs) to it: the |Laplacian| of the integer luma 299R + 587G + 114B at odd rows and odd
 * columns, every window's sum on the grid, then the greedy pick by detail (ties: top, then left) under the
 * overlap limit. Pictures whose short side is at least the crop size get crops; smaller ones none. training/crops.py
 * is the same definition in numpy.
 */
import type { CropSpec } from '../../src/detector/manifest';
import type { RgbaImage } from '../../src/detector/preprocess';

/** Window starts along a side: every stride from 0 while a window fits, then the window flush with the far edge. */
export function referenceStarts(length: number, spec: Pick<CropSpec, 'size' | 'stride'>): number[] {
  if (length < spec.size) return [];
  const starts: number[] = [];
  for (let start = 0; start + spec.size <= length; start += spec.stride) starts.push(start);
  if (!starts.includes(length - spec.size)) starts.push(length - spec.size);
  return starts;
}

export function referenceCrops(image: RgbaImage, spec: CropSpec) {
  const { width, height, data } = image;
  if (Math.min(width, height) < spec.size) return [];
  const luma = (x: number, y: number) => {
    const p = (y * width + x) * 4;
    return 299 * data[p]! + 587 * data[p + 1]! + 114 * data[p + 2]!;
  };
  const detail = new Float64Array(width * height);
  for (let y = 1; y < height - 1; y += 2) {
    for (let x = 1; x < width - 1; x += 2) {
      detail[y * width + x] = Math.abs(4 * luma(x, y) - luma(x, y - 1) - luma(x, y + 1) - luma(x - 1, y) - luma(x + 1, y));
    }
  }
  const candidates = [];
  for (const top of referenceStarts(height, spec)) {
    for (const left of referenceStarts(width, spec)) {
      let sum = 0;
      for (let y = top; y < top + spec.size; y++) for (let x = left; x < left + spec.size; x++) sum += detail[y * width + x]!;
      candidates.push({ left, top, detail: sum });
    }
  }
  candidates.sort((a, b) => b.detail - a.detail || a.top - b.top || a.left - b.left);
  const picked: typeof candidates = [];
  for (const c of candidates) {
    const clear = picked.every((p) => Math.max(0, spec.size - Math.abs(c.top - p.top)) * Math.max(0, spec.size - Math.abs(c.left - p.left)) <= spec.maxOverlap);
    if (clear && picked.length < spec.maxCrops) picked.push(c);
  }
  return picked;
}
