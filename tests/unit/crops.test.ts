import { describe, expect, it } from 'vitest';
import type { CropSpec } from '../../src/detector/manifest';
import { cropToTensor, selectCrops, windowOverlap, windowStarts } from '../../src/detector/crops';
import { seededRandom } from '../../src/node/datasets';
import { ViewBatchBuilder } from '../../src/detector/views';
import { shippedManifest } from './helpers';
import type { RgbaImage } from '../../src/detector/preprocess';

const SPEC: CropSpec = { name: 'crops', size: 128, stride: 64, maxCrops: 5, maxOverlap: 4096, selection: 'laplacian-detail', aggregate: 'geometric-mean' };

/** A picture with smooth gradients and a few noisy patches (so windows differ in detail). */
function picture(width: number, height: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  const patches = Array.from({ length: 4 }, () => ({
    x: Math.floor(random() * width), y: Math.floor(random() * height), size: 20 + Math.floor(random() * 80), amplitude: 20 + Math.floor(random() * 100),
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      let noise = 0;
      for (const patch of patches) {
        if (x >= patch.x && x < patch.x + patch.size && y >= patch.y && y < patch.y + patch.size) noise += (random() * 2 - 1) * patch.amplitude;
      }
      data[p] = Math.max(0, Math.min(255, Math.round((x * 255) / width + noise)));
      data[p + 1] = Math.max(0, Math.min(255, Math.round((y * 255) / height - noise)));
      data[p + 2] = Math.max(0, Math.min(255, Math.round(((x + y) * 128) / (width + height) + noise / 2)));
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

describe('native crop selection', () => {
  it('has no crops for pictures whose short side is under the crop size', () => {
    expect(selectCrops(picture(127, 900, 1), SPEC)).toEqual([]);
    expect(selectCrops(picture(900, 127, 1), SPEC)).toEqual([]);
    expect(selectCrops(picture(32, 32, 2), SPEC)).toEqual([]);
    expect(selectCrops(picture(129, 129, 3), SPEC)).toHaveLength(1);
  });

  it('gives a picture exactly the crop size one crop, the whole picture at (0, 0)', () => {
    for (const image of [picture(128, 128, 11), picture(128, 128, 12)]) {
      const picked = selectCrops(image, SPEC);
      expect(picked).toHaveLength(1);
      expect(picked[0]).toMatchObject({ left: 0, top: 0 });
    }
    // A flat 128x128 picture has no detail at all, and is still judged on its one window.
    expect(selectCrops({ width: 128, height: 128, data: new Uint8Array(128 * 128 * 4).fill(255) }, SPEC)).toEqual([{ left: 0, top: 0, detail: 0 }]);
  });

  it('judges a 128x128 picture on one crop that is the picture itself: the same tensor as its whole view', () => {
    const manifest = shippedManifest();
    const builder = new ViewBatchBuilder(manifest, 3);
    const small = builder.add(picture(127, 127, 13));
    const exact = builder.add(picture(128, 128, 14));
    const large = builder.add(picture(300, 260, 15));
    expect(small.regions).toEqual([]);
    expect(exact.regions).toEqual([expect.objectContaining({ left: 0, top: 0 })]);
    expect(large.regions.length).toBeGreaterThan(1);
    const { whole, crops, cropCount } = builder.batch;
    expect(cropCount).toBe(1 + large.regions.length);
    const perView = 3 * 128 * 128;
    // At 128 px the whole-image view resamples nothing, so the crop and the whole view hold the same numbers.
    expect(crops.subarray(exact.cropStart * perView, (exact.cropStart + 1) * perView)).toEqual(whole.subarray(exact.row * perView, (exact.row + 1) * perView));
  });

  it('crops a 128-px-wide strip along its length, and matches the definition there', () => {
    const image = picture(128, 900, 1);
    const picked = selectCrops(image, SPEC);
    expect(picked.length).toBeGreaterThan(1);
    expect(picked.every((region) => region.left === 0)).toBe(true);
    expect(picked.map((region) => region.top % SPEC.stride === 0 || region.top === 900 - SPEC.size)).toEqual(picked.map(() => true));
  });

  it('puts windows on the 64-px grid plus the last window flush with the edge', () => {
    expect(windowStarts(127, SPEC)).toEqual([]);
    expect(windowStarts(128, SPEC)).toEqual([0]);
    expect(windowStarts(129, SPEC)).toEqual([0, 1]);
    expect(windowStarts(256, SPEC)).toEqual([0, 64, 128]);
    expect(windowStarts(300, SPEC)).toEqual([0, 64, 128, 172]);
    expect(windowStarts(191, SPEC)).toEqual([0, 63]);
    expect(windowStarts(192, SPEC)).toEqual([0, 64]);
    expect(windowStarts(193, SPEC)).toEqual([0, 64, 65]);
    expect(windowStarts(1000, SPEC)).toEqual([0, 64, 128, 192, 256, 320, 384, 448, 512, 576, 640, 704, 768, 832, 872]);
  });

  it('refuses a stride under 1 instead of looping forever', () => {
    expect(() => windowStarts(300, { size: 128, stride: 0 })).toThrow(RangeError);
    expect(() => windowStarts(300, { size: 128, stride: Number.NaN })).toThrow(RangeError);
  });

  it.each([
    [128, 128, 3],
    [128, 300, 8],
    [232, 176, 4],
    [321, 481, 5],
    [512, 512, 6],
    [700, 300, 7],
  ])('picks windows in detail order, on the grid, inside the picture, overlapping at most maxOverlap (%i x %i)', (width, height, seed) => {
    // The exact pick is held to training/crops.py in tests/models/python-parity.test.ts.
    const image = picture(width, height, seed);
    const picked = selectCrops(image, SPEC);
    const rows = windowStarts(height, SPEC);
    const columns = windowStarts(width, SPEC);
    for (const [i, region] of picked.entries()) {
      expect(rows).toContain(region.top);
      expect(columns).toContain(region.left);
      if (i > 0) expect(region.detail).toBeLessThanOrEqual(picked[i - 1]!.detail);
      for (const other of picked.slice(0, i)) {
        expect(windowOverlap(region, other, SPEC.size)).toBeLessThanOrEqual(SPEC.maxOverlap);
      }
    }
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.length).toBeLessThanOrEqual(SPEC.maxCrops);
    for (const region of picked) {
      expect(region.left + SPEC.size).toBeLessThanOrEqual(width);
      expect(region.top + SPEC.size).toBeLessThanOrEqual(height);
    }
  });

  it('fills slots the spread pick left free with more overlapping windows, after the spread ones', () => {
    const image = picture(384, 256, 21);
    const overlap = (a: { left: number; top: number }, b: { left: number; top: number }) => windowOverlap(a, b, SPEC.size);
    // On the 64-px grid, windows sharing at most 2,048 px cannot overlap at all: six fit at most, and the greedy
    // pick by detail fits fewer.
    const spread = selectCrops(image, { ...SPEC, maxOverlap: 2048 });
    expect(spread.length).toBeLessThan(SPEC.maxCrops);
    const filled = selectCrops(image, { ...SPEC, maxOverlap: 2048, fillOverlap: 8192 });
    expect(filled).toHaveLength(SPEC.maxCrops);
    // The spread pick comes first, unchanged; every window is the picture's own, none twice, none over the fill limit.
    expect(filled.slice(0, spread.length)).toEqual(spread);
    expect(new Set(filled.map(({ left, top }) => `${left},${top}`)).size).toBe(filled.length);
    for (const [i, region] of filled.entries()) {
      for (const other of filled.slice(0, i)) expect(overlap(region, other)).toBeLessThanOrEqual(8192);
    }
    expect(filled.slice(spread.length).some((region) => spread.some((other) => overlap(region, other) > 2048))).toBe(true);
    // Without a fill limit (or with one equal to maxOverlap) the pick is the spread one.
    expect(selectCrops(image, { ...SPEC, maxOverlap: 2048, fillOverlap: 2048 })).toEqual(spread);
  });

  it('never takes a window twice, even when any overlap is allowed', () => {
    const picked = selectCrops(picture(128, 129, 22), { ...SPEC, maxOverlap: SPEC.size * SPEC.size });
    expect(picked.map(({ left, top }) => [left, top]).sort()).toEqual([[0, 0], [0, 1]]);
  });

  it('picks the detailed part of a picture, not the flat sky', () => {
    const width = 640;
    const height = 256;
    const data = new Uint8Array(width * height * 4).fill(200);
    const random = seededRandom(9);
    for (let y = 0; y < height; y++) {
      for (let x = 448; x < width; x++) data[(y * width + x) * 4] = Math.floor(random() * 256);
    }
    const [first] = selectCrops({ width, height, data }, SPEC);
    expect(first!.left).toBeGreaterThanOrEqual(448);
  });

  it('copies a window pixel for pixel, alpha on the background, planar RGB / 255', () => {
    const image = picture(300, 200, 10);
    image.data[((5 * 300) + 7) * 4 + 3] = 0; // one transparent pixel at (7, 5) of the window at (0, 0)
    const tensor = cropToTensor(image, { left: 0, top: 0 }, 128, [255, 255, 255], new Float32Array(3 * 128 * 128));
    const p = ((10 * 300) + 20) * 4;
    expect(tensor[10 * 128 + 20]).toBeCloseTo(image.data[p]! / 255, 7);
    expect(tensor[128 * 128 + 10 * 128 + 20]).toBeCloseTo(image.data[p + 1]! / 255, 7);
    expect(tensor[2 * 128 * 128 + 10 * 128 + 20]).toBeCloseTo(image.data[p + 2]! / 255, 7);
    expect(tensor[5 * 128 + 7]).toBe(1);
    expect(() => cropToTensor(image, { left: 200, top: 0 }, 128, [255, 255, 255], tensor)).toThrow(RangeError);
  });
});
