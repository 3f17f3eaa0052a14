/**
 * RGBA pixels read one 32-bit word at a time. A 12-megapixel photo is 48 MB of bytes: the whole-image view and
 * the crop ranking read every pixel, and one word load plus shifts is cheaper than three or four typed-array
 * byte loads. The values are the same bytes, so every result built on them is unchanged.
 */
import type { RgbaImage } from './preprocess';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * One word per pixel (width x height of them): red in bits 0-7, green 8-15, blue 16-23, alpha 24-31, so callers
 * take a channel with a constant shift. A view of the image's own memory on little-endian machines (every
 * browser's); a copy where the bytes do not start on a 4-byte boundary (a pooled Node Buffer can start
 * anywhere) or the machine is big-endian.
 */
export function rgbaWords(image: RgbaImage): Int32Array {
  const { data } = image;
  const count = image.width * image.height;
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, count);
  const words = new Int32Array(count);
  for (let i = 0, p = 0; i < count; i++, p += 4) words[i] = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
  return words;
}
