/**
 * TypeScript against training's own Python, on pictures and scores made here (tests/models/python-reference.py
 * imports training/crops.py, data.py and train.py; nothing is copied):
 *
 * - crop selection: src/detector/crops.ts (through ViewBatchBuilder, as every path picks) against crops.py on the
 *   picture as training loads it (data.load_photo), for 24 pictures of assorted sizes, aspect ratios and alpha;
 * - area resampling at non-integer ratios: preprocess.ts's whole-image tensor against data.area_resize of the
 *   centre square, at 128 px (the tensor) and at 32 px (what the networks see: the graph averages 4x4);
 * - calibration and ensemble: scoring.ts judge() on aggregateCrops against training's ensemble_of / model_scores /
 *   aggregate_crops (training/calibration.py, or train.py before that stage existed), for the geometric mean over
 *   all crops and the top-k rule, at several trace weights;
 * - SD 1.5 grid tiles: src/node/datasets.ts loadSdTiles against training/native.py sd_tiles (both read
 *   training/sd-tiles.json), on two grids of ../shared/data/sd15_grids.
 *
 * Pictures are written as PNG and both sides decode that file (sharp here, PIL there).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowOverlap } from '../../src/detector/crops';
import type { CropSpec, ModelManifest } from '../../src/detector/manifest';
import { MODEL_KEYS, parseManifest } from '../../src/detector/manifest';
import type { RgbaImage } from '../../src/detector/preprocess';
import { aggregateCrops, judge } from '../../src/detector/scoring';
import type { ModelScores } from '../../src/detector/scoring';
import { ViewBatchBuilder } from '../../src/detector/views';
import { DEFAULT_DATA_DIR, loadSdTiles, seededRandom } from '../../src/node/datasets';
import { decodeImage } from '../../src/node/decode';
import { DEFAULT_MODELS_DIR } from '../../src/node/ort-node';

const PYTHON = process.env.PREFLIGHT_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'python-reference.py');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the script's JSON answers
type Answers = any;
function python(tasks: object): Answers {
  const out = execFileSync(PYTHON, [SCRIPT], { input: JSON.stringify(tasks), maxBuffer: 512 * 2 ** 20, encoding: 'utf8' });
  return JSON.parse(out);
}

type Alpha = 'opaque' | 'faded' | 'ramp' | 'tiled' | 'noise';

/**
 * A picture with gradients, a few noisy patches of different strength (so windows differ in detail) and, for
 * 'faded' / 'ramp', alpha from 128 to 254 (never see-through: crops.ts's see-through rule, which training's
 * opaque pictures never meet, is tested in tests/unit/crops.test.ts). 'tiled' is opaque and repeats a 4x4 tile, so
 * windows tie on detail and the tie-break (top, then left) decides the pick; 'noise' is opaque uniform noise, the
 * extreme values of crops.ts's 16-bit lanes (its 32-bit word fast path).
 */
function picture(width: number, height: number, seed: number, alpha: Alpha): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  const patches = Array.from({ length: 5 }, () => ({
    x: Math.floor(random() * width), y: Math.floor(random() * height), size: 16 + Math.floor(random() * 120), amplitude: 10 + Math.floor(random() * 110),
  }));
  const fade = 128 + Math.floor(random() * 120);
  const tile = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      if (alpha === 'noise') {
        data.set([random() * 256, random() * 256, random() * 256, 255], p);
        continue;
      }
      if (alpha === 'tiled') {
        const level = tile[(y % 4) * 4 + (x % 4)]!;
        data.set([level, 255 - level, (level * 7) % 256, 255], p);
        continue;
      }
      let noise = 0;
      for (const patch of patches) {
        if (x >= patch.x && x < patch.x + patch.size && y >= patch.y && y < patch.y + patch.size) noise += (random() * 2 - 1) * patch.amplitude;
      }
      data[p] = Math.max(0, Math.min(255, Math.round((x * 255) / width + noise)));
      data[p + 1] = Math.max(0, Math.min(255, Math.round((y * 255) / height - noise)));
      data[p + 2] = Math.max(0, Math.min(255, Math.round(((x + 2 * y) * 128) / (width + height) + noise / 2)));
      data[p + 3] = alpha === 'opaque' ? 255 : alpha === 'faded' ? fade : 128 + Math.floor((127 * x) / width);
    }
  }
  return { width, height, data };
}

/** 29 pictures (24 whose short side is no integer multiple or fraction of 128): square, landscape, portrait, strips, just over and just under the crop size, some with alpha. */
const PICTURES: Array<[number, number, Alpha]> = [
  [128, 128, 'opaque'], [129, 131, 'opaque'], [130, 127, 'opaque'], [200, 300, 'opaque'], [300, 200, 'opaque'],
  [481, 321, 'opaque'], [321, 481, 'opaque'], [640, 128, 'opaque'], [128, 640, 'opaque'], [1000, 257, 'opaque'],
  [257, 1000, 'opaque'], [777, 555, 'opaque'], [150, 150, 'opaque'], [191, 193, 'opaque'], [512, 512, 'opaque'],
  [97, 61, 'opaque'], [1024, 683, 'opaque'], [333, 250, 'faded'], [250, 333, 'faded'], [128, 300, 'faded'],
  [420, 260, 'ramp'], [260, 420, 'ramp'], [700, 180, 'ramp'], [45, 90, 'ramp'], [96, 80, 'opaque'],
  [400, 300, 'tiled'], [300, 401, 'tiled'], [1000, 777, 'noise'], [2000, 3000, 'noise'],
];

let dir: string;
let files: string[];
let manifest: ModelManifest;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'python-parity-'));
  manifest = parseManifest(JSON.parse(readFileSync(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')));
  files = await Promise.all(
    PICTURES.map(async ([width, height, alpha], i) => {
      const file = path.join(dir, `p${i}-${width}x${height}-${alpha}.png`);
      const { data } = picture(width, height, 1000 + i, alpha);
      await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } }).png().toFile(file);
      return file;
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What every TypeScript path builds for one decoded file: its crop regions and its whole-image tensor. */
async function typescriptViews(file: string, models = manifest) {
  const builder = new ViewBatchBuilder(models, 1);
  const rows = builder.add(await decodeImage(file));
  return { regions: rows.regions, whole: builder.batch.whole };
}

describe('crop selection: src/detector/crops.ts against training/crops.py', () => {
  it('uses the same crop size, stride, number of crops and overlap limit as the manifest', () => {
    const { constants } = python({});
    const spec = manifest.input.crops as CropSpec;
    expect({ size: spec.size, stride: spec.stride, maxCrops: spec.maxCrops, maxOverlap: spec.maxOverlap, fillOverlap: spec.fillOverlap ?? spec.maxOverlap })
      .toEqual(constants);
  });

  it(`picks the same windows, in the same order, at the same detail, on ${PICTURES.length} pictures`, async () => {
    const answers = python({ crops: files.map((file) => ({ file })) });
    let withCrops = 0;
    for (const [i, file] of files.entries()) {
      const { regions } = await typescriptViews(file);
      const expected = (answers.crops[i] as number[][]).map(([top, left, detail]) => ({ left, top, detail }));
      expect(regions, path.basename(file)).toEqual(expected);
      if (regions.length > 1) withCrops++;
    }
    // The set exercises the pick itself (several windows), not only the trivial cases.
    expect(withCrops).toBeGreaterThanOrEqual(15);
  });
});

describe('the fill pass: src/detector/crops.ts against training/crops.py', () => {
  it('fills free slots with more overlapping windows alike (maxOverlap 2048, fillOverlap 8192)', async () => {
    const limits = { maxOverlap: 2048, fillOverlap: 8192 };
    const filling: ModelManifest = { ...manifest, input: { ...manifest.input, crops: { ...(manifest.input.crops as CropSpec), ...limits } } };
    const answers = python({ crops: files.map((file) => ({ file, ...limits })) });
    let filled = 0;
    for (const [i, file] of files.entries()) {
      const { regions } = await typescriptViews(file, filling);
      const expected = (answers.crops[i] as number[][]).map(([top, left, detail]) => ({ left, top, detail }));
      expect(regions, path.basename(file)).toEqual(expected);
      // A pick that took a window overlapping an earlier one by more than maxOverlap came from the fill pass.
      const overlaps = regions.flatMap((a, j) => regions.slice(0, j).map((b) => windowOverlap(a, b, filling.input.crops!.size)));
      if (overlaps.some((overlap) => overlap > limits.maxOverlap)) filled++;
    }
    // The set exercises the fill pass itself, not only pictures with room for every crop apart.
    expect(filled).toBeGreaterThanOrEqual(5);
  });
});

describe('area resampling at non-integer ratios: preprocess.ts against training/data.py', () => {
  const size = 128;
  /** The 128-px tensor (planar RGB) area-averaged 4x4 to 32 px, as the graph's first op does. */
  function quarter(tensor: Float32Array): Float64Array {
    const out = new Float64Array(3 * 32 * 32);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) {
          const o = c * 1024 + (y >> 2) * 32 + (x >> 2);
          out[o] = out[o]! + tensor[c * 128 * 128 + y * 128 + x]! / 16;
        }
      }
    }
    return out;
  }
  /** Largest |TypeScript - Python| over a planar tensor and a row-major HWC list. */
  function maxDifference(planar: ArrayLike<number>, hwc: number[], side: number): number {
    let worst = 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(planar[c * side * side + y * side + x]! - hwc[(y * side + x) * 3 + c]!));
      }
    }
    return worst;
  }

  it('gives the same whole-image tensor (128 px) and the same 32-px view as training, within float32 rounding', async () => {
    const answers = python({ resample: files.flatMap((file) => [{ file, size }, { file, size: 32 }]) });
    let nonInteger = 0;
    for (const [i, file] of files.entries()) {
      const [width, height] = PICTURES[i]!;
      // Crop selection is on the picture's own pixels; the whole view resamples its centre square, side min(w, h).
      if (Math.min(width, height) % size !== 0 && size % Math.min(width, height) !== 0) nonInteger++;
      const { whole } = await typescriptViews(file);
      expect(maxDifference(whole, answers.resample[2 * i], size), `${path.basename(file)} at 128`).toBeLessThan(1e-6);
      expect(maxDifference(quarter(whole), answers.resample[2 * i + 1], 32), `${path.basename(file)} at 32`).toBeLessThan(1e-6);
    }
    expect(nonInteger).toBeGreaterThanOrEqual(20);
  });
});

describe('calibration and ensemble: scoring.ts against training/train.py', () => {
  /** Raw scores of 60 pictures: a third without crops, the rest with 1 to 8 crops, values over six decades. */
  function rawPictures(seed: number) {
    const random = seededRandom(seed);
    const value = () => (random() < 0.03 ? 0 : Math.exp(-6 + 12 * random()));
    return Array.from({ length: 60 }, (_, i) => {
      const whole = { svdd: value(), autoencoder: value() };
      if (i % 3 === 0) return { whole, crops: null };
      const count = 1 + (i % 8);
      return { whole, crops: { svdd: Array.from({ length: count }, value), autoencoder: Array.from({ length: count }, value) } };
    });
  }
  const RULES = [
    { aggregate: 'geometric-mean' as const, topK: undefined, traceWeight: undefined },
    { aggregate: 'top-k-log-mean' as const, topK: 3, traceWeight: 1 },
    { aggregate: 'top-k-log-mean' as const, topK: 2, traceWeight: 0.65 },
    { aggregate: 'top-k-log-mean' as const, topK: 1, traceWeight: 0.5 },
    { aggregate: 'geometric-mean' as const, topK: undefined, traceWeight: 0.8 },
  ];

  /** scoring.ts judge() against training's model_scores / ensemble_of under each rule, for one calibration. */
  function expectParity(calibration: ModelManifest['calibration'], pictures: ReturnType<typeof rawPictures>) {
    const spec = manifest.input.crops as CropSpec;
    const answers = python({
      scoring: {
        calibration,
        weights: manifest.ensemble.weights,
        // train.py's aggregate_crops always takes the top k: the geometric mean over all crops is top-maxCrops.
        rules: RULES.map((rule) => ({ topK: rule.topK ?? spec.maxCrops, traceWeight: rule.traceWeight ?? 1 })),
        pictures,
      },
    });
    const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    RULES.forEach((rule, r) => {
      const variant = {
        calibration,
        ensemble: { ...manifest.ensemble, ...(rule.traceWeight === undefined ? {} : { traceWeight: rule.traceWeight }) },
      };
      const expected = answers.scoring[r];
      pictures.forEach((picture, i) => {
        const traceRaw: ModelScores | null = picture.crops
          ? { svdd: aggregateCrops(picture.crops.svdd, rule), autoencoder: aggregateCrops(picture.crops.autoencoder, rule) }
          : null;
        const crops = picture.crops
          ? picture.crops.svdd.map((svdd, c) => ({ left: 0, top: 0, size: 128, raw: { svdd, autoencoder: picture.crops!.autoencoder[c]! } }))
          : [];
        const judgement = judge(picture.whole, variant, 0.5, traceRaw, crops);
        const where = `rule ${r} (${rule.aggregate}, topK ${rule.topK}, traceWeight ${rule.traceWeight}), picture ${i}`;
        for (const key of MODEL_KEYS) {
          if (traceRaw) expect(close(traceRaw[key], expected.trace[key][i]), `${where}: ${key} trace ${traceRaw[key]} vs ${expected.trace[key][i]}`).toBe(true);
          else expect(expected.trace[key][i]).toBeNull();
          expect(close(judgement.scores[key], expected.models[key][i]), `${where}: ${key} ${judgement.scores[key]} vs ${expected.models[key][i]}`).toBe(true);
        }
        expect(close(judgement.score, expected.ensemble[i]), `${where}: ensemble ${judgement.score} vs ${expected.ensemble[i]}`).toBe(true);
      });
    });
  }

  it('gives every picture the same trace score, model scores and ensemble score under each rule', () => {
    expectParity(manifest.calibration, rawPictures(7));
  });

  it('calibrates pictures judged on many crops alike on a many-crops curve (the twentieth round\'s manifest, measured, not shipped)', () => {
    const calibration = parseManifest(JSON.parse(readFileSync('training/results/2026-12-07-many-crops.manifest.json', 'utf8'))).calibration;
    expect(calibration.svdd.trace!.manyCrops!.minCrops).toBe(6);
    expectParity(calibration, rawPictures(11));
  });
});

describe('SD 1.5 grid tiles: src/node/datasets.ts against training/native.py', () => {
  it('cuts each grid into the same four pictures (size and pixel sum)', async () => {
    const grids = ['Abigail-Larson.webp', 'Adam-Hughes.webp'];
    const answers = python({ tiles: grids.map((file) => ({ file: path.join(DEFAULT_DATA_DIR, 'sd15_grids', file) })) });
    const tiles = await loadSdTiles(grids);
    expect(tiles).toHaveLength(4 * grids.length);
    tiles.forEach(({ image }, i) => {
      // Both decoders composite nothing here (the grids are opaque): the pixel sum of RGB must agree exactly.
      let sum = 0;
      for (let p = 0; p < image.data.length; p += 4) sum += image.data[p]! + image.data[p + 1]! + image.data[p + 2]!;
      expect([image.height, image.width, sum], tiles[i]!.file).toEqual(answers.tiles[Math.floor(i / 4)][i % 4]);
    });
  });
});
