/**
 * Native-resolution crops: which 128x128 windows of a picture the models' trace view judges, and their
 * tensors (no resampling, no canvas smoothing). training/crops.py is the numpy twin; both must pick the same
 * windows, so everything here is integer arithmetic:
 *
 * - candidates: windows on a `stride` grid, plus the last window flush with the right / bottom edge;
 * - detail of a window: sum of |4 Y(p) - Y(up) - Y(down) - Y(left) - Y(right)| over its pixels p whose row and
 *   column are both odd (a quarter of them: a 12-megapixel photo is ranked in tens of milliseconds), with the
 *   integer luma Y = 299 R + 587 G + 114 B and nothing on the picture's one-pixel border (generator traces live
 *   in fine detail; flat sky or blown-out areas carry none);
 * - greedy pick by detail (ties: top, then left), skipping a window that overlaps an already picked one by
 *   more than `maxOverlap` pixels, until `maxCrops` are picked; then, while slots are free, a second pass in the
 *   same order takes windows overlapping by at most `fillOverlap` (absent: maxOverlap, no second pass);
 * - for a picture that had transparency (composited on the background before this, composite.ts), see-through
 *   pixels (at least half transparent) work as the border does: no detail is counted at a pixel whose stencil
 *   touches one, and windows holding any are picked (the same two passes, ranked by their opaque pixels' detail)
 *   only when the picture has no wholly opaque window at all. Neither a transparent region, nor nearly
 *   transparent noise, nor its edge against the picture is ever judged beside the picture's own windows;
 * - and the grid is the opaque part's: when the rows and columns holding any opaque pixel span at least a window
 *   both ways, candidates start at that extent's corner and end flush with its far edges, and detail is sampled
 *   at odd rows and columns counted from that corner. So a transparent margin on any side, of any width, changes
 *   nothing but where the picture sits: the same windows, the same detail, the same tensors as without it.
 *   Opaque pictures (all of training's, and training/crops.py's definition) are their own extent: unaffected.
 * Pictures whose short side is at least `size` get crops (a size x size picture exactly one, at (0, 0)); smaller
 * pictures have none: the whole-image view covers them.
 *
 * Window sums are accumulated per row for the candidate columns only, so memory stays O(height x columns)
 * and a 12-megapixel photo needs no full integral image.
 */
import type { CropSpec } from './manifest';
import { pixelWords } from './pixel-words';
import type { PixelImage } from './preprocess';

export interface CropRegion {
  left: number;
  top: number;
  /** Sum of |Laplacian| of the integer luma over the window (the pick order). */
  detail: number;
}

/** Where windows start along one side of `length` pixels: none when the side is shorter than a window. */
export function windowStarts(length: number, spec: Pick<CropSpec, 'size' | 'stride'>): number[] {
  if (length < spec.size) return [];
  if (!(spec.stride >= 1)) throw new RangeError(`crop stride must be at least 1, got ${spec.stride}`);
  const starts: number[] = [];
  for (let start = 0; start <= length - spec.size; start += spec.stride) starts.push(start);
  if (starts[starts.length - 1] !== length - spec.size) starts.push(length - spec.size);
  return starts;
}

/** The first and third bytes of every pixel word, as two 16-bit lanes (green, the second byte, goes alone). */
const OUTER = 0xff00ff;
/** 1020 in each lane: 4 x centre + 1020 - 4 neighbours stays in [0, 2040], so no lane ever borrows. */
const LANE_BIAS = (1020 << 16) | 1020;

/**
 * The windows the trace view judges, in pick order (at most spec.maxCrops; none for pictures smaller than a window).
 * `image` is read as opaque (composite.ts composites it first); `seeThrough` (1 per pixel at least half transparent)
 * takes the detail at and across such pixels off, and puts windows holding any last.
 */
export function selectCrops(image: PixelImage, spec: CropSpec, seeThrough: Uint8Array | null = null): CropRegion[] {
  const { width, height } = image;
  if (Math.min(width, height) < spec.size) return [];
  const extent = gridExtent(width, height, seeThrough, spec.size);
  const rowStarts = windowStarts(extent.height, spec).map((start) => start + extent.top);
  const columnStarts = windowStarts(extent.width, spec).map((start) => start + extent.left);
  const cumulative = columnDetailSums(image, columnStarts, spec.size, extent);
  const hidden = seeThrough ? seeThroughSums(image, seeThrough, columnStarts, spec.size, extent) : null;
  return pickApart(rankedWindows(rowStarts, columnStarts, spec.size, cumulative, hidden), spec);
}

/** The rectangle the candidate grid and the detail sampling are laid on. */
export interface GridExtent {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The picture's opaque extent (the rows and columns holding any pixel that is not see-through) when it spans at least
 * a window both ways; else, as for an opaque picture, the whole picture (windows with see-through pixels are then
 * all there is, and the whole grid ranks them).
 */
export function gridExtent(width: number, height: number, seeThrough: Uint8Array | null, size: number): GridExtent {
  const whole = { left: 0, top: 0, width, height };
  if (!seeThrough) return whole;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (seeThrough[row + x]) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    if (top === height) top = y;
    bottom = y;
    left = Math.min(left, first);
    right = Math.max(right, last);
  }
  const extent = { left, top, width: right - left + 1, height: bottom - top + 1 };
  return extent.width >= size && extent.height >= size ? extent : whole;
}

/**
 * The first row and column whose pixels' detail is counted: the odd ones counted from the extent's corner (1 for an
 * opaque picture), then every second one.
 */
function firstSampled(extent: GridExtent): { firstRow: number; firstColumn: number } {
  return { firstRow: 1 + (extent.top % 2), firstColumn: 1 + (extent.left % 2) };
}

/** What one sweep of an odd row reads and carries over to the next odd row (columnDetailSums). */
interface RowSweep {
  words: Int32Array;
  width: number;
  /** The first sampled column (1, or 2 when the grid's extent starts at an odd column). */
  firstColumn: number;
  /** Columns where a candidate window starts or ends, ascending. */
  marks: number[];
  /** The next (even) row's odd columns, outer lanes and green, read by the previous sweep. */
  aboveOuter: Int32Array;
  aboveGreen: Int32Array;
  /** Luma weights of the first and third bytes. */
  first: number;
  third: number;
}

/**
 * Detail of every candidate column as cumulative row sums: cumulative[y * columns + c] is the detail of rows above
 * y inside candidate column c, so a window's detail is one subtraction.
 *
 * One pass down the odd rows. The Laplacian is linear, so the luma's Laplacian is exactly the luma-weighted
 * sum of the channels' Laplacians: they are taken on the raw words, the outer two channels at once as 16-bit
 * lanes. Each pixel word is read once per use: the row's own as the sweep reaches them, and the next (even)
 * row's odd columns, kept in `aboveOuter` / `aboveGreen` for the odd row after it. Every sum is of integers
 * well under 2^53, so the order of additions cannot change a value.
 * A row's running detail is only needed where a candidate window starts or ends (`marks`, ascending): the
 * sweep stops there and records it in `markTotal`.
 */
function columnDetailSums(image: PixelImage, columnStarts: number[], size: number, extent: GridExtent): Float64Array {
  const { width, height } = image;
  const columns = columnStarts.length;
  const { words, red } = pixelWords(image);
  const marks = [...new Set(columnStarts.flatMap((left) => [left, left + size]))].sort((a, b) => a - b);
  const startMark = columnStarts.map((left) => marks.indexOf(left));
  const endMark = columnStarts.map((left) => marks.indexOf(left + size));
  const markTotal = new Float64Array(marks.length);
  const cumulative = new Float64Array((height + 1) * columns);
  const { firstRow, firstColumn } = firstSampled(extent);
  // Luma weights of the first and third bytes (red and blue for RGBA, blue and red for BGRX).
  const sweep: RowSweep = {
    words, width, firstColumn, marks, aboveOuter: new Int32Array(width), aboveGreen: new Int32Array(width), first: red === 0 ? 299 : 114, third: red === 0 ? 114 : 299,
  };
  const aboveFirst = (firstRow - 1) * width;
  for (let x = firstColumn; x < width - 1; x += 2) {
    sweep.aboveOuter[x] = words[aboveFirst + x]! & OUTER;
    sweep.aboveGreen[x] = (words[aboveFirst + x]! >>> 8) & 255;
  }
  let filled = 0;
  for (let y = firstRow; y < height - 1; y += 2) {
    oddRowDetailAtMarks(sweep, y, markTotal);
    // Rows y - 1 (even, no detail) and y carry the sums down.
    for (let c = 0; c < columns; c++) {
      const before = cumulative[(y - 1) * columns + c]!;
      cumulative[y * columns + c] = before;
      cumulative[(y + 1) * columns + c] = before + markTotal[endMark[c]!]! - markTotal[startMark[c]!]!;
    }
    filled = y + 1;
  }
  // Rows below the last odd row carry no detail.
  for (let y = filled + 1; y <= height; y++) cumulative.copyWithin(y * columns, (y - 1) * columns, y * columns);
  return cumulative;
}

/**
 * Sweeps odd row `y`: markTotal[m] becomes the row's |Laplacian| sum over its odd columns left of marks[m]; the
 * next row's words are left in the sweep's `above` arrays for the next odd row.
 */
function oddRowDetailAtMarks(sweep: RowSweep, y: number, markTotal: Float64Array): void {
  const { words, width, firstColumn, marks, aboveOuter, aboveGreen, first, third } = sweep;
  const row = y * width;
  const below = row + width;
  let total = 0;
  let leftOuter = words[row + firstColumn - 1]! & OUTER;
  let leftGreen = (words[row + firstColumn - 1]! >>> 8) & 255;
  let x = firstColumn;
  for (let m = 0; m < marks.length; m++) {
    // At most spec.stride columns between marks: the segment's sum stays a small integer.
    const stop = Math.min(marks[m]!, width - 1);
    let segment = 0;
    for (; x < stop; x += 2) {
      const centre = words[row + x]!;
      const right = words[row + x + 1]!;
      const down = words[below + x]!;
      const rightOuter = right & OUTER;
      const rightGreen = (right >>> 8) & 255;
      const downOuter = down & OUTER;
      const downGreen = (down >>> 8) & 255;
      const outer = 4 * (centre & OUTER) + LANE_BIAS - aboveOuter[x]! - downOuter - leftOuter - rightOuter;
      const green = 4 * ((centre >>> 8) & 255) - aboveGreen[x]! - downGreen - leftGreen - rightGreen;
      const laplacian = first * ((outer & 0xffff) - 1020) + 587 * green + third * ((outer >>> 16) - 1020);
      aboveOuter[x] = downOuter;
      aboveGreen[x] = downGreen;
      leftOuter = rightOuter;
      leftGreen = rightGreen;
      // |laplacian| without a branch: its sign is a coin toss on textured pictures, so a branch mispredicts.
      const sign = laplacian >> 31;
      segment += (laplacian ^ sign) - sign;
    }
    total += segment;
    markTotal[m] = total;
  }
}

/**
 * Every candidate window with its detail (less what see-through pixels touch) and whether it is wholly opaque, in
 * pick order: opaque first, then by detail (ties: top, then left).
 */
function rankedWindows(
  rowStarts: number[],
  columnStarts: number[],
  size: number,
  cumulative: Float64Array,
  hidden: { count: Int32Array; detail: Float64Array } | null,
): Array<CropRegion & { opaque: boolean }> {
  const columns = columnStarts.length;
  const candidates: Array<CropRegion & { opaque: boolean }> = [];
  for (const top of rowStarts) {
    for (let c = 0; c < columns; c++) {
      const bottom = (top + size) * columns + c;
      const above = top * columns + c;
      let detail = cumulative[bottom]! - cumulative[above]!;
      let opaque = true;
      if (hidden) {
        detail -= hidden.detail[bottom]! - hidden.detail[above]!;
        opaque = hidden.count[bottom] === hidden.count[above];
      }
      candidates.push({ left: columnStarts[c]!, top, detail, opaque });
    }
  }
  candidates.sort((a, b) => Number(b.opaque) - Number(a.opaque) || b.detail - a.detail || a.top - b.top || a.left - b.left);
  return candidates;
}

/** Pixels two size x size windows share. */
export function windowOverlap(a: Pick<CropRegion, 'left' | 'top'>, b: Pick<CropRegion, 'left' | 'top'>, size: number): number {
  return Math.max(0, size - Math.abs(a.top - b.top)) * Math.max(0, size - Math.abs(a.left - b.left));
}

/**
 * Greedy pick in rank order: first windows overlapping every picked one by at most maxOverlap pixels, then, while
 * slots are free, windows overlapping by at most fillOverlap (a picture too small for maxCrops windows apart is
 * still judged on as many of its own windows as fit). See-through windows are taken the same way, only when no
 * wholly opaque window was picked: a picture with one opaque window is never judged on its transparent surround.
 */
function pickApart(ranked: ReadonlyArray<CropRegion & { opaque: boolean }>, spec: CropSpec): CropRegion[] {
  const picked: CropRegion[] = [];
  const fillOverlap = spec.fillOverlap ?? spec.maxOverlap;
  // One pass when they are equal: a second would only look again at what the first turned down (or, at an overlap
  // of size x size, take a picked window twice).
  const limits = fillOverlap === spec.maxOverlap ? [spec.maxOverlap] : [spec.maxOverlap, fillOverlap];
  for (const opaque of [true, false]) {
    if (picked.length > 0) break;
    const candidates = ranked.filter((candidate) => candidate.opaque === opaque);
    for (const limit of limits) pickInto(picked, candidates, limit, spec);
  }
  return picked;
}

/**
 * Appends to `picked`, in rank order, each candidate overlapping every picked window by at most `limit` pixels,
 * until spec.maxCrops are picked. A window already picked overlaps itself by size x size, more than any fill limit
 * (manifest.ts), so the second pass never takes it twice.
 */
function pickInto(picked: CropRegion[], candidates: ReadonlyArray<CropRegion>, limit: number, spec: CropSpec): void {
  for (const candidate of candidates) {
    if (picked.length === spec.maxCrops) return;
    const clear = picked.every((p) => windowOverlap(candidate, p, spec.size) <= limit);
    if (clear) picked.push({ left: candidate.left, top: candidate.top, detail: candidate.detail });
  }
}

/**
 * What a picture's see-through pixels change in the ranking, per candidate column as cumulative row sums (the
 * layout of the detail sums): `count[y * columns + c]`, see-through pixels in rows above y; `detail[...]`, the
 * |Laplacian| the main sweep counted at odd pixels whose five-pixel stencil touches a see-through pixel. Taking
 * that detail off leaves a window only the detail of its opaque pixels: transparency works as the picture's border
 * does (no detail on it or across it), so a transparent region, nearly transparent noise and the edge between
 * picture and surround all count nothing.
 */
function seeThroughSums(
  image: PixelImage,
  seeThrough: Uint8Array,
  columnStarts: number[],
  size: number,
  extent: GridExtent,
): { count: Int32Array; detail: Float64Array } {
  const { width, height } = image;
  const columns = columnStarts.length;
  const count = new Int32Array((height + 1) * columns);
  const detail = new Float64Array((height + 1) * columns);
  const { words, red } = pixelWords(image);
  const first = red === 0 ? 299 : 114;
  const third = red === 0 ? 114 : 299;
  const luma = (word: number) => first * (word & 255) + 587 * ((word >>> 8) & 255) + third * ((word >>> 16) & 255);
  const hiddenPrefix = new Int32Array(width + 1);
  const detailPrefix = new Float64Array(width + 1);
  // The rows and columns the main sweep samples (columnDetailSums).
  const { firstRow, firstColumn } = firstSampled(extent);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) hiddenPrefix[x + 1] = hiddenPrefix[x]! + seeThrough[row + x]!;
    const sampledRow = y >= firstRow && (y - firstRow) % 2 === 0 && y < height - 1;
    for (let x = 0; x < width; x++) {
      let value = 0;
      if (sampledRow && x >= firstColumn && (x - firstColumn) % 2 === 0 && x < width - 1) {
        const p = row + x;
        if (seeThrough[p] || seeThrough[p - 1] || seeThrough[p + 1] || seeThrough[p - width] || seeThrough[p + width]) {
          value = Math.abs(4 * luma(words[p]!) - luma(words[p - 1]!) - luma(words[p + 1]!) - luma(words[p - width]!) - luma(words[p + width]!));
        }
      }
      detailPrefix[x + 1] = detailPrefix[x]! + value;
    }
    for (let c = 0; c < columns; c++) {
      const left = columnStarts[c]!;
      count[(y + 1) * columns + c] = count[y * columns + c]! + hiddenPrefix[left + size]! - hiddenPrefix[left]!;
      detail[(y + 1) * columns + c] = detail[y * columns + c]! + detailPrefix[left + size]! - detailPrefix[left]!;
    }
  }
  return { count, detail };
}

/**
 * Writes one window's tensor (3 x size x size, planar RGB in [0, 1], alpha composited on `background`) into
 * `target` at `targetOffset`: the picture's own pixels, nothing resampled.
 */
export function cropToTensor(
  image: PixelImage,
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
  // BGRX: red is the third byte, and there is no alpha (1 is exactly what alpha 255 gives).
  const bgrx = image.layout === 'bgrx';
  const red = bgrx ? 2 : 0;
  const blue = bgrx ? 0 : 2;
  for (let y = 0; y < size; y++) {
    let p = ((region.top + y) * width + region.left) * 4;
    for (let x = 0; x < size; x++, p += 4) {
      const alpha = bgrx ? 1 : data[p + 3]! / 255;
      const o = targetOffset + y * size + x;
      target[o] = (data[p + red]! * alpha + backR * (1 - alpha)) / 255;
      target[o + plane] = (data[p + 1]! * alpha + backG * (1 - alpha)) / 255;
      target[o + 2 * plane] = (data[p + blue]! * alpha + backB * (1 - alpha)) / 255;
    }
  }
  return target;
}
