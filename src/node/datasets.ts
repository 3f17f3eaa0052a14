/** Readers for ../shared/data: NHWC uint8 gz sets and the photo folders (see shared/data/README.md). */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RgbaImage } from '../detector/preprocess';
import { toRgba } from '../detector/preprocess';
import { decodeImage } from './decode';

export const DEFAULT_DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data');

export interface ImageSet {
  name: string;
  images: RgbaImage[];
  labels: Uint8Array;
  labelNames: string[];
}

export async function loadImageSet(name: string, options: { dataDir?: string; limit?: number } = {}): Promise<ImageSet> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const meta = JSON.parse(await readFile(path.join(dataDir, `${name}.json`), 'utf8')) as {
    count: number; height: number; width: number; channels: 1 | 3; file: string; labels_file: string; label_names: string[];
  };
  const pixels = gunzipSync(await readFile(path.join(dataDir, meta.file)));
  const labels = gunzipSync(await readFile(path.join(dataDir, meta.labels_file)));
  const count = Math.min(meta.count, options.limit ?? meta.count);
  const stride = meta.height * meta.width * meta.channels;
  const images: RgbaImage[] = [];
  for (let i = 0; i < count; i++) {
    const view = new Uint8Array(pixels.buffer, pixels.byteOffset + i * stride, stride);
    images.push(toRgba(view, meta.width, meta.height, meta.channels));
  }
  return { name, images, labels: new Uint8Array(labels.subarray(0, count)), labelNames: meta.label_names };
}

export async function loadPhotos(split: 'train' | 'val', dataDir = DEFAULT_DATA_DIR): Promise<{ file: string; image: RgbaImage }[]> {
  const folder = path.join(dataDir, 'photos', split);
  const files = (await readdir(folder)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  return Promise.all(files.map(async (file) => ({ file, image: await decodeImage(path.join(folder, file)) })));
}

/** A rectangular region copied out of an RGBA image. */
export function cropImage(image: RgbaImage, left: number, top: number, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const start = ((top + y) * image.width + left) * 4;
    data.set(image.data.subarray(start, start + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Small deterministic PRNG (mulberry32) so sampled protocols are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleIndices(count: number, take: number, random: () => number): number[] {
  const indices = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, take);
}
