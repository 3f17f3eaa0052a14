/**
 * Pixels -> model input tensor, as public/models/manifest.json's `input` says: centre square crop, alpha
 * composited on a background, exact area-average resample, values / 255, planar RGB (NCHW).
 *
 * The resampling is done here in plain arithmetic rather than by a canvas: browsers' canvas scaling differs
 * from every Node decoder's, and the browser, the CLI and `npm run models:eval` must give the same scores.
 * training/data.py implements the same arithmetic in numpy.
 */
import type { InputSpec } from './manifest';

/** RGBA pixels, row-major, as ImageData / a decoder gives them. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

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
  image: RgbaImage,
  spec: Pick<InputSpec, 'alphaBackground' | 'shape'>,
  target: Float32Array = new Float32Array(3 * spec.shape[2] * spec.shape[3]),
  targetOffset = 0,
): Float32Array {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) {
    throw new RangeError(`image data does not hold ${width}x${height} RGBA pixels`);
  }
  const size = spec.shape[2];
  const [backR, backG, backB] = spec.alphaBackground;
  const { left, top, side } = centreSquare(width, height);
  const columns = areaWeights(side, size);
  const rows = areaWeights(side, size);

  // Horizontal pass over every crop row: side x size x 3, alpha composited first (premultiplied average). Most
  // pictures are opaque: they take the loop without the compositing arithmetic (same sums, a third of the work).
  const horizontal = new Float64Array(side * size * 3);
  const opaque = isOpaque(data, width, left, top, side);
  for (let y = 0; y < side; y++) {
    const rowStart = ((top + y) * width + left) * 4;
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      if (opaque) {
        for (let k = columns.offset[x]!; k < columns.offset[x + 1]!; k++) {
          const p = rowStart + columns.index[k]! * 4;
          const w = columns.weight[k]!;
          r += w * data[p]!;
          g += w * data[p + 1]!;
          b += w * data[p + 2]!;
        }
      } else {
        for (let k = columns.offset[x]!; k < columns.offset[x + 1]!; k++) {
          const p = rowStart + columns.index[k]! * 4;
          const w = columns.weight[k]!;
          const alpha = data[p + 3]! / 255;
          r += w * (data[p]! * alpha + backR * (1 - alpha));
          g += w * (data[p + 1]! * alpha + backG * (1 - alpha));
          b += w * (data[p + 2]! * alpha + backB * (1 - alpha));
        }
      }
      const o = (y * size + x) * 3;
      horizontal[o] = r;
      horizontal[o + 1] = g;
      horizontal[o + 2] = b;
    }
  }
  // Vertical pass into planar channels.
  const plane = size * size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = rows.offset[y]!; k < rows.offset[y + 1]!; k++) {
        const o = (rows.index[k]! * size + x) * 3;
        const w = rows.weight[k]!;
        r += w * horizontal[o]!;
        g += w * horizontal[o + 1]!;
        b += w * horizontal[o + 2]!;
      }
      const pixel = targetOffset + y * size + x;
      target[pixel] = r / 255;
      target[pixel + plane] = g / 255;
      target[pixel + 2 * plane] = b / 255;
    }
  }
  return target;
}

/** Whether every pixel of the square region is fully opaque (then compositing changes nothing). */
function isOpaque(data: RgbaImage['data'], width: number, left: number, top: number, side: number): boolean {
  for (let y = top; y < top + side; y++) {
    const end = ((y * width) + left + side) * 4;
    for (let p = (y * width + left) * 4 + 3; p < end; p += 4) if (data[p] !== 255) return false;
  }
  return true;
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
