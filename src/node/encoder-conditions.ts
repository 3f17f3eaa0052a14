/**
 * Training's robustness conditions under both encoders (issue 21 item 3): training calibrates on validation photos
 * re-encoded by PIL (training/trace_view.py `conditioned`), the evaluation re-encodes with sharp. This module gets
 * the PIL pictures from training's own code (training/encode_conditions.py, run with Debian's python3) and makes
 * the same conditions with sharp through the evaluation's own helpers (evaluate-generated.ts CONDITIONS, wild-edits.ts
 * viaSharp), so `npm run models:encoders` (encoder-parity.ts) and tests/models/encoders.test.ts can score and compare them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Sharp } from 'sharp';
import type { RgbaImage } from '../detector/preprocess';
import { decodeImage } from './decode';
import { CONDITIONS } from './evaluate-generated';
import { EDITS, viaSharp } from './wild-edits';

export const PYTHON = process.env.PREFLIGHT_PYTHON ?? '/usr/bin/python3';
export const HELPER = path.resolve(import.meta.dirname, '../../training/encode_conditions.py');

/** One robustness condition as training/encode_conditions.py describes it (trace_view.PHOTO_CONDITIONS, plus the halving). */
export interface EncoderCondition {
  name: string;
  format: 'png' | 'jpeg' | 'webp';
  quality: number | null;
  /** Resize factor before encoding (null: none), with PIL's resampler `resample`. */
  scale: number | null;
  resample: 'lanczos' | null;
}

/**
 * What the helper wrote: library versions, the conditions, the everyday edits' names (trace_view.EVERYDAY_EDITS),
 * and per photo the decoded source, one PNG per condition and one per edit.
 */
export interface PilConditioned {
  pillow: string;
  libjpeg: string;
  libwebp: string;
  conditions: EncoderCondition[];
  edits: string[];
  photos: { file: string; source: string; conditions: string[]; edits: string[] }[];
}

/**
 * Runs training/encode_conditions.py on `files` into a fresh temporary folder; `dispose` removes it. The PNG files
 * are lossless, so decodeImage gives back exactly the pixels PIL decoded.
 */
export async function pilConditioned(files: readonly string[]): Promise<PilConditioned & { dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'encoders-'));
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [HELPER, '--out', dir, ...files], { maxBuffer: 64 * 2 ** 20, encoding: 'utf8' });
    const answer = JSON.parse(stdout) as PilConditioned;
    if (answer.photos.length !== files.length) throw new Error(`encode_conditions.py wrote ${answer.photos.length} photos of ${files.length}`);
    return { ...answer, dir, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const SHARP_KERNELS = { lanczos: 'lanczos3' } as const;

const encoderOf = (condition: EncoderCondition) => (s: Sharp): Sharp => {
  const quality = condition.quality ?? undefined;
  if (condition.format === 'png') return s.png();
  // 4:2:0, as PIL's default (native.encode passes no subsampling for these conditions).
  if (condition.format === 'jpeg') return s.jpeg({ quality, chromaSubsampling: '4:2:0' });
  return s.webp({ quality });
};

/**
 * The sharp side of one condition, and where it comes from: the evaluation's own re-encoding when it has this
 * condition (evaluate-generated.ts CONDITIONS, by the same name), else wild-edits.ts viaSharp with the condition's
 * parameters. A resize goes to `size` (the size PIL's picture came out at), so both encoders get the same job.
 */
export function sharpCondition(condition: EncoderCondition): { source: string; apply: (image: RgbaImage, size: { width: number; height: number }) => Promise<RgbaImage> } {
  const evaluation = CONDITIONS[condition.name];
  if (condition.scale === null && evaluation) return { source: `evaluate-generated.ts CONDITIONS['${condition.name}']`, apply: (image) => evaluation(image) };
  if (condition.scale !== null && condition.resample === null) throw new Error(`${condition.name}: a resize without a resampler`);
  const kernel = condition.resample === null ? null : SHARP_KERNELS[condition.resample];
  const encode = encoderOf(condition);
  const steps = [kernel ? `resize (${kernel}) to PIL's size` : '', `${condition.format}${condition.quality === null ? '' : ` q${condition.quality}`}${condition.format === 'jpeg' ? ' 4:2:0' : ''}`].filter(Boolean);
  return {
    source: `wild-edits.ts viaSharp: ${steps.join(', ')}`,
    apply: (image, size) => viaSharp(image, (s) => (kernel ? s.resize({ ...size, fit: 'fill', kernel }) : s), encode),
  };
}

/**
 * The sharp side of one of training's everyday edits (trace_view.EVERYDAY_EDITS): the report's edit of the same name
 * (wild-edits.ts EDITS), as the edit table makes it, sizes and rounding included; so the comparison says whether the
 * presets, quantiles over training's edits, hold for the report's. The noise is drawn from `seed` (its own generator:
 * only its distribution is shared).
 */
export function sharpEdit(name: string): { source: string; apply: (image: RgbaImage, seed: number) => Promise<RgbaImage> } {
  const edit = EDITS[name];
  if (!edit) throw new Error(`training's everyday edit '${name}' is not in the report's edit table (wild-edits.ts EDITS)`);
  return { source: `wild-edits.ts EDITS['${name}']`, apply: (image, seed) => edit(image, image, seed) };
}

/** Mean and largest absolute difference over R, G and B of two pictures of one size; null when the sizes differ. */
export function pixelDifference(a: RgbaImage, b: RgbaImage): { mean: number; max: number } | null {
  if (a.width !== b.width || a.height !== b.height) return null;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c]! - b.data[i + c]!);
      sum += d;
      if (d > max) max = d;
    }
  }
  return { mean: sum / (a.width * a.height * 3), max };
}

/** Decodes one of the helper's PNG files (lossless: PIL's pixels as they are). */
export const readPng = (file: string): Promise<RgbaImage> => decodeImage(file);
