/**
 * `npm run models:encoders` (src/node/encoder-parity.ts) on the first photos of photos/val: training's robustness
 * conditions as training's own Python encodes them (training/encode_conditions.py, PIL) against sharp.
 *
 * - The PIL side comes from Python: the Pillow version is the one /usr/bin/python3 imports, there are as many
 *   conditions as trace_view.PHOTO_CONDITIONS plus the halving, and every lossy condition really changed the
 *   pixels; the halving, where PIL's Lanczos and libvips's differ, gives pictures that are close but not the same
 *   as sharp's (so the two sides were not made by one library).
 * - sharp's pictures (encoder-conditions.ts) have PIL's sizes and are close to PIL's.
 * - The report's fields agree with the pictures and with scoring them here (node-detector.ts), with no figures
 *   typed in: shares flagged, score differences (their sign too), differing verdicts, pixel differences.
 * - Training's everyday edits (trace_view.EVERYDAY_EDITS, the presets' second population) come from Python too,
 *   are the report's edits of the same names made by sharp where the two must agree exactly (the shifts), and the
 *   report's `edits` rows agree with scoring both sides here.
 * - public/models/encoders.json, once there is one, is a full run on the models shipped beside it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareAtOrAbove } from '../../src/detector/metrics';
import type { RgbaImage } from '../../src/detector/preprocess';
import { DEFAULT_DATA_DIR, photoFiles } from '../../src/node/datasets';
import { PYTHON, pilConditioned, readPng, sharpCondition, sharpEdit } from '../../src/node/encoder-conditions';
import type { NodeDetector } from '../../src/node/node-detector';
import { createNodeDetector } from '../../src/node/node-detector';

const LIMIT = 3;
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Mean absolute difference over R, G and B (written here, not taken from the code under test). */
function meanAbs(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / (a.width * a.height * 3);
}
const round = (value: number) => Math.round(value * 1e5) / 1e5;
const average = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length;

interface ConditionReport {
  parameters: { name: string; scale: number | null };
  flagged: { pil: number; sharp: number };
  verdictsDiffer: number;
  ensembleScore: { meanAbsDifference: number; maxAbsDifference: number; largestAt: string | null; meanSharpMinusPil: number };
  pixels: { meanAbsDifference: number | null; maxAbsDifference: number | null; photosIdentical: number; sizeMismatches: number; evaluationHalfDiffers?: number };
}
interface EditReport extends Omit<ConditionReport, 'parameters' | 'pixels'> {
  pil: string;
  sharp: string;
  pixels: { meanAbsDifference: number | null; maxAbsDifference: number | null; photosIdentical: number; sizeMismatches: number };
}
interface Report {
  modelVersion: string;
  threshold: number;
  photos: number;
  limit: number | null;
  encoders: { pil: { pillow: string; libjpeg: string; libwebp: string }; sharp: { sharp: string; libvips: string } };
  decoding: { meanAbsDifference: number | null; sizeMismatches: number };
  conditions: Record<string, ConditionReport>;
  edits: Record<string, EditReport>;
}

let names: string[];
let pil: Awaited<ReturnType<typeof pilConditioned>>;
let sources: RgbaImage[];
let pilImages: RgbaImage[][];
let sharpImages: RgbaImage[][];
let pilEdits: RgbaImage[][];
let sharpEdits: RgbaImage[][];
let report: Report;
let detector: NodeDetector;
const dir = mkdtempSync(path.join(os.tmpdir(), 'encoders-test-'));

describe(`encoder parity, PIL (training) vs sharp (evaluation), first ${LIMIT} photos of photos/val`, () => {
  beforeAll(async () => {
    names = (await photoFiles('val')).slice(0, LIMIT);
    // The command itself, as `npm run models:encoders -- --limit 3 --report PATH` runs it.
    const reportPath = path.join(dir, 'encoders.json');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/node/encoder-parity.ts'), '--limit', String(LIMIT), '--report', reportPath], { cwd: ROOT, maxBuffer: 16 << 20 });
    pil = await pilConditioned(names.map((name) => path.join(DEFAULT_DATA_DIR, 'photos', 'val', name)));
    sources = await Promise.all(pil.photos.map((photo) => readPng(photo.source)));
    pilImages = await Promise.all(pil.conditions.map((_, k) => Promise.all(pil.photos.map((photo) => readPng(photo.conditions[k]!)))));
    sharpImages = await Promise.all(pil.conditions.map((condition, k) => Promise.all(sources.map((source, i) => sharpCondition(condition).apply(source, pilImages[k]![i]!)))));
    pilEdits = await Promise.all(pil.edits.map((_, k) => Promise.all(pil.photos.map((photo) => readPng(photo.edits[k]!)))));
    sharpEdits = await Promise.all(pil.edits.map((name) => Promise.all(sources.map((source, i) => sharpEdit(name).apply(source, i)))));
    detector = await createNodeDetector();
    await run;
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  }, 300_000); // a safety net: the command and both libraries' pictures, on a machine that may be busy
  afterAll(async () => {
    await detector?.dispose();
    await pil?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the PIL pictures come from training's Python", () => {
    const python = (code: string) => execFileSync(PYTHON, ['-c', code], { cwd: path.join(ROOT, 'training'), encoding: 'utf8' }).trim();
    expect(pil.pillow).toBe(python('import PIL; print(PIL.__version__)'));
    expect(pil.conditions).toHaveLength(Number(python('import trace_view; print(len(trace_view.PHOTO_CONDITIONS))')) + 1);
    for (const [k, condition] of pil.conditions.entries()) {
      for (const [i, source] of sources.entries()) {
        const image = pilImages[k]![i]!;
        if (condition.scale !== null) {
          expect(Math.abs(image.width - source.width * condition.scale)).toBeLessThanOrEqual(0.5);
          expect(Math.abs(image.height - source.height * condition.scale)).toBeLessThanOrEqual(0.5);
        } else if (condition.format === 'png') {
          expect(meanAbs(image, source), `${condition.name}: lossless`).toBe(0);
        } else {
          expect(meanAbs(image, source), `${condition.name}: re-encoded`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("sharp's pictures have PIL's sizes and are close to PIL's; the halvings differ (two resamplers)", () => {
    for (const [k, condition] of pil.conditions.entries()) {
      for (const [i, image] of pilImages[k]!.entries()) {
        const difference = meanAbs(sharpImages[k]![i]!, image);
        expect(difference, `${condition.name}, ${names[i]}`).toBeLessThan(2);
        if (condition.scale !== null) expect(difference, `${condition.name}, ${names[i]}: PIL's Lanczos is not libvips's`).toBeGreaterThan(0);
      }
    }
  });

  it("training's everyday edits come from its Python and are the edit table's where they must agree exactly", () => {
    const python = (code: string) => execFileSync(PYTHON, ['-c', code], { cwd: path.join(ROOT, 'training'), encoding: 'utf8' }).trim();
    expect(pil.edits).toEqual(JSON.parse(python('import json, trace_view; print(json.dumps([n for n, _ in trace_view.EVERYDAY_EDITS]))')));
    expect(pil.edits.length).toBeGreaterThan(0);
    for (const [k, name] of pil.edits.entries()) {
      for (const [i, source] of sources.entries()) {
        const [image, viaSharp] = [pilEdits[k]![i]!, sharpEdits[k]![i]!];
        const shift = /^shift (\d+) px$/.exec(name);
        if (shift) {
          // Cutting pixels off the top and the left: one job, the same pixels from both libraries.
          expect([image.width, image.height]).toEqual([source.width - Number(shift[1]), source.height - Number(shift[1])]);
          expect(meanAbs(viaSharp, image), `${name}, ${names[i]}`).toBe(0);
          continue;
        }
        const side = /^short side (\d+)$/.exec(name);
        if (side) expect(Math.min(image.width, image.height), `${name}, ${names[i]}`).toBe(Number(side[1]));
        if (side) expect(Math.min(viaSharp.width, viaSharp.height), `${name}, ${names[i]}`).toBe(Number(side[1]));
        // Every other edit changes the pixels on both sides, to sizes within a pixel of each other.
        expect(Math.abs(image.width - viaSharp.width) + Math.abs(image.height - viaSharp.height), `${name}, ${names[i]}`).toBeLessThanOrEqual(2);
        if (image.width === source.width && image.height === source.height) expect(meanAbs(image, source), `${name}, ${names[i]}: PIL`).toBeGreaterThan(0);
        if (viaSharp.width === source.width && viaSharp.height === source.height) expect(meanAbs(viaSharp, source), `${name}, ${names[i]}: sharp`).toBeGreaterThan(0);
      }
    }
  });

  it('public/models/encoders.json, where there is one, is a full run on the shipped models', async () => {
    const shipped = path.join(ROOT, 'public/models/encoders.json');
    if (!existsSync(shipped)) return; // written by `npm run models:encoders` once the models are final
    const full = JSON.parse(readFileSync(shipped, 'utf8')) as Report;
    expect(full.modelVersion).toBe(detector.models.manifest.version);
    expect(full.threshold).toBe(detector.models.manifest.thresholds.default);
    expect(full.limit).toBeNull();
    expect(full.photos).toBe((await photoFiles('val')).length);
    expect(Object.keys(full.conditions)).toEqual(pil.conditions.map((c) => c.name));
    expect(Object.keys(full.edits)).toEqual(pil.edits);
  });

  it('the report agrees with the pictures and with scoring them here', async () => {
    expect(report.photos).toBe(LIMIT);
    expect(report.limit).toBe(LIMIT);
    expect(report.modelVersion).toBe(detector.models.manifest.version);
    expect(report.threshold).toBe(detector.models.manifest.thresholds.default);
    expect(report.encoders.pil).toMatchObject({ pillow: pil.pillow, libjpeg: pil.libjpeg, libwebp: pil.libwebp });
    expect(report.encoders.sharp).toMatchObject({ sharp: sharp.versions.sharp, libvips: sharp.versions.vips });
    expect(report.decoding.sizeMismatches).toBe(0);
    expect(Object.keys(report.conditions)).toEqual(pil.conditions.map((c) => c.name));
    const threshold = report.threshold;
    for (const [k, condition] of pil.conditions.entries()) {
      const row = report.conditions[condition.name]!;
      const pilJudgements = await detector.scoreImages(pilImages[k]!);
      const sharpJudgements = await detector.scoreImages(sharpImages[k]!);
      const signed = pilJudgements.map((j, i) => sharpJudgements[i]!.score - j.score);
      const absolute = signed.map(Math.abs);
      expect(row.flagged.pil, condition.name).toBe(round(shareAtOrAbove(pilJudgements.map((j) => j.score), threshold)));
      expect(row.flagged.sharp, condition.name).toBe(round(shareAtOrAbove(sharpJudgements.map((j) => j.score), threshold)));
      expect(row.verdictsDiffer, condition.name).toBe(pilJudgements.filter((j, i) => j.isFake !== sharpJudgements[i]!.isFake).length);
      expect(Math.abs(row.flagged.pil - row.flagged.sharp)).toBeLessThanOrEqual(row.verdictsDiffer / LIMIT + 1e-9);
      expect(row.ensembleScore.meanAbsDifference, condition.name).toBeCloseTo(average(absolute), 4);
      expect(row.ensembleScore.maxAbsDifference, condition.name).toBeCloseTo(Math.max(...absolute), 4);
      expect(row.ensembleScore.meanSharpMinusPil, condition.name).toBeCloseTo(average(signed), 4);
      expect(row.ensembleScore.maxAbsDifference).toBeGreaterThanOrEqual(row.ensembleScore.meanAbsDifference);
      if (row.ensembleScore.maxAbsDifference > 0) expect(absolute[names.indexOf(row.ensembleScore.largestAt!)]).toBeCloseTo(Math.max(...absolute), 4);
      else expect(row.ensembleScore.largestAt).toBeNull();
      expect(row.pixels.sizeMismatches).toBe(0);
      expect(row.pixels.meanAbsDifference, condition.name).toBeCloseTo(average(pilImages[k]!.map((image, i) => meanAbs(image, sharpImages[k]![i]!))), 4);
      expect(row.pixels.photosIdentical, condition.name).toBe(pilImages[k]!.filter((image, i) => meanAbs(image, sharpImages[k]![i]!) === 0).length);
      if (condition.scale !== null) {
        // The evaluation's halving rounds half up (wild-edits.ts half): the photos where that is not PIL's size.
        const differs = sources.filter((s, i) => Math.round(s.width / 2) !== pilImages[k]![i]!.width || Math.round(s.height / 2) !== pilImages[k]![i]!.height);
        expect(row.pixels.evaluationHalfDiffers).toBe(differs.length);
      }
    }
    expect(Object.keys(report.edits)).toEqual(pil.edits);
    for (const [k, name] of pil.edits.entries()) {
      const row = report.edits[name]!;
      const pilJudgements = await detector.scoreImages(pilEdits[k]!);
      const sharpJudgements = await detector.scoreImages(sharpEdits[k]!);
      const absolute = pilJudgements.map((j, i) => Math.abs(sharpJudgements[i]!.score - j.score));
      expect(row.sharp, name).toBe(`wild-edits.ts EDITS['${name}']`);
      expect(row.flagged.pil, name).toBe(round(shareAtOrAbove(pilJudgements.map((j) => j.score), threshold)));
      expect(row.flagged.sharp, name).toBe(round(shareAtOrAbove(sharpJudgements.map((j) => j.score), threshold)));
      expect(row.verdictsDiffer, name).toBe(pilJudgements.filter((j, i) => j.isFake !== sharpJudgements[i]!.isFake).length);
      expect(row.ensembleScore.meanAbsDifference, name).toBeCloseTo(average(absolute), 4);
      expect(row.ensembleScore.maxAbsDifference, name).toBeCloseTo(Math.max(...absolute), 4);
      const sameSize = pilEdits[k]!.filter((image, i) => image.width === sharpEdits[k]![i]!.width && image.height === sharpEdits[k]![i]!.height);
      expect(row.pixels.sizeMismatches, name).toBe(LIMIT - sameSize.length);
      expect(row.pixels.photosIdentical, name).toBe(pilEdits[k]!.filter((image, i) => sameSize.includes(image) && meanAbs(image, sharpEdits[k]![i]!) === 0).length);
    }
  });
});
