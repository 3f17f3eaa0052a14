/**
 * The decoded pixels every view reads (whole-image tensor, crop selection, crop tensors): RGBA as a decoder gives
 * them, or BGRX as Chromium's VideoFrame holds an opaque JPEG. Types only, so preprocess.ts and pixel-words.ts can
 * both use them without importing each other.
 */

/** RGBA pixels, row-major, as ImageData / a decoder gives them. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  /** Only ever 'rgba': marks that a BgrxImage is not one of these. */
  layout?: 'rgba';
}

/**
 * An opaque picture as Chromium's VideoFrame holds it (blue, green, red, one unused byte per pixel): the worker
 * reads JPEGs back this way, which saves a conversion pass over 48 MB for a 12-megapixel photo. The views
 * (imageToTensor, selectCrops, cropToTensor) read it as the RgbaImage with those channels and alpha 255.
 */
export interface BgrxImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  layout: 'bgrx';
}

/** What the views take: either byte order. */
export type PixelImage = RgbaImage | BgrxImage;
