/** Node image decoding with sharp (libvips): PNG, JPEG, WebP, GIF (first frame), AVIF, TIFF; EXIF orientation applied. */
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_PIXELS, SNIFF_BYTES, refuseBeforeDecoding } from '../detector/image-format';
import type { RgbaImage } from '../detector/preprocess';

/** The first SNIFF_BYTES of a file (fewer when it is shorter). */
async function head(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function decodeImage(input: string | Uint8Array): Promise<RgbaImage> {
  // The same refusals, with the same words, as the page (src/detector/image-format.ts): SVG in particular is not
  // rendered here either, although libvips could.
  const refused = refuseBeforeDecoding(typeof input === 'string' ? await head(input) : input.subarray(0, SNIFF_BYTES));
  if (refused) throw new Error(refused);
  const image = sharp(input, { limitInputPixels: MAX_PIXELS, pages: 1, failOn: 'error' });
  const { data, info } = await image.rotate().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
