/**
 * How far canvas read-back noise (readback-noise.ts: +/-1 on 10% of pixels, as anti-fingerprinting adds it) moves
 * each model set's ensemble score, on the validation-split pictures of training/data-splits.json (as stored) under
 * several noise draws: the share of pictures whose crop set changed, the largest move and the 99th percentile of
 * the moves, over pictures judged on crops (also per model, calibrated) and over those judged whole. A crop pick by detail can swap two windows
 * of nearly equal detail under any noise, and a swapped crop moves the score by what that one crop scores; this
 * measures how often and how far, for a crop rule or a model set, beside the validation comparison
 * (compare-validation.ts). READBACK_TOLERANCE, what the page quotes, is pinned by tests/models/canvas-noise.test.ts.
 *
 *   npx tsx src/node/readback-stability.ts <label>=<models dir> ... [--draws N] [--small N] [--out FILE]
 *
 * --small N measures small pictures judged whole instead: the first N of cifar10_test and of mnist_test.
 *
 * An --out file measured under the same protocol keeps the model sets this run does not measure, so one new set
 * can be added without the files of the earlier ones.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { MODEL_KEYS, type ModelKey } from '../detector/manifest';
import { withReadbackNoise } from '../detector/readback-noise';
import type { Judgement } from '../detector/scoring';
import { loadImageSet, seededRandom } from './datasets';
import { loadWildPictures, readSplits } from './evaluate-wild';
import { createNodeDetector } from './node-detector';

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** The moves of one kind of picture: how many, the largest, the 99th percentile, and how many exceed `over`. */
function moveFigures(moves: number[], over: number) {
  const sorted = [...moves].sort((a, b) => a - b);
  return {
    scorings: sorted.length,
    largest: round(sorted[sorted.length - 1] ?? 0),
    p99: round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0),
    [`over${over}`]: sorted.filter((move) => move > over).length,
  };
}

/** Where a judgement's crops sit, in pick order, as one comparable string. */
const cropPlaces = (judgement: Judgement) => JSON.stringify(judgement.crops.map((crop) => [crop.left, crop.top]));

/** The results an earlier run wrote to `file` under the same protocol (none if it is absent or measured otherwise). */
async function earlierResults(file: string, protocol: string): Promise<Record<string, unknown>> {
  const earlier = await readFile(file, 'utf8').then((text) => JSON.parse(text) as { protocol: string; results: Record<string, unknown> }, () => undefined);
  return earlier?.protocol === protocol ? earlier.results : {};
}

/** The validation split's pictures as stored (most judged on crops). */
async function validationPictures() {
  const splits = await readSplits();
  const pictures = await loadWildPictures(splits.pictures.filter((p) => p.split === 'validation'));
  return { images: pictures.map((p) => p.image), described: `validation split (${pictures.length} pictures as stored)` };
}

/** Small pictures, judged whole: the first `count` of cifar10_test and of mnist_test. */
async function smallPictures(count: number) {
  const sets = await Promise.all(['cifar10_test', 'mnist_test'].map((name) => loadImageSet(name, { limit: count })));
  return { images: sets.flatMap((set) => set.images), described: `small pictures (the first ${count} of cifar10_test and of mnist_test)` };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const take = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const out = take('--out');
  const draws = Number(take('--draws') ?? 4);
  const small = take('--small');
  const { images, described } = small ? await smallPictures(Number(small)) : await validationPictures();
  const results: Record<string, unknown> = {};
  for (const arg of args) {
    const [label, dir] = arg.split('=') as [string, string];
    const detector = await createNodeDetector({ backend: 'node', modelsDir: dir });
    const clean = await detector.scoreImages(images);
    const withCrops: number[] = [];
    const whole: number[] = [];
    // Each model's calibrated score on crop-judged pictures: which model the movement comes from.
    const byModel = Object.fromEntries(MODEL_KEYS.map((key) => [key, [] as number[]])) as Record<ModelKey, number[]>;
    let changed = 0;
    for (let draw = 0; draw < draws; draw++) {
      // One stream per draw, the same for every model set.
      const random = seededRandom(100 + draw);
      const noisy = await detector.scoreImages(images.map((image) => withReadbackNoise(image, random)));
      noisy.forEach((judgement, i) => {
        const before = clean[i]!;
        const move = Math.abs(judgement.score - before.score);
        if (before.crops.length === 0) return void whole.push(move);
        withCrops.push(move);
        for (const key of MODEL_KEYS) byModel[key].push(Math.abs(judgement.scores[key] - before.scores[key]));
        if (cropPlaces(before) !== cropPlaces(judgement)) changed++;
      });
    }
    await detector.dispose();
    results[label] = {
      models: detector.models.manifest.version,
      crops: detector.models.manifest.input.crops,
      ...(withCrops.length > 0 ? {
        withCrops: { ...moveFigures(withCrops, 0.02), cropSetChanged: changed },
        withCropsByModel: Object.fromEntries(MODEL_KEYS.map((key) => [key, moveFigures(byModel[key], 0.02)])),
      } : {}),
      ...(whole.length > 0 ? { whole: moveFigures(whole, 0.02) } : {}),
    };
    console.log(label, JSON.stringify(results[label]));
  }
  const protocol = `${described}, ${draws} noise draws (seeds 100..${99 + draws}): +/-1 on 10% of pixels`;
  if (out) await writeFile(out, `${JSON.stringify({ protocol, results: { ...(await earlierResults(out, protocol)), ...results } }, null, 2)}\n`);
}

await main();
