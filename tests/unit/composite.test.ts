/**
 * Transparency is composited on the manifest's background before crops are picked (src/detector/composite.ts,
 * ViewBatchBuilder.add): a fully or nearly transparent region is flat background and never wins the detail pick,
 * and the arithmetic gives the same levels whichever way a decoder stored the hidden colour.
 */
import { describe, expect, it } from 'vitest';
import { compositeLevel, compositeOnBackground, isOpaque } from '../../src/detector/composite';
import type { RgbaImage } from '../../src/detector/preprocess';
import { gridExtent, selectCrops } from '../../src/detector/crops';
import { ViewBatchBuilder } from '../../src/detector/views';
import { seededRandom } from '../../src/node/datasets';
import { shippedManifest } from './helpers';

const WHITE = [255, 255, 255] as const;

/** A textured opaque picture (a gradient with mild noise), `width` x `height`. */
function textured(width: number, height: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const noise = Math.round((random() * 2 - 1) * 12);
      data[p] = Math.max(0, Math.min(255, Math.round((x * 200) / width) + noise));
      data[p + 1] = Math.max(0, Math.min(255, Math.round((y * 200) / height) - noise));
      data[p + 2] = Math.max(0, Math.min(255, 90 + noise));
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

/** `image` inside a margin of seeded noise at `alpha`: `margin` = [left, top, right, bottom] pixels. */
function withNoisyMargin(image: RgbaImage, margin: [number, number, number, number], alpha: number, seed: number): RgbaImage {
  const [left, top, right, bottom] = margin;
  const random = seededRandom(seed);
  const width = left + image.width + right;
  const height = top + image.height + bottom;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= left && x < left + image.width && y >= top && y < top + image.height;
      const p = (y * width + x) * 4;
      if (inside) data.set(image.data.subarray(((y - top) * image.width + x - left) * 4, ((y - top) * image.width + x - left + 1) * 4), p);
      else data.set([random() * 256, random() * 256, random() * 256, alpha], p);
    }
  }
  return { width, height, data };
}

/** `image` with a strip of `strip` columns of full-range colour noise at `alpha` appended on the right. */
function withNoisyStrip(image: RgbaImage, strip: number, alpha: number, seed: number): RgbaImage {
  return withNoisyMargin(image, [0, 0, strip, 0], alpha, seed);
}

describe('compositing on the background', () => {
  it('is the rounded exact blend, in whole levels', () => {
    for (let colour = 0; colour < 256; colour += 5) {
      for (let alpha = 0; alpha < 256; alpha++) {
        for (const background of [0, 128, 255]) {
          const exact = (colour * alpha + background * (255 - alpha)) / 255;
          expect(compositeLevel(colour, alpha, background)).toBe(Math.round(exact));
        }
      }
    }
  });

  it('gives the same levels whether a decoder kept the hidden colour (sharp) or premultiplied it away (a canvas)', () => {
    // A canvas stores round(c x a / 255) and reads back round(p x 255 / a): alpha 0 reads as 0, alpha 1 as 0 or 255.
    const canvasReadBack = (colour: number, alpha: number) => {
      if (alpha === 0) return 0;
      const premultiplied = Math.round((colour * alpha) / 255);
      return Math.min(255, Math.round((premultiplied * 255) / alpha));
    };
    for (let colour = 0; colour < 256; colour++) {
      for (const alpha of [0, 1]) expect(compositeLevel(canvasReadBack(colour, alpha), alpha, 255), `${colour} at ${alpha}`).toBe(compositeLevel(colour, alpha, 255));
      for (const alpha of [2, 64, 128, 200, 254]) {
        expect(Math.abs(compositeLevel(canvasReadBack(colour, alpha), alpha, 255) - compositeLevel(colour, alpha, 255))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('returns an opaque picture itself, and never changes the caller\'s pixels', () => {
    const opaque = textured(64, 48, 1);
    expect(isOpaque(opaque)).toBe(true);
    expect(compositeOnBackground(opaque, WHITE)).toEqual({ image: opaque, seeThrough: null });
    expect(compositeOnBackground(opaque, WHITE).image).toBe(opaque);
    const transparent = withNoisyStrip(opaque, 16, 0, 2);
    const before = transparent.data.slice();
    const { image: composited, seeThrough } = compositeOnBackground(transparent, WHITE);
    expect(transparent.data).toEqual(before);
    expect(isOpaque(composited)).toBe(true);
    expect(seeThrough!.reduce((sum, value) => sum + value, 0)).toBe(16 * 48);
    // The strip is white, the picture as it was.
    for (let y = 0; y < 48; y++) {
      expect([...composited.data.subarray((y * 80 + 70) * 4, (y * 80 + 71) * 4)]).toEqual([255, 255, 255, 255]);
      expect([...composited.data.subarray(y * 80 * 4, (y * 80 + 64) * 4)]).toEqual([...opaque.data.subarray(y * 64 * 4, (y + 1) * 64 * 4)]);
    }
  });
});

describe('crops of a picture with an invisible strip', () => {
  const manifest = shippedManifest();

  it.each([0, 1])('never picks a window in a noisy strip at alpha %i/255: the same crops as without it', (alpha) => {
    // 384 px wide, so the picture's own windows are the same in both (the stride is 64).
    const picture = textured(384, 256, 3);
    const builder = new ViewBatchBuilder(manifest, 2);
    const alone = builder.add(picture);
    const striped = builder.add(withNoisyStrip(picture, 320, alpha, 4));
    expect(striped.regions.length).toBe(alone.regions.length);
    expect(striped.regions.every((region) => region.left + 128 <= 384), JSON.stringify(striped.regions)).toBe(true);
    expect(striped.regions.map(({ left, top }) => [left, top])).toEqual(alone.regions.map(({ left, top }) => [left, top]));
    // And the crops' tensors are the same pixels.
    const { crops } = builder.batch;
    const perCrop = 3 * 128 * 128;
    const count = alone.regions.length;
    expect(crops.subarray(count * perCrop, 2 * count * perCrop)).toEqual(crops.subarray(0, count * perCrop));
  });

  it('ranks a picture faded as a whole (alpha 200 everywhere) on its detail, like an opaque one', () => {
    const picture = textured(384, 256, 7);
    const faded = { ...picture, data: picture.data.map((value, i) => (i % 4 === 3 ? 200 : value)) };
    expect(compositeOnBackground(faded, WHITE).seeThrough).toBeNull();
    const { regions } = new ViewBatchBuilder(manifest, 1).add(faded);
    const composited = compositeOnBackground(faded, WHITE).image;
    expect(regions).toEqual(selectCrops(composited, manifest.input.crops!));
    expect(regions.every((region) => region.detail > 0)).toBe(true);
  });

  /** A logo on a transparent surround: `logoSide` px of texture in the middle of `side` px, the rest alpha 0 noise. */
  function logoOnTransparency(side: number, logoSide: number): RgbaImage {
    const logo = textured(logoSide, logoSide, 5);
    const random = seededRandom(6);
    const start = (side - logoSide) / 2;
    const data = new Uint8Array(side * side * 4);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const p = (y * side + x) * 4;
        const inside = x >= start && x < start + logoSide && y >= start && y < start + logoSide;
        if (inside) data.set(logo.data.subarray(((y - start) * logoSide + x - start) * 4, ((y - start) * logoSide + x - start + 1) * 4), p);
        else data.set([random() * 256, random() * 256, random() * 256, 0], p);
      }
    }
    return { width: side, height: side, data };
  }

  it('judges a picture with any wholly opaque window on opaque windows alone', () => {
    // 200x200 of texture in the middle of 456x456: the grid is the texture's, so windows start at 128, 192 and 200
    // (flush with its far edge), all wholly inside it.
    const rows = new ViewBatchBuilder(manifest, 1).add(logoOnTransparency(456, 200));
    expect(rows.regions.length).toBeGreaterThanOrEqual(1);
    for (const { left, top } of rows.regions) {
      expect([128, 192, 200]).toContain(left);
      expect([128, 192, 200]).toContain(top);
    }
  });

  it('takes windows with see-through pixels when the picture has no wholly opaque one, by their opaque detail', () => {
    // 120x120 of texture in the middle of 456x456: no 128-px window is wholly opaque.
    const rows = new ViewBatchBuilder(manifest, 1).add(logoOnTransparency(456, 120));
    expect(rows.regions.length).toBeGreaterThanOrEqual(1);
    // Each touches the logo (flat white windows have no detail at all), the first the most of it.
    for (const region of rows.regions) expect(region.detail).toBeGreaterThan(0);
    const [first] = rows.regions;
    expect(Math.abs(first!.left + 64 - 228)).toBeLessThanOrEqual(64);
    expect(Math.abs(first!.top + 64 - 228)).toBeLessThanOrEqual(64);
  });

  const MARGINS: Array<[number, number, number, number]> = [[0, 0, 320, 0], [77, 0, 0, 0], [0, 33, 0, 0], [0, 0, 0, 51], [13, 6, 90, 1]];

  it.each([[128, 128], [200, 160], [508, 508], [383, 257]])(
    'judges a %ix%i picture in a see-through margin on any side on the very windows, detail and pixels it has alone',
    (width, height) => {
      // The grid and the detail sampling are the opaque part's (crops.ts gridExtent): a margin moves nothing but
      // where the picture sits, whether it is even or odd, on the left, top, right or bottom.
      const picture = textured(width, height, 8);
      for (const margin of MARGINS) {
        for (const alpha of [0, 1]) {
          const builder = new ViewBatchBuilder(manifest, 2);
          const alone = builder.add(picture);
          const framed = builder.add(withNoisyMargin(picture, margin, alpha, 9));
          const label = `${width}x${height} margin ${margin.join(',')} alpha ${alpha}`;
          expect(alone.regions.length, label).toBeGreaterThanOrEqual(1);
          const shifted = framed.regions.map(({ left, top, detail }) => ({ left: left - margin[0], top: top - margin[1], detail }));
          expect(shifted, label).toEqual(alone.regions.map(({ left, top, detail }) => ({ left, top, detail })));
          const { crops } = builder.batch;
          const perCrop = 3 * 128 * 128;
          const count = alone.regions.length;
          // Bit for bit (toEqual walks a typed array element by element: too slow for these).
          const bytes = (from: number) => Buffer.from(crops.buffer, crops.byteOffset + from * perCrop * 4, count * perCrop * 4);
          expect(bytes(count).equals(bytes(0)), label).toBe(true);
        }
      }
    },
    60_000,
  );

  it('lays the grid on the whole picture when its opaque part is narrower than a window', () => {
    const seeThrough = new Uint8Array(300 * 200);
    for (let y = 0; y < 200; y++) for (let x = 0; x < 300; x++) seeThrough[y * 300 + x] = x >= 50 && x < 170 && y >= 20 ? 0 : 1;
    // 120 px wide: no window fits, so the whole picture's grid ranks the windows holding see-through pixels.
    expect(gridExtent(300, 200, seeThrough, 128)).toEqual({ left: 0, top: 0, width: 300, height: 200 });
    for (let y = 0; y < 200; y++) for (let x = 0; x < 300; x++) seeThrough[y * 300 + x] = x >= 50 && x < 179 && y >= 20 && y < 150 ? 0 : 1;
    expect(gridExtent(300, 200, seeThrough, 128)).toEqual({ left: 50, top: 20, width: 129, height: 130 });
    expect(gridExtent(300, 200, null, 128)).toEqual({ left: 0, top: 0, width: 300, height: 200 });
  });
});
