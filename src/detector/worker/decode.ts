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

/**
 * How a picture is decoded to a bitmap. A picture that may have alpha keeps it unpremultiplied (the canvas read-back
 * then loses no precision). A JPEG has no alpha channel, so premultiplying changes no byte (tests/e2e/decode.test.ts
 * holds both paths to the canvas's bytes), and asking for 'none' there costs time: in Chromium 150 it took 81 ms
 * instead of 52 ms for a 12-megapixel JPEG, with byte-identical pixels.
 */
function bitmapOptions(opaque: boolean): ImageBitmapOptions {
  return opaque ? { imageOrientation: 'from-image' } : { imageOrientation: 'from-image', premultiplyAlpha: 'none' };
}

async function decodeBlob(blob: Blob): Promise<{ bitmap: ImageBitmap; opaque: boolean }> {
  // Refuse what is not a picture (empty, HEIC, SVG, PDF, text) and giant pictures from their header, before the
  // decoder allocates them.
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const refused = refuseBeforeDecoding(head);
  if (refused) throw new ImageInputError(refused);
  const opaque = sniffImageFormat(head) === 'jpeg';
  try {
    const bitmap = await createImageBitmap(blob, bitmapOptions(opaque));
    return { bitmap, opaque };
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

/**
 * A pixel array lent from one decode to the next in a worker. Writing a fresh array of a 12-megapixel photo's
 * 50 MB costs its page faults: the VideoFrame copy took 29 ms into a fresh array and 2.3 ms into a reused one
 * (Chromium 150, the 2-core development machine). The worker gives a picture's array back once ViewBatchBuilder.add
 * has copied it into the tensors. A lent array is not lent twice (two overlapping score calls each get their own),
 * and arrays above KEEP_BYTES are not kept, so a rare giant picture does not hold its memory after it is scored.
 */
export class PixelScratch {
  static readonly KEEP_BYTES = 64 * 2 ** 20;
  #kept: ArrayBuffer | null = null;

  /** An array of `bytes` bytes, the kept one when it is large enough; its old contents are to be overwritten. */
  take(bytes: number): Uint8ClampedArray {
    const kept = this.#kept;
    if (kept && kept.byteLength >= bytes) {
      this.#kept = null;
      return new Uint8ClampedArray(kept, 0, bytes);
    }
    return new Uint8ClampedArray(bytes);
  }

  /** Takes back pixels nobody reads any more (the caller must not use `data` after this). */
  giveBack(data: ArrayBufferView): void {
    const { buffer } = data;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength > PixelScratch.KEEP_BYTES) return;
    if (!this.#kept || this.#kept.byteLength < buffer.byteLength) this.#kept = buffer;
  }

  release(): void {
    this.#kept = null;
  }
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
export async function framePixels(bitmap: ImageBitmap, scratch?: PixelScratch): Promise<PixelImage | null> {
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
    const asIs = frame.format === 'BGRX' && isSrgb(frame);
    if (!asIs && !copyToConverts(frame)) return null;
    // Taken only once the copy will happen, so a frame that cannot be converted does not use up the lent array.
    const data = scratch ? scratch.take(width * height * 4) : new Uint8ClampedArray(width * height * 4);
    const layout = [{ offset: 0, stride: width * 4 }];
    if (asIs) {
      await frame.copyTo(data, { layout });
      return { width, height, data, layout: 'bgrx' };
    }
    await frame.copyTo(data, { layout, format: 'RGBA', colorSpace: 'srgb' });
    return { width, height, data };
  } catch {
    return null;
  } finally {
    frame.close();
  }
}

/** With a `scratch`, a JPEG's pixels may be written into an array it lends (give them back when done). */
export async function decodeInput(input: WorkerImageInput, scratch?: PixelScratch): Promise<PixelImage> {
  switch (input.kind) {
    case 'pixels':
      if (input.width * input.height > MAX_PIXELS) throw tooLarge(input.width, input.height);
      return { width: input.width, height: input.height, data: input.data };
    case 'bitmap':
      return bitmapPixels(input.bitmap);
    case 'blob': {
      const { bitmap, opaque } = await decodeBlob(input.blob);
      try {
        return (opaque ? await framePixels(bitmap, scratch) : null) ?? bitmapPixels(bitmap);
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
      return decodeInput({ kind: 'blob', blob: await response.blob() }, scratch);
    }
  }
}
