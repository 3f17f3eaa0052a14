/**
 * Why an image scored as it did: the autoencoder's reconstruction and its per-pixel squared error, both extra
 * outputs of the same ONNX graph that gives the score. Pure conversions to RGBA pixels, shared by the worker
 * (which builds them) and the page (which draws them); no DOM, no ORT.
 */

/** RGBA pixels, row-major, as ImageData holds them. */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export interface Explanation {
  /**
   * What the models saw as the whole-image view: the centre square at the input size (128 for the shipped models).
   * For a picture with crops it is one of two views, with weight 1 - `Judgement.views.traceWeight` in the models'
   * scores; the judged crops are `Judgement.crops`, so this view and its error map are never the only evidence.
   */
  input: RgbaPixels;
  /** The autoencoder's reconstruction at its own resolution (32x32 for the shipped models). */
  reconstruction: RgbaPixels;
  /** Squared error per pixel at the reconstruction's resolution, mean over channels, row-major. */
  errorMap: Float32Array;
  /** Mean of the error map. */
  meanError: number;
  /** Largest value of the error map. */
  maxError: number;
  /** Deep SVDD's image statistics (colour, contrast, detail, clipped shadows) as z-scores against natural photos. */
  statistics?: StatisticDeviation[];
}

export interface StatisticDeviation {
  name: string;
  /** Standard deviations from the natural training images (negative: less than natural photos have). */
  z: number;
}

/** Row `row` of a [n, k] z-score output, named. */
export function statisticsOfRow(statisticZ: ArrayLike<number>, names: readonly string[], row: number): StatisticDeviation[] {
  return names.map((name, i) => ({ name, z: statisticZ[row * names.length + i]! }));
}

const STATISTIC_WORDS: Record<string, [less: string, more: string]> = {
  log_mean_chroma: ['much less colour than photos have', 'much more colour than photos have'],
  log_chroma_spread: ['colour far more uniform than in photos', 'colour far more varied than in photos'],
  log_luma_contrast: ['unusually flat contrast', 'unusually harsh contrast'],
  log_luma_detail: ['unusually little fine detail', 'unusually much fine detail or noise'],
  log_shadow_clipping: ['no dark areas at all', 'large areas of pure black'],
};

/** The statistics at least `minimum` standard deviations from natural photos, worst first, in words. */
export function describeStatistics(statistics: readonly StatisticDeviation[], minimum = 3): string[] {
  return statistics
    .filter((s) => Math.abs(s.z) >= minimum)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .map((s) => `${STATISTIC_WORDS[s.name]?.[s.z < 0 ? 0 : 1] ?? s.name} (${s.z > 0 ? '+' : '−'}${Math.abs(s.z).toFixed(1)} σ)`);
}

/** One image of a planar RGB tensor in [0, 1] ([3, size, size] starting at `offset`) as opaque RGBA bytes. */
export function planarToRgba(planar: ArrayLike<number>, size: number, offset = 0): RgbaPixels {
  const plane = size * size;
  if (planar.length < offset + 3 * plane) throw new RangeError(`tensor does not hold 3x${size}x${size} values at ${offset}`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    data[i * 4] = Math.round(planar[offset + i]! * 255);
    data[i * 4 + 1] = Math.round(planar[offset + plane + i]! * 255);
    data[i * 4 + 2] = Math.round(planar[offset + 2 * plane + i]! * 255);
    data[i * 4 + 3] = 255;
  }
  return { width: size, height: size, data };
}

/** Side of a square map of `length` values; throws when it is not square. */
export function squareSide(length: number): number {
  const side = Math.round(Math.sqrt(length));
  if (side * side !== length || side === 0) throw new RangeError(`${length} values are not a square map`);
  return side;
}

/** Colour for t in [0, 1] on a dark-red-yellow-white ramp (reads on light and dark images, and in greyscale). */
export function heatColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  const stops: Array<[number, number, number]> = [
    [0, 0, 4],
    [120, 28, 109],
    [237, 105, 37],
    [252, 255, 164],
  ];
  const position = x * (stops.length - 1);
  const low = Math.min(stops.length - 2, Math.floor(position));
  const f = position - low;
  const a = stops[low]!;
  const b = stops[low + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/**
 * The error map as an RGBA overlay: colour and opacity grow with the error, scaled to `scaleMax` (default: the
 * map's own maximum, so the worst region of every image is visible); low errors stay see-through.
 */
export function errorMapToRgba(errorMap: ArrayLike<number>, options: { scaleMax?: number; maxAlpha?: number } = {}): RgbaPixels {
  const side = squareSide(errorMap.length);
  let max = options.scaleMax ?? 0;
  if (options.scaleMax === undefined) for (let i = 0; i < errorMap.length; i++) max = Math.max(max, errorMap[i]!);
  const maxAlpha = options.maxAlpha ?? 0.85;
  const data = new Uint8ClampedArray(errorMap.length * 4);
  for (let i = 0; i < errorMap.length; i++) {
    const t = max > 0 ? Math.min(1, errorMap[i]! / max) : 0;
    const [r, g, b] = heatColour(t);
    data[i * 4] = r;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = b;
    data[i * 4 + 3] = Math.round(255 * maxAlpha * Math.sqrt(t));
  }
  return { width: side, height: side, data };
}

/** Builds one image's explanation from a batch's outputs (row `row` of [n, 3, s, s] and [n, s, s]). */
export function explanationFromOutputs(
  inputBatch: ArrayLike<number>,
  inputSize: number,
  reconstructionBatch: ArrayLike<number>,
  errorMapBatch: ArrayLike<number>,
  mapSize: number,
  row: number,
): Explanation {
  const plane = mapSize * mapSize;
  const errorMap = new Float32Array(plane);
  let sum = 0;
  let maxError = 0;
  for (let i = 0; i < plane; i++) {
    const value = errorMapBatch[row * plane + i]!;
    errorMap[i] = value;
    sum += value;
    maxError = Math.max(maxError, value);
  }
  return {
    input: planarToRgba(inputBatch, inputSize, row * 3 * inputSize * inputSize),
    reconstruction: planarToRgba(reconstructionBatch, mapSize, row * 3 * plane),
    errorMap,
    meanError: sum / plane,
    maxError,
  };
}
