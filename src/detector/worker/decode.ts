/**
 * Worker-side decoding: any input -> pixels at the image's native size, EXIF orientation applied (RGBA, or
 * BGRX for a JPEG read through a VideoFrame). The canvas or the VideoFrame only copies pixels; every resample
 * happens in preprocess.ts, as in Node.
 */
import type { PixelImage, RgbaImage } from '../preprocess';
import type { WorkerImageInput } from '../protocol';
import { MAX_PIXELS, SNIFF_BYTES, refuseBeforeDecoding, sniffImageFormat, tooLargeMessage } from '../image-format';

export class ImageInputError extends Error {
  override name = 'ImageInputError';
}

function tooLarge(width: number, height: number): ImageInputError {
  return new ImageInputError(tooLargeMessage(width, height));
}

async function decodeBlob(blob: Blob): Promise<{ bitmap: ImageBitmap; opaque: boolean }> {
  // Refuse what is not a picture (empty, HEIC, SVG, PDF, text) and giant pictures from their header, before the
  // decoder allocates them.
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const refused = refuseBeforeDecoding(head);
  if (refused) throw new ImageInputError(refused);
  try {
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
    // JPEG has no alpha channel, so nothing is premultiplied on either read-back path.
    return { bitmap, opaque: sniffImageFormat(head) === 'jpeg' };
  } catch {
    const type = blob.type ? ` (${blob.type})` : '';
    throw new ImageInputError(`not a readable image${type}: the browser could not decode it`);
  }
}

function checkedSize(bitmap: ImageBitmap): { width: number; height: number } {
  const { width, height } = bitmap;
  if (!(width > 0 && height > 0)) throw new ImageInputError('image has no pixels');
  if (width * height > MAX_PIXELS) throw tooLarge(width, height);
  return { width, height };
}

/** The pixels through a 2D canvas: drawn 1:1, read back as sRGB ImageData. Works for every picture. */
export function bitmapPixels(bitmap: ImageBitmap): RgbaImage {
  const { width, height } = checkedSize(bitmap);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!context) throw new ImageInputError('no 2D canvas in this worker');
  context.imageSmoothingEnabled = false;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { width, height, data };
}

/** Whether this browser's VideoFrame.copyTo takes `format` and `colorSpace` (WebIDL reads every member it knows). */
function copyToConverts(frame: VideoFrame): boolean {
  const read = new Set<string>();
  frame.allocationSize({
    get format() {
      read.add('format');
      return 'RGBA' as const;
    },
    get colorSpace() {
      read.add('colorSpace');
      return 'srgb' as const;
    },
  } as VideoFrameCopyToOptions);
  return read.has('format') && read.has('colorSpace');
}

/** Whether the frame's pixels are already sRGB (as the bitmap of a JPEG without a colour profile is). */
function isSrgb(frame: VideoFrame): boolean {
  const { primaries, transfer, matrix } = frame.colorSpace;
  return primaries === 'bt709' && transfer === 'iec61966-2-1' && matrix === 'rgb';
}

/**
 * The pixels of an opaque picture (a JPEG) in one copy, from the bitmap wrapped in a VideoFrame, instead of a
 * canvas draw and a getImageData (two passes over 48 MB for a 12-megapixel photo):
 * - an sRGB frame in BGRX (Chromium's usual one for a JPEG) is copied as it is, a BgrxImage for the views;
 * - any other frame is converted to sRGB RGBA by copyTo.
 * The same pixels as bitmapPixels for such pictures (tests/e2e/decode.test.ts); null where that is not known to
 * hold: no VideoFrame, a copyTo that cannot convert, or a frame that carries the EXIF orientation as rotation /
 * flip instead of in its pixels. Not for pictures with alpha: the canvas premultiplies, so their bytes differ.
 */
export async function framePixels(bitmap: ImageBitmap): Promise<PixelImage | null> {
  if (typeof VideoFrame === 'undefined') return null;
  const { width, height } = checkedSize(bitmap);
  let frame: VideoFrame;
  try {
    frame = new VideoFrame(bitmap, { timestamp: 0 });
  } catch {
    return null;
  }
  try {
    // rotation / flip are newer than TypeScript's DOM types; a browser without them gives undefined: not upright.
    const { rotation, flip } = frame as VideoFrame & { rotation?: number; flip?: boolean };
    const upright = rotation === 0 && flip === false && frame.codedWidth === width && frame.codedHeight === height;
    if (!upright) return null;
    const data = new Uint8ClampedArray(width * height * 4);
    const layout = [{ offset: 0, stride: width * 4 }];
    if (frame.format === 'BGRX' && isSrgb(frame)) {
      await frame.copyTo(data, { layout });
      return { width, height, data, layout: 'bgrx' };
    }
    if (!copyToConverts(frame)) return null;
    await frame.copyTo(data, { layout, format: 'RGBA', colorSpace: 'srgb' });
    return { width, height, data };
  } catch {
    return null;
  } finally {
    frame.close();
  }
}

export async function decodeInput(input: WorkerImageInput): Promise<PixelImage> {
  switch (input.kind) {
    case 'pixels':
      if (input.width * input.height > MAX_PIXELS) throw tooLarge(input.width, input.height);
      return { width: input.width, height: input.height, data: input.data };
    case 'bitmap':
      return bitmapPixels(input.bitmap);
    case 'blob': {
      const { bitmap, opaque } = await decodeBlob(input.blob);
      try {
        return (opaque ? await framePixels(bitmap) : null) ?? bitmapPixels(bitmap);
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
