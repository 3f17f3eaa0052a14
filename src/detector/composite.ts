/**
 * Transparency, settled once: a decoded picture with any alpha under 255 is composited on the manifest's
 * `input.alphaBackground` into opaque pixels BEFORE anything measures it (crop selection) or reads it (tensors).
 * Every path goes through here (views.ts ViewBatchBuilder.add: the worker, the CLI, `npm run models:eval`), so
 * the page and the CLI judge the same picture:
 *
 * - a fully transparent region becomes the flat background, with no detail: it can never win the crop pick;
 * - a nearly transparent one (alpha 1/255) becomes the background within one level: a faint ripple;
 * - crops.ts counts no detail at or across pixels at least half transparent and picks windows without any first,
 *   so neither such a region nor its edge against the picture wins the detail pick;
 * - the decoders' different readings of hidden colour stop mattering. Chromium's canvas stores premultiplied
 *   pixels, so an alpha-0 pixel reads back as RGB 0 and an alpha-1 pixel as 0 or 255, where sharp keeps the
 *   stored RGB. Composited and rounded to whole levels, alpha 0 gives the background on both, alpha 1 the same
 *   level on both (on white: 254 for a stored value under 128, 255 from 128 up), and partial alpha levels within
 *   one (tests/unit/composite.test.ts, tests/e2e/alpha.test.ts).
 *
 * The result is whole 0-255 levels, round((c x a + bg x (255 - a)) / 255), in integers: crops.ts ranks detail in
 * integer arithmetic, and a level is what a PNG of the composited picture would hold. Opaque pictures (JPEG,
 * BGRX frames, PNGs whose alpha is all 255) are returned as they are, bit for bit the same tensors as before.
 */
import type { PixelImage, RgbaImage } from './preprocess';
import { pixelWords } from './pixel-words';

/** Whether every pixel is opaque (a BGRX frame always is; RGBA is checked word by word, stopping at the first). */
export function isOpaque(image: PixelImage): boolean {
  const { words, opaque } = pixelWords(image);
  if (opaque) return true;
  for (let i = 0; i < words.length; i++) if (words[i]! >>> 24 !== 255) return false;
  return true;
}

/** round((colour x alpha + background x (255 - alpha)) / 255) for integers in 0..255 (x / 255 is never a half). */
export function compositeLevel(colour: number, alpha: number, background: number): number {
  return Math.floor((colour * alpha + background * (255 - alpha) + 127) / 255);
}

/** Alpha under this is more background than picture: such a pixel counts as see-through for the crop pick. */
export const SEE_THROUGH_BELOW = 128;

export interface CompositedPicture {
  /** Opaque pixels: the decoded picture itself when it had no transparency. */
  image: PixelImage;
  /**
   * One byte per pixel, 1 where the decoded pixel was at least half transparent (alpha under SEE_THROUGH_BELOW);
   * null when none was. Crop selection (crops.ts) counts no detail at or across such pixels and picks windows
   * without any first, so neither a (nearly) transparent region nor its edge against the picture outranks the
   * picture's own detail. A picture faded as a whole (alpha 200 everywhere) is still ranked on its detail.
   */
  seeThrough: Uint8Array | null;
}

/**
 * The picture composited on `background` (RGB, 0-255 integers): `image` itself when it is opaque, else a new
 * RGBA picture with alpha 255 everywhere (the caller's pixels are never changed), and where it was see-through.
 */
export function compositeOnBackground(image: PixelImage, background: readonly [number, number, number]): CompositedPicture {
  if (isOpaque(image)) return { image, seeThrough: null };
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  const seeThrough = new Uint8Array(width * height);
  let anySeeThrough = false;
  const [backR, backG, backB] = background;
  for (let p = 0, i = 0; p < out.length; p += 4, i++) {
    const alpha = data[p + 3]!;
    if (alpha === 255) {
      out[p] = data[p]!;
      out[p + 1] = data[p + 1]!;
      out[p + 2] = data[p + 2]!;
    } else {
      out[p] = compositeLevel(data[p]!, alpha, backR);
      out[p + 1] = compositeLevel(data[p + 1]!, alpha, backG);
      out[p + 2] = compositeLevel(data[p + 2]!, alpha, backB);
      if (alpha < SEE_THROUGH_BELOW) {
        seeThrough[i] = 1;
        anySeeThrough = true;
      }
    }
    out[p + 3] = 255;
  }
  return { image: { width, height, data: out } satisfies RgbaImage, seeThrough: anySeeThrough ? seeThrough : null };
}
