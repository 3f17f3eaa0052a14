/**
 * Pixels read one 32-bit word at a time. A 12-megapixel photo is 48 MB of bytes: the whole-image view and the
 * crop ranking read every pixel, and one word load plus shifts is cheaper than three or four typed-array byte
 * loads. The values are the same bytes, so every result built on them is unchanged.
 */
import type { PixelImage } from './pixel-image';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export interface PixelWords {
  /** One word per pixel (width x height): the pixel's first byte in bits 0-7, its fourth in bits 24-31. */
  words: Int32Array;
  /** Where red and blue sit (`(word >>> red) & 255`); green is always at 8. */
  red: 0 | 16;
  blue: 0 | 16;
  /** True when the fourth byte is not alpha (BGRX: every pixel is opaque). */
  opaque: boolean;
}

/**
 * The words share the image's memory on little-endian machines (every browser's); they are a copy where the
 * bytes do not start on a 4-byte boundary (a pooled Node Buffer can start anywhere) or the machine is big-endian.
 */
export function pixelWords(image: PixelImage): PixelWords {
  const bgrx = image.layout === 'bgrx';
  return { words: wordsOf(image), red: bgrx ? 16 : 0, blue: bgrx ? 0 : 16, opaque: bgrx };
}

function wordsOf(image: PixelImage): Int32Array {
  const { data } = image;
  const count = image.width * image.height;
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, count);
  const words = new Int32Array(count);
  for (let i = 0, p = 0; i < count; i++, p += 4) words[i] = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
  return words;
}
