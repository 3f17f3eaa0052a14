/** Readers for ../shared/data: NHWC uint8 gz sets and the photo folders (see shared/data/README.md). */
import { readFileSync } from 'node:fs';
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

/** The photographs of photos/train or photos/val (JPEG and PNG), sorted by name: file names, not paths. */
export async function photoFiles(split: 'train' | 'val', dataDir = DEFAULT_DATA_DIR): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'photos', split))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
}

export async function loadPhotos(split: 'train' | 'val', dataDir = DEFAULT_DATA_DIR): Promise<{ file: string; image: RgbaImage }[]> {
  const folder = path.join(dataDir, 'photos', split);
  const files = await photoFiles(split, dataDir);
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

/** The CIFAKE validation split training held out: the last `count` of cifake_train (original JPEG bytes). */
export async function loadCifakeValidation(options: { dataDir?: string; count?: number; limit?: number } = {}): Promise<ImageSet> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const meta = JSON.parse(await readFile(path.join(dataDir, 'cifake_train.json'), 'utf8')) as {
    count: number; file: string; sizes_file: string; labels_file: string; label_names: string[];
  };
  const blob = gunzipSync(await readFile(path.join(dataDir, meta.file)));
  const sizes = gunzipSync(await readFile(path.join(dataDir, meta.sizes_file)));
  const labels = gunzipSync(await readFile(path.join(dataDir, meta.labels_file)));
  const first = meta.count - (options.count ?? 10_000);
  let offset = 0;
  for (let i = 0; i < first; i++) offset += sizes.readUInt32LE(4 * i);
  const end = Math.min(meta.count, first + (options.limit ?? meta.count));
  const images: RgbaImage[] = [];
  for (let i = first; i < end; i++) {
    const size = sizes.readUInt32LE(4 * i);
    images.push(await decodeImage(new Uint8Array(blob.subarray(offset, offset + size))));
    offset += size;
  }
  return { name: 'cifake_validation', images, labels: new Uint8Array(labels.subarray(first, end)), labelNames: meta.label_names };
}

/** One picture of an sd15_grids file: its rectangle in the grid (training/sd-tiles.json). */
export interface SdTile {
  name: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How an sd15_grids file is cut into its four pictures, inner seams trimmed: the file training/native.py reads too. */
export const SD_TILES: readonly SdTile[] = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../training/sd-tiles.json'), 'utf8')) as { tiles: SdTile[] }
).tiles;

/** The four tiles of each named sd15_grids file, cut as training cuts them (SD_TILES). */
export async function loadSdTiles(files: readonly string[], dataDir = DEFAULT_DATA_DIR): Promise<{ file: string; image: RgbaImage }[]> {
  const tiles: { file: string; image: RgbaImage }[] = [];
  for (const file of files) {
    const grid = await decodeImage(path.join(dataDir, 'sd15_grids', file));
    for (const tile of SD_TILES) tiles.push({ file: `${file}#${tile.name}`, image: cropImage(grid, tile.left, tile.top, tile.width, tile.height) });
  }
  return tiles;
}

/** gen_train pictures of the given generators, by generator (index.csv order). */
export async function loadGenerators(generators: readonly string[], dataDir = DEFAULT_DATA_DIR): Promise<Map<string, RgbaImage[]>> {
  const folder = path.join(dataDir, 'gen_train');
  const rows = (await readFile(path.join(folder, 'index.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
  const byGenerator = new Map<string, RgbaImage[]>(generators.map((g) => [g, []]));
  for (const [file, generator] of rows) {
    if (generator && byGenerator.has(generator)) byGenerator.get(generator)!.push(await decodeImage(path.join(folder, file!)));
  }
  return byGenerator;
}
