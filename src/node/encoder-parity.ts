/**
 * `npm run models:encoders`: training's robustness conditions and everyday edits under both libraries. Training
 * calibrates on validation photos re-encoded by PIL (training/trace_view.py `conditioned`: PNG, JPEG q95, JPEG q75,
 * WebP q80, halved with Lanczos + JPEG q90) and, for the presets, edited by PIL (`EVERYDAY_EDITS`: shifts, short side
 * 128 / 129, enlarged, halved + JPEG q85, blur, noise); the evaluation re-encodes and edits with sharp (the edit
 * table's own edits, wild-edits.ts). Each photo of photos/val is decoded as training decodes it (PIL), put under
 * each condition and edit by training's own code (training/encode_conditions.py) and by sharp
 * (encoder-conditions.ts: the evaluation's helpers), and both are scored with the shipped models through the
 * same path as `npm run models:eval` (node-detector.ts). Per condition and edit: the share flagged at the default
 * threshold under each library, the mean and largest absolute difference of the ensemble score, verdicts that
 * differ, and how far apart the pictures are (mean absolute pixel difference, where the sizes agree).
 *
 * Writes public/models/encoders.json (or --models DIR's) on a full run; prints a table.
 * Options: --limit N (the first N photos; the report is then written only where --report says), --report PATH,
 * --models DIR, --no-write.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { shareAtOrAbove } from '../detector/metrics';
import type { RgbaImage } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { DEFAULT_DATA_DIR, photoFiles } from './datasets';
import { decodeImage } from './decode';
import { pilConditioned, pixelDifference, readPng, sharpCondition, sharpEdit } from './encoder-conditions';
import { createNodeDetector } from './node-detector';
import { DEFAULT_MODELS_DIR } from './ort-node';
import { half } from './wild-edits';

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const round = (value: number) => Math.round(value * 1e5) / 1e5;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Per-photo pixel differences summarised: the mean of the means, the largest single difference, and how many differ at all. */
function pixels(differences: ({ mean: number; max: number } | null)[]) {
  const same = differences.filter((d): d is { mean: number; max: number } => d !== null);
  return {
    meanAbsDifference: same.length ? round(mean(same.map((d) => d.mean))) : null,
    maxAbsDifference: same.length ? Math.max(...same.map((d) => d.max)) : null,
    photosIdentical: same.filter((d) => d.max === 0).length,
    sizeMismatches: differences.length - same.length,
  };
}

function compare(files: string[], pil: Judgement[], viaSharp: Judgement[], threshold: number) {
  const differences = pil.map((j, i) => viaSharp[i]!.score - j.score);
  const absolute = differences.map(Math.abs);
  const largest = absolute.indexOf(Math.max(...absolute));
  return {
    flagged: { pil: round(shareAtOrAbove(pil.map((j) => j.score), threshold)), sharp: round(shareAtOrAbove(viaSharp.map((j) => j.score), threshold)) },
    verdictsDiffer: pil.filter((j, i) => j.isFake !== viaSharp[i]!.isFake).length,
    ensembleScore: {
      meanAbsDifference: round(mean(absolute)),
      maxAbsDifference: round(absolute[largest]!),
      /** The photo with the largest difference (null when no photo differs). */
      largestAt: absolute[largest]! > 0 ? files[largest]! : null,
      meanSharpMinusPil: round(mean(differences)),
    },
  };
}

/** sharp's picture of one photo: from its source, its index and PIL's picture of it. */
type SharpSide = (source: RgbaImage, i: number, pilImage: RgbaImage) => Promise<RgbaImage>;

/**
 * One condition or edit: PIL's pictures (the helper's files) against sharp's from the same sources, one photo at a
 * time; both scored, and their pixels compared.
 */
async function scoreBothSides(
  run: { detector: Awaited<ReturnType<typeof createNodeDetector>>; sources: RgbaImage[]; names: string[]; threshold: number },
  files: string[],
  viaSharp: SharpSide,
) {
  const pilImages = await Promise.all(files.map((file) => readPng(file)));
  const sharpImages: RgbaImage[] = [];
  for (const [i, source] of run.sources.entries()) sharpImages.push(await viaSharp(source, i, pilImages[i]!));
  const comparison = compare(run.names, await run.detector.scoreImages(pilImages), await run.detector.scoreImages(sharpImages), run.threshold);
  return { pilImages, comparison, picture: pixels(pilImages.map((image, i) => pixelDifference(image, sharpImages[i]!))) };
}

async function main(): Promise<void> {
  const limit = arg('limit') ? Number(arg('limit')) : undefined;
  const modelsDir = arg('models') ?? DEFAULT_MODELS_DIR;
  const started = performance.now();
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
  const folder = path.join(DEFAULT_DATA_DIR, 'photos', 'val');
  const names = (await photoFiles('val')).slice(0, limit);
  const files = names.map((name) => path.join(folder, name));

  const pil = await pilConditioned(files);
  log(`PIL (training/encode_conditions.py): ${pil.photos.length} photos x ${pil.conditions.length} conditions`);
  const detector = await createNodeDetector({ modelsDir });
  const { manifest } = detector.models;
  const threshold = manifest.thresholds.default;
  try {
    // The same source pixels for both encoders: the photo as training decodes it (PIL), written losslessly.
    const sources = await Promise.all(pil.photos.map((photo) => readPng(photo.source)));
    // How the evaluation's decoding (sharp) of the original files compares with training's (PIL), for the record.
    const decoding = pixels(await Promise.all(files.map(async (file, i) => pixelDifference(await decodeImage(file), sources[i]!))));
    const bothSides = (files: string[], viaSharp: SharpSide) => scoreBothSides({ detector, sources, names, threshold }, files, viaSharp);
    const conditions: Record<string, unknown> = {};
    const rows: [string, ReturnType<typeof compare>, ReturnType<typeof pixels>][] = [];
    for (const [k, condition] of pil.conditions.entries()) {
      const sharpSide = sharpCondition(condition);
      const { pilImages, comparison, picture } = await bothSides(pil.photos.map((photo) => photo.conditions[k]!), (source, _, pilImage) => sharpSide.apply(source, pilImage));
      // The evaluation's own halving rounds each side half up (wild-edits.ts half); training's (native.resize)
      // rounds half to even: photos where the two sizes differ.
      const halvingSizes = condition.scale === 0.5
        ? { evaluationHalfDiffers: sources.filter((s, i) => { const h = half(s); return h.width !== pilImages[i]!.width || h.height !== pilImages[i]!.height; }).length }
        : {};
      conditions[condition.name] = { parameters: condition, sharp: sharpSide.source, ...comparison, pixels: { ...picture, ...halvingSizes } };
      rows.push([condition.name, comparison, picture]);
      log(`${condition.name}: scored ${pilImages.length} x 2`);
    }
    // Training's everyday edits (the presets' second population) against the report's edits of the same names.
    const edits: Record<string, unknown> = {};
    const editRows: typeof rows = [];
    for (const [k, name] of pil.edits.entries()) {
      const sharpSide = sharpEdit(name);
      const { pilImages, comparison, picture } = await bothSides(pil.photos.map((photo) => photo.edits[k]!), (source, i) => sharpSide.apply(source, i));
      edits[name] = { pil: 'training/trace_view.py EVERYDAY_EDITS', sharp: sharpSide.source, ...comparison, pixels: picture };
      editRows.push([name, comparison, picture]);
      log(`edit ${name}: scored ${pilImages.length} x 2`);
    }
    const report = {
      modelVersion: manifest.version,
      createdAt: new Date().toISOString(),
      backend: 'onnxruntime-node (CPU)',
      threshold,
      photos: files.length,
      limit: limit ?? null,
      encoders: {
        pil: { pillow: pil.pillow, libjpeg: pil.libjpeg, libwebp: pil.libwebp, code: 'training/trace_view.py conditioned (native.encode, native.resize) and edited (EVERYDAY_EDITS) via training/encode_conditions.py' },
        sharp: { sharp: sharp.versions.sharp ?? null, libvips: sharp.versions.vips, mozjpeg: sharp.versions.mozjpeg ?? null, libwebp: sharp.versions.webp ?? null, code: 'src/node/encoder-conditions.ts sharpCondition and sharpEdit (wild-edits.ts EDITS)' },
      },
      protocol: 'photos/val, each decoded by PIL (training/data.py load_photo) and put under each of training\'s robustness conditions by PIL (training/trace_view.py conditioned) and by sharp from the same pixels; both scored by node-detector.ts (as npm run models:eval). flagged: share at or above the default threshold; ensembleScore: |sharp - PIL| of the ensemble score per photo; pixels: |sharp - PIL| per channel of the decoded pictures. The halving goes to the size PIL gives (training rounds half to even, 481 -> 240); the evaluation\'s own half() (wild-edits.ts) rounds half up (481 -> 241): pixels.evaluationHalfDiffers counts the photos where that changes the size. edits: training\'s everyday edits (trace_view.EVERYDAY_EDITS, over which the presets are quantiles too) made by PIL against the report\'s edit table\'s edits of the same names (wild-edits.ts EDITS, sharp), each at its own sizes and rounding (pixels.sizeMismatches: photos whose two pictures differ in size, where no pixel difference is taken); the noise is drawn by each side\'s own generator, so only its distribution is shared.',
      decoding: { note: 'original files decoded by sharp (decode.ts, the evaluation) against PIL (training)', ...decoding },
      conditions,
      edits,
      seconds: Math.round((performance.now() - started) / 1000),
    };
    printTable(rows, report);
    printRows('Everyday edits (the presets\' second population), training (PIL) vs the edit table (sharp)', 'edit', editRows);
    const reportPath = arg('report') ?? (process.argv.includes('--no-write') || limit !== undefined ? undefined : path.join(modelsDir, 'encoders.json'));
    if (reportPath) {
      await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${path.relative(process.cwd(), reportPath)}`);
    }
  } finally {
    await detector.dispose();
    await pil.dispose();
  }
}

function printTable(rows: [string, ReturnType<typeof compare>, ReturnType<typeof pixels>][], report: { modelVersion: string; threshold: number; photos: number; encoders: { pil: { pillow: string }; sharp: { libvips: string } } }): void {
  printRows(`Robustness conditions, PIL ${report.encoders.pil.pillow} vs sharp (libvips ${report.encoders.sharp.libvips}); models ${report.modelVersion}, threshold ${report.threshold}, ${report.photos} photos`, 'condition', rows);
}

function printRows(title: string, label: string, rows: [string, ReturnType<typeof compare>, ReturnType<typeof pixels>][]): void {
  const pct = (v: number) => `${(v * 100).toFixed(1).padStart(6)}%`;
  console.log(`\n${title}`);
  console.log(`${label.padEnd(28)}  flagged PIL  flagged sharp  verdicts differ  |score diff| mean    max  | pixel diff mean  max  sizes differ`);
  for (const [name, c, p] of rows) {
    console.log(`${name.padEnd(28)} ${pct(c.flagged.pil)}   ${pct(c.flagged.sharp)}   ${String(c.verdictsDiffer).padStart(12)}      ${c.ensembleScore.meanAbsDifference.toFixed(4).padStart(8)} ${c.ensembleScore.maxAbsDifference.toFixed(4).padStart(8)}  | ${p.meanAbsDifference === null ? '   -' : p.meanAbsDifference.toFixed(3).padStart(8)} ${String(p.maxAbsDifference ?? '-').padStart(5)}  ${String(p.sizeMismatches).padStart(5)}`);
  }
}

await main();
