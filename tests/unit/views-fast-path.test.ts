/**
 * The whole-image view and the crop ranking read pixels as 32-bit words and fuse passes (pixel-words.ts,
 * preprocess.ts, crops.ts); the models were trained on the plain definitions. These tests hold the fast code
 * to bit-for-bit equality with the definitions written the straightforward way, byte by byte, on random
 * pictures of awkward sizes, with and without transparency, and the BGRX byte order to the RGBA one. The crop
 * pick's definition is training/crops.py: tests/models/python-parity.test.ts holds crops.ts to it (noise pictures
 * up to 3000 x 2000 included); here the pick must not depend on how the bytes are laid out.
 */
import { describe, expect, it } from 'vitest';
import type { CropSpec } from '../../src/detector/manifest';
import { cropToTensor, selectCrops } from '../../src/detector/crops';
import type { BgrxImage, RgbaImage } from '../../src/detector/preprocess';
import { areaWeights, centreSquare, imageToTensor } from '../../src/detector/preprocess';
import { shippedManifest } from './helpers';
import { seededRandom } from '../../src/node/datasets';

const input = shippedManifest().input;
const SPEC: CropSpec = input.crops!;

/** Random pixels; with `alpha`, about a third of them partly or fully transparent. */
function randomPicture(width: number, height: number, seed: number, alpha: boolean): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = random() * 256;
    data[p + 1] = random() * 256;
    data[p + 2] = random() * 256;
    data[p + 3] = alpha && random() < 0.3 ? random() * 256 : 255;
  }
  return { width, height, data };
}

/** The whole-image view by its definition: composite every pixel, full horizontal pass, then vertical. */
function referenceTensor(image: RgbaImage): Float32Array {
  const { width, data } = image;
  const size = input.shape[2];
  const [backR, backG, backB] = input.alphaBackground;
  const { left, top, side } = centreSquare(image.width, image.height);
  const weights = areaWeights(side, size);
  const horizontal = new Float64Array(side * size * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = weights.offset[x]!; k < weights.offset[x + 1]!; k++) {
        const p = ((top + y) * width + left + weights.index[k]!) * 4;
        const alpha = data[p + 3]! / 255;
        r += weights.weight[k]! * (data[p]! * alpha + backR * (1 - alpha));
        g += weights.weight[k]! * (data[p + 1]! * alpha + backG * (1 - alpha));
        b += weights.weight[k]! * (data[p + 2]! * alpha + backB * (1 - alpha));
      }
      horizontal.set([r, g, b], (y * size + x) * 3);
    }
  }
  const tensor = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let channel = 0; channel < 3; channel++) {
        let sum = 0;
        for (let k = weights.offset[y]!; k < weights.offset[y + 1]!; k++) {
          sum += weights.weight[k]! * horizontal[(weights.index[k]! * size + x) * 3 + channel]!;
        }
        tensor[channel * size * size + y * size + x] = sum / 255;
      }
    }
  }
  return tensor;
}

/** Index of the first float whose bits differ (-1 when all are identical). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  return x.findIndex((bits, i) => bits !== y[i]);
}

describe('fast whole-image view and crop ranking', () => {
  it.each([
    [129, 129, 1, false],
    [129, 129, 2, true],
    [301, 187, 3, true],
    [187, 301, 4, false],
    [1000, 777, 5, false],
    [513, 1025, 6, true],
    [130, 700, 7, false],
    [45, 33, 8, true],
    [3, 2, 9, false],
  ])('equals the definition bit for bit on %i x %i (seed %i, alpha %s)', (width, height, seed, alpha) => {
    const image = randomPicture(width, height, seed, alpha);
    expect(firstDifference(imageToTensor(image, input), referenceTensor(image))).toBe(-1);
    const picked = selectCrops(image, SPEC);
    // Alpha is not read by the pick (composite.ts settles it first): the same pixels made opaque pick the same.
    const opaque = new Uint8ClampedArray(image.data);
    for (let p = 3; p < opaque.length; p += 4) opaque[p] = 255;
    expect(picked).toEqual(selectCrops({ width, height, data: opaque }, SPEC));
    if (Math.min(width, height) > SPEC.size) expect(picked.length).toBeGreaterThan(0);
  });

  it('equals the definition (tensor) on a 12-megapixel photo-sized picture (4096 x 3072, a few transparent pixels)', () => {
    const image = randomPicture(4096, 3072, 10, false);
    for (const [x, y] of [[600, 0], [2000, 1500], [3583, 3071]] as const) image.data[(y * 4096 + x) * 4 + 3] = 0;
    expect(firstDifference(imageToTensor(image, input), referenceTensor(image))).toBe(-1);
    expect(selectCrops(image, SPEC)).toHaveLength(SPEC.maxCrops);
  });

  it('reads pixels that do not start on a 4-byte boundary (a view into a pooled Node Buffer)', () => {
    const aligned = randomPicture(257, 131, 11, true);
    const bytes = new Uint8Array(aligned.data.length + 1);
    bytes.set(aligned.data, 1);
    const shifted: RgbaImage = { width: 257, height: 131, data: bytes.subarray(1) };
    expect(firstDifference(imageToTensor(shifted, input), referenceTensor(aligned))).toBe(-1);
    expect(selectCrops(shifted, SPEC)).toEqual(selectCrops(aligned, SPEC));
  });

  it.each([
    [129, 129, 12],
    [1000, 777, 13],
    [4096, 3072, 14],
  ])('reads a BGRX copy (as a VideoFrame gives a JPEG) exactly as the opaque RGBA picture (%i x %i)', (width, height, seed) => {
    const rgba = randomPicture(width, height, seed, false);
    const random = seededRandom(seed + 100);
    const data = new Uint8Array(rgba.data.length);
    for (let p = 0; p < data.length; p += 4) {
      data[p] = rgba.data[p + 2]!;
      data[p + 1] = rgba.data[p + 1]!;
      data[p + 2] = rgba.data[p]!;
      data[p + 3] = random() * 256; // the unused byte: whatever is there must not count as alpha
    }
    const bgrx: BgrxImage = { width, height, data, layout: 'bgrx' };
    expect(firstDifference(imageToTensor(bgrx, input), imageToTensor(rgba, input))).toBe(-1);
    const picked = selectCrops(bgrx, SPEC);
    expect(picked).toEqual(selectCrops(rgba, SPEC));
    expect(picked.length).toBeGreaterThan(0);
    const size = SPEC.size;
    for (const region of picked) {
      const fromBgrx = cropToTensor(bgrx, region, size, input.alphaBackground, new Float32Array(3 * size * size));
      const fromRgba = cropToTensor(rgba, region, size, input.alphaBackground, new Float32Array(3 * size * size));
      expect(firstDifference(fromBgrx, fromRgba)).toBe(-1);
    }
  });

  it('gives each output pixel consecutive source pixels (the row sweep relies on it)', () => {
    for (const [from, to] of [[3072, 128], [4000, 128], [129, 128], [45, 128], [3, 2], [1000, 128]] as const) {
      const { index, offset } = areaWeights(from, to);
      const gaps: number[] = [];
      for (let out = 0; out < to; out++) {
        for (let k = offset[out]! + 1; k < offset[out + 1]!; k++) if (index[k] !== index[k - 1]! + 1) gaps.push(out);
      }
      expect(gaps, `${from} -> ${to}`).toEqual([]);
    }
  });
});
