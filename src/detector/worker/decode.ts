/**
 * Worker-side decoding: any input -> RGBA pixels at the image's native size, EXIF orientation applied.
 * The canvas only copies pixels (drawn 1:1); every resample happens in preprocess.ts, as in Node.
 */
import type { RgbaImage } from '../preprocess';
import type { WorkerImageInput } from '../protocol';
import { MAX_PIXELS, SNIFF_BYTES, refuseBeforeDecoding, tooLargeMessage } from '../image-format';

export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

function tooLarge(width: number, height: number): ImageInputError {
  return new ImageInputError(tooLargeMessage(width, height));
}

async function decodeBlob(blob: Blob): Promise<ImageBitmap> {
  // Refuse what is not a picture (empty, HEIC, SVG, PDF, text) and giant pictures from their header, before the
  // decoder allocates them.
  const refused = refuseBeforeDecoding(new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (refused) throw new ImageInputError(refused);
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
