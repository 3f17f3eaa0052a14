/**
 * Worker-side decoding: any input -> RGBA pixels at the image's native size, EXIF orientation applied.
 * The canvas only copies pixels (drawn 1:1); every resample happens in preprocess.ts, as in Node.
 */
import type { RgbaImage } from '../preprocess';
import type { WorkerImageInput } from '../protocol';

/** Same limit as the Node decoder (src/node/decode.ts). */
export const MAX_PIXELS = 100_000_000;

export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

function tooLarge(width: number, height: number): ImageInputError {
  return new ImageInputError(
    `image is ${width}x${height} (${(width * height / 1e6).toFixed(0)} megapixels); the limit is ${MAX_PIXELS / 1e6} megapixels`,
  );
}

/** Width and height from the file header of PNG, GIF, JPEG, BMP and WebP (VP8X), or null if unknown. */
export function headerSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
  if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(1, 3) === 'PNG') {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && ascii(0, 3) === 'GIF') {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes.length >= 26 && ascii(0, 2) === 'BM') {
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (bytes.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP' && ascii(12, 4) === 'VP8X') {
    const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1]!;
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      at += 2 + view.getUint16(at + 2);
    }
  }
  return null;
}

async function decodeBlob(blob: Blob): Promise<ImageBitmap> {
  // Refuse giant pictures from their header, before the decoder allocates them.
  const size = headerSize(new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer()));
  if (size && size.width * size.height > MAX_PIXELS) throw tooLarge(size.width, size.height);
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch {
    const type = blob.type ? ` (${blob.type})` : '';
    throw new ImageInputError(`not a readable image${type}: the browser could not decode it`);
  }
}

function bitmapPixels(bitmap: ImageBitmap): RgbaImage {
  const { width, height } = bitmap;
  if (!(width > 0 && height > 0)) throw new ImageInputError('image has no pixels');
  if (width * height > MAX_PIXELS) throw tooLarge(width, height);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!context) throw new ImageInputError('no 2D canvas in this worker');
  context.imageSmoothingEnabled = false;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { width, height, data };
}

export async function decodeInput(input: WorkerImageInput): Promise<RgbaImage> {
  switch (input.kind) {
    case 'pixels':
      if (input.width * input.height > MAX_PIXELS) throw tooLarge(input.width, input.height);
      return { width: input.width, height: input.height, data: input.data };
    case 'bitmap':
      return bitmapPixels(input.bitmap);
    case 'blob': {
      const bitmap = await decodeBlob(input.blob);
      try {
        return bitmapPixels(bitmap);
      } finally {
        bitmap.close();
      }
    }
    case 'url': {
      let response: Response;
      try {
        response = await fetch(input.url);
      } catch (error) {
        throw new ImageInputError(`could not fetch ${input.url}: ${String(error)}`);
      }
      if (!response.ok) throw new ImageInputError(`could not fetch ${input.url}: HTTP ${response.status}`);
      return decodeInput({ kind: 'blob', blob: await response.blob() });
    }
  }
}
