/**
 * The edits of the report's in-the-wild edit table (src/node/evaluate-wild.ts): what a picture goes through between
 * its maker and the detector. Every edit but the noise runs through one sharp pipeline (viaSharp): the decoded RGBA
 * pixels in, the edit, and for the lossy ones one encode that the command line's decoder (decode.ts) reads back.
 * The noise is drawn in JS from a seeded generator, so the table is the same on every run.
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { RgbaImage } from '../detector/preprocess';
import { toRgba } from '../detector/preprocess';
import { cropImage, seededRandom } from './datasets';
import { decodeImage } from './decode';

/** One edit: the picture, a real picture to take a patch from, and a seed of its own. */
export type Edit = (image: RgbaImage, donor: RgbaImage, seed: number) => Promise<RgbaImage>;

/** Side of the real patch pasted in (clipped to the smaller of the two pictures). */
export const PATCH_SIDE = 256;

/** The RGB pixels through `build` (sharp operations), then raw out, or through `encode` and back through decode.ts. */
export async function viaSharp(image: RgbaImage, build: (s: Sharp) => Sharp, encode?: (s: Sharp) => Sharp): Promise<RgbaImage> {
  const input = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw: { width: image.width, height: image.height, channels: 4 } });
  const edited = build(input.removeAlpha());
  if (encode) return decodeImage(new Uint8Array(await encode(edited).toBuffer()));
  const { data, info } = await edited.raw().toBuffer({ resolveWithObject: true });
  return toRgba(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels as 3);
}

/** `pixels` cut off the top and the left (sharp extract). */
const shifted = (image: RgbaImage, pixels: number) =>
  viaSharp(image, (s) => s.extract({ left: pixels, top: pixels, width: image.width - pixels, height: image.height - pixels }));

/** Resized (lanczos3, sharp's default) so that the short side is `side` px, the aspect kept. */
const shortSide = (image: RgbaImage, side: number) =>
  viaSharp(image, (s) => s.resize(image.width <= image.height ? { width: side } : { height: side }));

/** Half the size, each side rounded half up (Math.round): the evaluation's halving. */
export const half = (image: RgbaImage) => ({ width: Math.max(1, Math.round(image.width / 2)), height: Math.max(1, Math.round(image.height / 2)) });

/** Gaussian noise of standard deviation `sigma` on R, G and B (Box-Muller from the seed), rounded and clamped. */
export function withNoise(image: RgbaImage, sigma: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(image.data);
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      data[i + c] = Math.min(255, Math.max(0, Math.round(data[i + c]! + sigma * gaussian)));
    }
  }
  return { width: image.width, height: image.height, data };
}

/** Width and height of the patch a donor gives a picture: PATCH_SIDE, clipped to both. */
export function patchSize(image: RgbaImage, donor: RgbaImage): { width: number; height: number } {
  return { width: Math.min(PATCH_SIDE, image.width, donor.width), height: Math.min(PATCH_SIDE, image.height, donor.height) };
}

/** The share of a picture that a donor's patch covers (1 for a picture of at most PATCH_SIDE px: wholly the donor's). */
export function patchCover(image: RgbaImage, donor: RgbaImage): number {
  const { width, height } = patchSize(image, donor);
  return (width * height) / (image.width * image.height);
}

/** The report's partly-patched pictures: those the patch covers at most this share of. */
export const PARTLY_COVERED = 0.5;

/** A patch of the donor (at a seeded place) pasted over the picture at a seeded place (sharp composite). */
export function pasted(image: RgbaImage, donor: RgbaImage, seed: number): Promise<RgbaImage> {
  const random = seededRandom(seed);
  const { width, height } = patchSize(image, donor);
  const at = (room: number) => Math.floor(random() * (room + 1));
  const patch = cropImage(donor, at(donor.width - width), at(donor.height - height), width, height);
  const [left, top] = [at(image.width - width), at(image.height - height)];
  const input = Buffer.from(patch.data.buffer, patch.data.byteOffset, patch.data.length);
  return viaSharp(image, (s) => s.composite([{ input, raw: { width, height, channels: 4 }, left, top }]));
}

/** The edit that pastes a real patch (the report adds its figures on pictures the patch covers at most half of). */
export const PATCH_EDIT = `real ${PATCH_SIDE}-px patch`;

/** The edit table's conditions, in the report's order. */
export const EDITS: Record<string, Edit> = {
  'as is': async (image) => image,
  'shift 1 px': (image) => shifted(image, 1),
  'shift 2 px': (image) => shifted(image, 2),
  'short side 128': (image) => shortSide(image, 128),
  'short side 129': (image) => shortSide(image, 129),
  'enlarge 1.5x': (image) => viaSharp(image, (s) => s.resize(Math.round(image.width * 1.5), Math.round(image.height * 1.5))),
  'jpeg q75': (image) => viaSharp(image, (s) => s, (s) => s.jpeg({ quality: 75 })),
  'half + jpeg q85': (image) => viaSharp(image, (s) => s.resize(half(image)), (s) => s.jpeg({ quality: 85 })),
  'blur sigma 1': (image) => viaSharp(image, (s) => s.blur(1)),
  'noise sigma 3': async (image, _donor, seed) => withNoise(image, 3, seed),
  [PATCH_EDIT]: (image, donor, seed) => pasted(image, donor, seed),
};

/** Re-encodings of the pooled real pictures (share flagged at the default threshold). */
export const REAL_FORMATS: Record<string, (image: RgbaImage) => Promise<RgbaImage>> = {
  png: (image) => viaSharp(image, (s) => s, (s) => s.png()),
  'webp q80': (image) => viaSharp(image, (s) => s, (s) => s.webp({ quality: 80 })),
  'jpeg q92': (image) => viaSharp(image, (s) => s, (s) => s.jpeg({ quality: 92 })),
  'half size': (image) => viaSharp(image, (s) => s.resize(half(image))),
};
