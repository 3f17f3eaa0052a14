/**
 * Native-resolution crops: which 128x128 windows of a large picture the models' trace view judges, and their
 * tensors (no resampling, no canvas smoothing). training/crops.py is the numpy twin; both must pick the same
 * windows, so everything here is integer arithmetic:
 *
 * - candidates: windows on a `stride` grid, plus the last window flush with the right / bottom edge;
 * - detail of a window: sum of |4 Y(p) - Y(up) - Y(down) - Y(left) - Y(right)| over its pixels p whose row and
 *   column are both odd (a quarter of them: a 12-megapixel photo is ranked in tens of milliseconds), with the
 *   integer luma Y = 299 R + 587 G + 114 B and nothing on the picture's one-pixel border (generator traces live
 *   in fine detail; flat sky or blown-out areas carry none);
 * - greedy pick by detail (ties: top, then left), skipping a window that overlaps an already picked one by
 *   more than `maxOverlap` pixels, until `maxCrops` are picked.
 * Pictures whose short side is at most `size` have no crops: the whole-image view covers them.
 *
 * Window sums are accumulated per row for the candidate columns only, so memory stays O(height x columns)
 * and a 12-megapixel photo needs no integral image.
 */
import type { CropSpec } from './manifest';
import type { RgbaImage } from './preprocess';

export interface CropRegion {
  left: number;
  top: number;
  /** Sum of |Laplacian| of the integer luma over the window (the pick order). */
  detail: number;
}

export function windowStarts(length: number, spec: Pick<CropSpec, 'size' | 'stride'>): number[] {
  if (length <= spec.size) return [];
  const starts: number[] = [];
  for (let start = 0; start <= length - spec.size; start += spec.stride) starts.push(start);
  if (starts[starts.length - 1] !== length - spec.size) starts.push(length - spec.size);
  return starts;
}

/** Integer luma of row y at columns first, first + step, ... */
function lumaRow(data: RgbaImage['data'], width: number, y: number, target: Int32Array, first: number, step: number): void {
  const row = y * width * 4;
  for (let x = first; x < width; x += step) {
    const p = row + x * 4;
    target[x] = 299 * data[p]! + 587 * data[p + 1]! + 114 * data[p + 2]!;
  }
}

/** The windows the trace view judges, in pick order (at most spec.maxCrops; none for small pictures). */
export function selectCrops(image: RgbaImage, spec: CropSpec): CropRegion[] {
  const { width, height, data } = image;
  if (Math.min(width, height) <= spec.size) return [];
  const rowStarts = windowStarts(height, spec);
  const columnStarts = windowStarts(width, spec);
  const columns = columnStarts.length;
  // rowSums[y * columns + c]: detail of row y inside candidate column c (odd rows only); then summed per window.
  // prefix[x]: detail of the row's odd columns left of x.
  const rowSums = new Float64Array(height * columns);
  const prefix = new Float64Array(width + 1);
  const above = new Int32Array(width);
  const current = new Int32Array(width);
  const below = new Int32Array(width);
  for (let y = 1; y < height - 1; y += 2) {
    // The Laplacian at odd columns needs the row itself in full and its neighbours at odd columns.
    lumaRow(data, width, y - 1, above, 1, 2);
    lumaRow(data, width, y, current, 0, 1);
    lumaRow(data, width, y + 1, below, 1, 2);
    let total = 0;
    let x = 1;
    for (; x < width - 1; x += 2) {
      prefix[x] = total;
      const laplacian = 4 * current[x]! - above[x]! - below[x]! - current[x - 1]! - current[x + 1]!;
      total += laplacian < 0 ? -laplacian : laplacian;
      prefix[x + 1] = total;
    }
    for (; x <= width; x++) prefix[x] = total;
    for (let c = 0; c < columns; c++) {
      const left = columnStarts[c]!;
      rowSums[y * columns + c] = prefix[left + spec.size]! - prefix[left]!;
    }
  }
  const candidates: CropRegion[] = [];
  for (const top of rowStarts) {
    for (let c = 0; c < columns; c++) {
      let detail = 0;
      for (let y = top; y < top + spec.size; y++) detail += rowSums[y * columns + c]!;
      candidates.push({ left: columnStarts[c]!, top, detail });
    }
  }
  candidates.sort((a, b) => b.detail - a.detail || a.top - b.top || a.left - b.left);
  const picked: CropRegion[] = [];
  for (const candidate of candidates) {
    const clear = picked.every((p) => {
      const rows = Math.max(0, spec.size - Math.abs(candidate.top - p.top));
      const cols = Math.max(0, spec.size - Math.abs(candidate.left - p.left));
      return rows * cols <= spec.maxOverlap;
    });
    if (clear) {
      picked.push(candidate);
      if (picked.length === spec.maxCrops) break;
    }
  }
  return picked;
}

/**
 * Writes one window's tensor (3 x size x size, planar RGB in [0, 1], alpha composited on `background`) into
 * `target` at `targetOffset`: the picture's own pixels, nothing resampled.
 */
export function cropToTensor(
  image: RgbaImage,
  region: Pick<CropRegion, 'left' | 'top'>,
  size: number,
  background: readonly [number, number, number],
  target: Float32Array,
  targetOffset = 0,
): Float32Array {
  const { width, height, data } = image;
  if (region.left < 0 || region.top < 0 || region.left + size > width || region.top + size > height) {
    throw new RangeError(`crop ${region.left},${region.top} (${size} px) is outside the ${width}x${height} picture`);
  }
  const plane = size * size;
  const [backR, backG, backB] = background;
  for (let y = 0; y < size; y++) {
    let p = ((region.top + y) * width + region.left) * 4;
    for (let x = 0; x < size; x++, p += 4) {
      const alpha = data[p + 3]! / 255;
      const o = targetOffset + y * size + x;
      target[o] = (data[p]! * alpha + backR * (1 - alpha)) / 255;
      target[o + plane] = (data[p + 1]! * alpha + backG * (1 - alpha)) / 255;
      target[o + 2 * plane] = (data[p + 2]! * alpha + backB * (1 - alpha)) / 255;
    }
  }
  return target;
}
