/**
 * Pixels -> model input tensor, as public/models/manifest.json's `input` says: centre square crop, alpha
 * composited on a background, exact area-average resample, values / 255, planar RGB (NCHW).
 *
 * The resampling is done here in plain arithmetic rather than by a canvas: browsers' canvas scaling differs
 * from every Node decoder's, and the browser, the CLI and `npm run models:eval` must give the same scores.
 * training/data.py implements the same arithmetic in numpy.
 */
import type { InputSpec } from './manifest';
import type { PixelImage, RgbaImage } from './pixel-image';
import type { PixelWords } from './pixel-words';
import { pixelWords } from './pixel-words';

export type { BgrxImage, PixelImage, RgbaImage } from './pixel-image';

export interface SquareRegion {
  left: number;
  top: number;
  side: number;
}

export function centreSquare(width: number, height: number): SquareRegion {
  const side = Math.min(width, height);
  return { left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), side };
}

/**
 * For each output pixel, the source pixels its span covers and their weights (fractional coverage / span).
 * Weights of one output sum to 1. Integer upscales give nearest-neighbour copies; downscales give box means.
 */
export function areaWeights(inSize: number, outSize: number): { index: Int32Array; weight: Float64Array; offset: Int32Array } {
  const scale = inSize / outSize;
  const indices: number[] = [];
  const weights: number[] = [];
  const offset = new Int32Array(outSize + 1);
  for (let out = 0; out < outSize; out++) {
    const start = out * scale;
    const end = (out + 1) * scale;
    for (let source = Math.floor(start); source < Math.min(inSize, Math.ceil(end)); source++) {
      const overlap = Math.min(end, source + 1) - Math.max(start, source);
      if (overlap > 0) {
        indices.push(source);
        weights.push(overlap / scale);
      }
    }
    offset[out + 1] = indices.length;
  }
  return { index: Int32Array.from(indices), weight: Float64Array.from(weights), offset };
}

/**
 * Writes one image's tensor (3 x size x size, planar RGB in [0, 1]) into `target` at `targetOffset`
 * (so a batch can be filled in place) and returns `target`.
 */
export function imageToTensor(
  image: PixelImage,
  spec: Pick<InputSpec, 'alphaBackground' | 'shape'>,
  target: Float32Array = new Float32Array(3 * spec.shape[2] * spec.shape[3]),
  targetOffset = 0,
): Float32Array {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) {
    throw new RangeError(`image data does not hold ${width}x${height} RGBA pixels`);
  }
  const size = spec.shape[2];
  const { left, top, side } = centreSquare(width, height);
  const columns = areaWeights(side, size);
  const rows = areaWeights(side, size);

  // Separable: each source row of the square is resampled horizontally into `line` (size x 3, alpha composited
  // first, premultiplied average), then added with its row weight into the output row it covers. Sums run in
  // the same order as a full horizontal pass followed by a vertical one, so every value is bit-for-bit the
  // same, without holding side x size x 3 intermediate values (9 MB for a 12-megapixel photo).
  const pixels = pixelWords(image);
  const plane = size * size;
  const line = new Float64Array(size * 3);
  const sums = new Float64Array(size * 3);
  let lineRow = -1;
  for (let y = 0; y < size; y++) {
    sums.fill(0);
    for (let k = rows.offset[y]!; k < rows.offset[y + 1]!; k++) {
      const source = rows.index[k]!;
      // A source row on the boundary of two output rows is resampled once.
      if (source !== lineRow) {
        resampleRow(pixels, (top + source) * width + left, columns, spec.alphaBackground, line);
        lineRow = source;
      }
      const w = rows.weight[k]!;
      for (let i = 0; i < sums.length; i++) sums[i]! += w * line[i]!;
    }
    for (let x = 0, o = 0; x < size; x++, o += 3) {
      const pixel = targetOffset + y * size + x;
      target[pixel] = sums[o]! / 255;
      target[pixel + plane] = sums[o + 1]! / 255;
      target[pixel + 2 * plane] = sums[o + 2]! / 255;
    }
  }
  return target;
}

/**
 * One source row of the square (its first pixel is word `start`) area-averaged to `line` (interleaved RGB, 0-255 scale).
 * An output pixel's sources are consecutive (areaWeights), so the loop walks the row instead of the index.
 * Opaque rows (most of them) skip the compositing arithmetic: with alpha 1 it adds exactly 0, so the sums are
 * the same for a third of the work.
 */
function resampleRow(
  pixels: PixelWords,
  start: number,
  columns: ReturnType<typeof areaWeights>,
  background: readonly [number, number, number],
  line: Float64Array,
): void {
  const { words, red, blue, opaque } = pixels;
  const { index, weight, offset } = columns;
  const size = offset.length - 1;
  // The opaque loop first, noting every alpha as it goes (`all`); a row with any other alpha is done again with
  // compositing, which costs less than checking every row beforehand.
  let all = -1;
  for (let x = 0, o = 0; x < size; x++, o += 3) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = offset[x]!, end = offset[x + 1]!, p = start + index[k]!; k < end; k++, p++) {
      const word = words[p]!;
      all &= word;
      const w = weight[k]!;
      r += w * ((word >>> red) & 255);
      g += w * ((word >>> 8) & 255);
      b += w * ((word >>> blue) & 255);
    }
    line[o] = r;
    line[o + 1] = g;
    line[o + 2] = b;
  }
  if (opaque || all >>> 24 === 255) return;
  const [backR, backG, backB] = background;
  for (let x = 0, o = 0; x < size; x++, o += 3) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = offset[x]!, end = offset[x + 1]!, p = start + index[k]!; k < end; k++, p++) {
      const word = words[p]!;
      const w = weight[k]!;
      const alpha = (word >>> 24) / 255;
      r += w * (((word >>> red) & 255) * alpha + backR * (1 - alpha));
      g += w * (((word >>> 8) & 255) * alpha + backG * (1 - alpha));
      b += w * (((word >>> blue) & 255) * alpha + backB * (1 - alpha));
    }
    line[o] = r;
    line[o + 1] = g;
    line[o + 2] = b;
  }
}

/** Expands packed RGB or grayscale bytes (as in ../shared/data) to RGBA. */
export function toRgba(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): RgbaImage {
  if (channels === 4) return { width, height, data: pixels };
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = pixels[i * channels]!;
    data[i * 4 + 1] = pixels[i * channels + (channels === 3 ? 1 : 0)]!;
    data[i * 4 + 2] = pixels[i * channels + (channels === 3 ? 2 : 0)]!;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}
