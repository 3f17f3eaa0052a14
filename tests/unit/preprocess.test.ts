import { describe, expect, it } from 'vitest';
import { areaWeights, centreSquare, imageToTensor, toRgba } from '../../src/detector/preprocess';
import type { RgbaImage } from '../../src/detector/preprocess';
import { shippedManifest } from './helpers';

const spec = shippedManifest().input;
const size = spec.shape[2];
const plane = size * size;

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('areaWeights', () => {
  it('gives weights summing to 1 for every output pixel', () => {
    for (const [from, to] of [[32, 128], [28, 128], [300, 128], [129, 128], [3, 2]] as const) {
      const { weight, offset } = areaWeights(from, to);
      for (let out = 0; out < to; out++) {
        let sum = 0;
        for (let k = offset[out]!; k < offset[out + 1]!; k++) sum += weight[k]!;
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it('splits a shared source pixel by coverage (3 -> 2)', () => {
    const { index, weight, offset } = areaWeights(3, 2);
    expect(Array.from(index.subarray(offset[0]!, offset[1]!))).toEqual([0, 1]);
    expect(Array.from(weight.subarray(offset[0]!, offset[1]!))).toEqual([2 / 3, 1 / 3]);
    expect(Array.from(index.subarray(offset[1]!, offset[2]!))).toEqual([1, 2]);
  });
});

describe('imageToTensor', () => {
  it('copies pixels (nearest) on an integer upscale', () => {
    const factor = 4;
    const small = image(size / factor, size / factor, (x, y) => [(x * 7 + y) % 256, (y * 13) % 256, (x * y) % 256, 255]);
    const tensor = imageToTensor(small, spec);
    for (const [x, y] of [[0, 0], [5, 9], [size - 1, size - 1], [17, 100]] as const) {
      const source = ((Math.floor(y / factor) * small.width + Math.floor(x / factor)) * 4);
      expect(tensor[y * size + x]).toBeCloseTo(small.data[source]! / 255, 6);
      expect(tensor[plane + y * size + x]).toBeCloseTo(small.data[source + 1]! / 255, 6);
      expect(tensor[2 * plane + y * size + x]).toBeCloseTo(small.data[source + 2]! / 255, 6);
    }
  });

  it('averages boxes on an integer downscale', () => {
    const big = image(size * 2, size * 2, (x, y) => [(x + y) % 2 === 0 ? 200 : 100, x % 2 === 0 ? 0 : 255, 60, 255]);
    const tensor = imageToTensor(big, spec);
    expect(tensor[0]).toBeCloseTo(150 / 255, 6);
    expect(tensor[plane + 77]).toBeCloseTo(127.5 / 255, 6);
    expect(tensor[2 * plane + 5 * size + 3]).toBeCloseTo(60 / 255, 6);
  });

  it('composites transparency on the manifest background (white)', () => {
    const [r, g, b] = spec.alphaBackground;
    const transparent = image(size, size, () => [0, 0, 0, 0]);
    const tensor = imageToTensor(transparent, spec);
    expect(tensor[0]).toBeCloseTo(r / 255, 6);
    expect(tensor[plane]).toBeCloseTo(g / 255, 6);
    expect(tensor[2 * plane + plane - 1]).toBeCloseTo(b / 255, 6);
    const half = imageToTensor(image(size, size, () => [0, 0, 0, 51]), spec);
    expect(half[0]).toBeCloseTo((r * (1 - 51 / 255)) / 255, 6);
  });

  it('crops the centre square (offsets floored) before resampling', () => {
    // 134 x 128: six columns too many, three cut on each side; 131 x 128 cuts one left and two right.
    for (const width of [size + 6, size + 3]) {
      const left = Math.floor((width - size) / 2);
      expect(centreSquare(width, size)).toEqual({ left, top: 0, side: size });
      const wide = image(width, size, (x) => (x < left || x >= left + size ? [255, 0, 0, 255] : [0, 0, x - left, 255]));
      const tensor = imageToTensor(wide, spec);
      for (let x = 0; x < size; x++) {
        expect(tensor[x]).toBe(0);
        expect(tensor[2 * plane + x]).toBeCloseTo(x / 255, 6);
      }
    }
    expect(centreSquare(32, 45)).toEqual({ left: 0, top: 6, side: 32 });
  });

  it('writes at an offset so a batch fills in place', () => {
    const batch = new Float32Array(2 * 3 * plane).fill(-1);
    imageToTensor(image(8, 8, () => [255, 255, 255, 255]), spec, batch, 3 * plane);
    expect(batch[3 * plane - 1]).toBe(-1);
    expect(batch[3 * plane]).toBe(1);
    expect(batch[6 * plane - 1]).toBe(1);
  });

  it('refuses data shorter than width x height RGBA', () => {
    expect(() => imageToTensor({ width: 4, height: 4, data: new Uint8Array(10) }, spec)).toThrow(RangeError);
  });

  it('expands grayscale and RGB to RGBA', () => {
    expect(Array.from(toRgba(Uint8Array.from([9, 200]), 2, 1, 1).data)).toEqual([9, 9, 9, 255, 200, 200, 200, 255]);
    expect(Array.from(toRgba(Uint8Array.from([1, 2, 3]), 1, 1, 3).data)).toEqual([1, 2, 3, 255]);
  });
});
