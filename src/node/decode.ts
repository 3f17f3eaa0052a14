/** Node image decoding with sharp (libvips): PNG, JPEG, WebP, GIF (first frame), AVIF, TIFF; EXIF orientation applied. */
import sharp from 'sharp';
import type { RgbaImage } from '../detector/preprocess';

/** Pictures larger than this are refused from their header, before any pixel is decoded. */
export const MAX_PIXELS = 100_000_000;

export async function decodeImage(input: string | Uint8Array): Promise<RgbaImage> {
  const image = sharp(input, { limitInputPixels: MAX_PIXELS, pages: 1, failOn: 'error' });
  const { data, info } = await image.rotate().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
