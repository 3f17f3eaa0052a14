/// <reference lib="webworker" />
/**
 * A canvas that lies: some browsers add noise to canvas read-back against fingerprinting (Brave's farbling;
 * Firefox and Safari in private or resist-fingerprinting modes). Pictures the worker reads through a canvas (all but
 * upright JPEGs, which go through a VideoFrame: decode.ts) then reach the models a level off here and there. Scores
 * move little (tests/models/canvas-noise.test.ts pins by how much), so no decoder of our own is needed, but the page
 * says so: a known pattern is drawn and read back through the decoder's own canvas path (bitmapPixels), and any
 * difference is reported (RuntimeInfo.canvasReadback; the engine line; the exports' canvasNoise).
 */
import type { CanvasReadback } from '../protocol';
import { bitmapPixels } from './decode';

const SIZE = 64;

/** An opaque pattern with every level in each channel and fine detail (opaque: premultiplying changes nothing). */
function pattern(): Uint8ClampedArray<ArrayBuffer> {
  const data = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = (y * SIZE + x) * 4;
      data[p] = (x * 4 + y) & 255;
      data[p + 1] = (y * 4 + (x & 3) * 64) & 255;
      data[p + 2] = (x * y + 17 * x + 5 * y) & 255;
      data[p + 3] = 255;
    }
  }
  return data;
}

/** Draws the pattern through the decoder's canvas path and compares; null where there is no OffscreenCanvas. */
export async function checkCanvasReadback(): Promise<CanvasReadback | null> {
  if (typeof OffscreenCanvas === 'undefined' || typeof createImageBitmap === 'undefined') return null;
  try {
    const drawn = pattern();
    const bitmap = await createImageBitmap(new ImageData(drawn, SIZE, SIZE), { premultiplyAlpha: 'none' });
    let read: Uint8Array | Uint8ClampedArray;
    try {
      read = bitmapPixels(bitmap).data;
    } finally {
      bitmap.close();
    }
    let changed = 0;
    let maxDelta = 0;
    for (let p = 0; p < drawn.length; p += 4) {
      let pixelChanged = false;
      for (let c = 0; c < 3; c++) {
        const delta = Math.abs(read[p + c]! - drawn[p + c]!);
        if (delta > 0) pixelChanged = true;
        maxDelta = Math.max(maxDelta, delta);
      }
      if (pixelChanged) changed++;
    }
    return { altered: changed > 0, changedShare: changed / (SIZE * SIZE), maxDelta };
  } catch {
    return null;
  }
}
