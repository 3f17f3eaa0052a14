/**
 * The generated-image half of `npm run models:eval`: real generators, measured through the same TypeScript
 * decoding, crops and scoring as the page. Which sets were trained on, used to pick thresholds, or held out is
 * read from the manifest (training.sd15Grids, training.unseenGenerators); nothing here is ever trained on.
 *
 * - CIFAKE: the validation split training held out of cifake_train (real CIFAR-10 vs Stable Diffusion 1.4, 32 px).
 * - Stable Diffusion 1.5 tiles of the held-out `test` grids against the real photographs of photos/val, both at
 *   native resolution.
 * - gen_train generators held out of training (unseen), pooled and one by one, against the same photographs.
 * - Robustness: real photos saved as PNG, WebP q80, JPEG q95, JPEG q75 (share flagged at the default threshold);
 *   generated pictures after JPEG q75 and after a 0.5x resize (AUROC, against real photos treated the same way);
 *   and the hidden evaluation's protocol (centre crop of at most 512 px at native resolution, JPEG q92).
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { ModelKey, ModelManifest } from '../detector/manifest';
import { MODEL_KEYS } from '../detector/manifest';
import type { FlaggedByView } from '../detector/metrics';
import { auroc, flaggedByView, shareAtOrAbove } from '../detector/metrics';
import type { RgbaImage } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { cropImage, loadCifakeValidation, loadGenerators, loadSdTiles } from './datasets';

type Transform = (image: RgbaImage) => Promise<RgbaImage>;

const round = (value: number) => Math.round(value * 1e5) / 1e5;

const roundOrNull = (value: number | null) => (value === null ? null : round(value));
const roundedViews = (views: FlaggedByView): FlaggedByView => ({
  ...views,
  trace: roundOrNull(views.trace),
  whole: round(views.whole),
  traceDecided: roundOrNull(views.traceDecided),
});

async function viaSharp(image: RgbaImage, build: (s: Sharp) => Sharp): Promise<RgbaImage> {
  const input = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw: { width: image.width, height: image.height, channels: 4 } });
  const encoded = await build(input.removeAlpha()).toBuffer();
  const { data, info } = await sharp(encoded).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export const CONDITIONS: Record<string, Transform> = {
  'as is': async (image) => image,
  png: (image) => viaSharp(image, (s) => s.png()),
  'webp q80': (image) => viaSharp(image, (s) => s.webp({ quality: 80 })),
  'jpeg q95': (image) => viaSharp(image, (s) => s.jpeg({ quality: 95 })),
  'jpeg q75': (image) => viaSharp(image, (s) => s.jpeg({ quality: 75 })),
  'resize 0.5x': (image) => viaSharp(image, (s) => s.resize(Math.round(image.width / 2), Math.round(image.height / 2)).png()),
  // The hidden evaluation's protocol: a centre crop of at most 512 px at native resolution, then JPEG q92.
  'hidden protocol (centre <=512, jpeg q92)': (image) => {
    const width = Math.min(512, image.width);
    const height = Math.min(512, image.height);
    const cropped = cropImage(image, Math.floor((image.width - width) / 2), Math.floor((image.height - height) / 2), width, height);
    return viaSharp(cropped, (s) => s.jpeg({ quality: 92 }));
  },
};
const REAL_CONDITIONS = ['png', 'webp q80', 'jpeg q95', 'jpeg q75', 'resize 0.5x', 'hidden protocol (centre <=512, jpeg q92)'] as const;
const FAKE_CONDITIONS = ['as is', 'jpeg q75', 'resize 0.5x', 'hidden protocol (centre <=512, jpeg q92)'] as const;

type Scorer = 'ensemble' | ModelKey;
const scoresOf = (judgements: Judgement[], scorer: Scorer) => judgements.map((j) => (scorer === 'ensemble' ? j.score : j.scores[scorer]));

function separation(real: Judgement[], fake: Judgement[], threshold: number) {
  const perModel = Object.fromEntries(MODEL_KEYS.map((key) => [key, round(auroc(scoresOf(real, key), scoresOf(fake, key)))]));
  return {
    auroc: round(auroc(scoresOf(real, 'ensemble'), scoresOf(fake, 'ensemble'))),
    perModelAuroc: perModel,
    realFlagged: round(shareAtOrAbove(scoresOf(real, 'ensemble'), threshold)),
    generatedFlagged: round(shareAtOrAbove(scoresOf(fake, 'ensemble'), threshold)),
    /** Of the generated pictures, view by view: the share each view alone flags, and whose verdict the traces decided. */
    flaggedByView: roundedViews(flaggedByView(fake, threshold)),
    counts: { real: real.length, generated: fake.length },
  };
}

/** Judgements of some pictures, and the report's colourlessness baseline for each (evaluate.ts scores both). */
export interface ScoredImages {
  judgements: Judgement[];
  baseline: Float64Array;
}

export async function evaluateGenerated(
  manifest: ModelManifest,
  options: {
    limit?: number;
    log: (m: string) => void;
    /** The report's scorer: the models and the baseline, as for every other set. */
    score: (images: RgbaImage[]) => Promise<ScoredImages>;
    /** photos/val, decoded once by the caller. */
    photos: RgbaImage[];
  },
) {
  const threshold = manifest.thresholds.default;
  const training = (manifest.training ?? {}) as { sd15Grids?: { test?: string[] }; unseenGenerators?: string[] };
  const limit = options.limit;
  const score = async (images: RgbaImage[]) => (await options.score(images)).judgements;
  const under = async (images: RgbaImage[], condition: string) => score(await Promise.all(images.map((image) => CONDITIONS[condition]!(image))));

  // CIFAKE validation split (held out of training, used for design decisions; not the CIFAKE test split).
  const cifake = await loadCifakeValidation({ limit });
  const { judgements: cifakeJudgements, baseline } = await options.score(cifake.images);
  const cifakeReal = cifakeJudgements.filter((_, i) => cifake.labels[i] === 0);
  const cifakeFake = cifakeJudgements.filter((_, i) => cifake.labels[i] === 1);
  const correct = cifakeReal.filter((j) => !j.isFake).length + cifakeFake.filter((j) => j.isFake).length;
  const cifakeRow = {
    ...separation(cifakeReal, cifakeFake, threshold),
    accuracy: round(correct / cifakeJudgements.length),
    baselineAuroc: round(auroc(baseline.filter((_, i) => cifake.labels[i] === 0), baseline.filter((_, i) => cifake.labels[i] === 1))),
  };
  options.log(`cifake validation: ${cifakeJudgements.length}`);

  // Real photographs (photos/val: never trained on, never used for thresholds) under every condition.
  const photos = options.photos;
  const realBy: Record<string, Judgement[]> = {};
  for (const condition of REAL_CONDITIONS) realBy[condition] = await under(photos, condition);
  realBy['as is'] = realBy.png!; // decoded pixels, scored as they are
  options.log(`photos_val under ${REAL_CONDITIONS.length} conditions: ${photos.length} each`);

  const sdFiles = (training.sd15Grids?.test ?? []).slice(0, limit ? Math.max(2, Math.ceil(limit / 100)) : undefined);
  const sdTiles = (await loadSdTiles(sdFiles)).map((t) => t.image);
  const sd: Record<string, ReturnType<typeof separation>> = {};
  for (const condition of FAKE_CONDITIONS) sd[condition] = separation(realBy[condition]!, await under(sdTiles, condition), threshold);
  options.log(`sd15 held-out grids: ${sdFiles.length} (${sdTiles.length} tiles)`);

  const unseenNames = training.unseenGenerators ?? [];
  const unseen = await loadGenerators(unseenNames);
  const unseenAll = [...unseen.values()].flat();
  const unseenBy: Record<string, ReturnType<typeof separation>> = {};
  for (const condition of FAKE_CONDITIONS) unseenBy[condition] = separation(realBy[condition]!, await under(unseenAll, condition), threshold);
  const perGenerator: Record<string, ReturnType<typeof separation>> = {};
  for (const [name, images] of unseen) {
    if (images.length) perGenerator[name] = separation(realBy['hidden protocol (centre <=512, jpeg q92)']!, await under(images, 'hidden protocol (centre <=512, jpeg q92)'), threshold);
  }
  options.log(`unseen generators: ${unseenAll.length} pictures of ${unseenNames.join(', ')}`);

  return {
    protocol: {
      cifakeValidation: 'the last 10,000 of cifake_train, held out of training (design decisions were made on it: seen while designing)',
      sd15HeldOutGrids: `Stable Diffusion 1.5 tiles of the ${sdFiles.length} test grids never trained on (manifest training.sd15Grids.test) vs photos/val at native resolution, each side under the same condition`,
      unseenGenerators: `gen_train generators held out of training: ${unseenNames.join(', ')}; vs photos/val under the same condition`,
      realPhotosFlagged: 'share of photos/val flagged at the default threshold after each re-encoding',
    },
    cifakeValidation: cifakeRow,
    realPhotosFlagged: Object.fromEntries(REAL_CONDITIONS.map((c) => [c, round(shareAtOrAbove(scoresOf(realBy[c]!, 'ensemble'), threshold))])),
    sd15HeldOutGrids: sd,
    unseenGenerators: { pooled: unseenBy, byGenerator: perGenerator },
  };
}
