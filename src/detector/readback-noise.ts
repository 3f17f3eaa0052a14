/**
 * Canvas read-back noise, as anti-fingerprinting adds it (Brave's "farbling", Firefox's and Safari's private and
 * resist-fingerprinting modes): a few pixels' channels moved by one level when a canvas is read back. The worker's
 * canvas check (worker/canvas-check.ts) detects it; this is the model of it that tests/models/canvas-noise.test.ts
 * scores pictures under, to pin how little it moves a score (and the `?simulate=canvas-noise` fault applies in the
 * browser).
 */
import type { RgbaImage } from './preprocess';

/**
 * What the worker's canvas gave back for a known pattern (worker/canvas-check.ts): `altered` when any pixel came
 * back changed, as anti-fingerprinting read-back noise does; the share of pixels changed and the largest change in
 * levels.
 */
export interface CanvasReadback {
  altered: boolean;
  changedShare: number;
  maxDelta: number;
}

/** The noise measured against: +/-1 on each colour channel of 10% of pixels (alpha untouched). */
export const READBACK_NOISE = { share: 0.1, levels: 1 } as const;

/**
 * How far that noise may move an ensemble score, as tests/models/canvas-noise.test.ts pins it on the shipped
 * models: pictures judged on native crops (at least 128 px on both sides) and small pictures judged as a whole.
 * The crops' figure covers the largest move measured over the validation split under four noise draws
 * (src/node/readback-stability.ts, training/results/readback-stability.json): the crop view reads pixel-level
 * traces (since the sixteenth round's models both trace views read the pretrained backbone, whose autoencoder moves
 * most), and a crop pick by detail can swap two windows of nearly equal detail. The whole-picture figure covers the
 * largest move of small pictures (training/results/readback-stability-small.json, `--small`) and of the test's own.
 */
export const READBACK_TOLERANCE = { crops: 0.09, whole: 0.035 } as const;

/** The engine line's note, and its longer explanation, when the canvas read-back was found altered. */
export function canvasNoiseWords(readback: CanvasReadback): { note: string; detail: string } {
  const share = `${+(readback.changedShare * 100).toFixed(1)}%`;
  return {
    note: 'canvas read-back noise detected',
    detail:
      `This browser changes what a canvas gives back (anti-fingerprinting): ${share} of a test pattern's pixels came back ` +
      `up to ${readback.maxDelta} level${readback.maxDelta === 1 ? '' : 's'} off. Pictures read through the canvas (all but upright JPEGs) ` +
      `may score up to about ${READBACK_TOLERANCE.crops} differently (${READBACK_TOLERANCE.whole} for small pictures) than in another browser or the CLI.`,
  };
}

/** The exports' canvasNoise cell: '' when the read-back was exact (or not checked). */
export function canvasNoiseCell(readback: CanvasReadback | undefined): string {
  return readback?.altered ? `detected: ${+(readback.changedShare * 100).toFixed(1)}% of pixels, up to ${readback.maxDelta} level${readback.maxDelta === 1 ? '' : 's'}` : '';
}

/**
 * Adds read-back noise to RGBA bytes in place: each pixel is picked with probability `share`, and each of its
 * colour channels moved by +/-`levels` (clamped to 0..255). `random` gives [0, 1).
 */
export function addReadbackNoise(data: Uint8Array | Uint8ClampedArray, random: () => number, { share, levels }: { share: number; levels: number } = READBACK_NOISE): void {
  for (let p = 0; p < data.length; p += 4) {
    if (random() >= share) continue;
    for (let c = 0; c < 3; c++) data[p + c] = Math.max(0, Math.min(255, data[p + c]! + (random() < 0.5 ? -levels : levels)));
  }
}

/** A copy of `image` with read-back noise. */
export function withReadbackNoise(image: RgbaImage, random: () => number): RgbaImage {
  const data = Uint8Array.from(image.data);
  addReadbackNoise(data, random);
  return { ...image, data };
}
