/**
 * The in-the-wild section of `npm run models:eval` (report.json `wild`, a summary in the manifest's `metrics.wild`).
 * Reads training/data-splits.json (written by training/splits.py) and scores only its TEST-split pictures from
 * ../shared/data, never train or validation ones, through the command line's path (decode.ts, then the detector's
 * scoring, as `npx deepfake-detector score`), at the manifest's default threshold; sd15_grids files are cut into
 * their four tiles as datasets.loadSdTiles does. Writes nothing itself: evaluate.ts puts the result in the report.
 *
 * - realGroups: share of each real group (film, cameras, phones, web) flagged at the default and each preset, and
 *   of all of them after PNG / WebP q80 / JPEG q92 / half size (wild-edits.ts REAL_FORMATS); at the default also
 *   how many, with the share's 95% interval.
 * - unseenGenerators: generated pictures of the split file's `unseenGenerators` (held out of training) against all
 *   test reals: AUROC, share caught, count, and the 95% intervals of both, pooled and per family. seenFamiliesTest:
 *   the other test generated pictures (held-out pictures of trained families, sd15 grids included), the same figures.
 * - bySubject: all generated test pictures by their subject in training/subject-labels.json (photographs apart from
 *   illustrations, labelled by eye) against all test reals, pooled and without the SD 1.5 grid tiles (nearly all
 *   illustrations, and one family): whether the models flag a picture for what it shows rather than its traces.
 * - edits: up to 200 test generated and 200 test real pictures (seeded sample) under each wild-edits.ts EDITS.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from '../detector/manifest';
import { MODEL_KEYS, PRESET_NAMES } from '../detector/manifest';
import { auroc, aurocInterval95, countAtOrAbove, shareAtOrAbove, shareInterval95 } from '../detector/metrics';
import type { RgbaImage } from '../detector/preprocess';
import type { Judgement } from '../detector/scoring';
import { DEFAULT_DATA_DIR, loadSdTiles, sampleIndices, seededRandom } from './datasets';
import { decodeImage } from './decode';
import { EDITS, PARTLY_COVERED, PATCH_EDIT, PATCH_SIDE, REAL_FORMATS, patchCover } from './wild-edits';

export const SPLITS_FILE = path.resolve(import.meta.dirname, '../../training/data-splits.json');
/** Subject of each generated test picture, labelled by eye (its note says how). */
export const SUBJECTS_FILE = path.resolve(import.meta.dirname, '../../training/subject-labels.json');
export const SUBJECTS = ['photograph', 'illustration'] as const;
export type Subject = (typeof SUBJECTS)[number];
export const WILD_SEED = 20260101;
/** Pictures per side of the edit table. */
export const EDIT_SAMPLE = 200;
/** Pictures edited and scored at once (1.5x enlargements of 1024-px pictures are 9 MB each). */
const CHUNK = 32;

export interface SplitPicture {
  file: string;
  label: 'real' | 'generated';
  group: string;
  generator: string;
  split: 'train' | 'validation' | 'test';
}
export interface DataSplits {
  pictures: SplitPicture[];
  unseenGenerators: string[];
}
/** A decoded test picture (an sd15 grid gives four, named `file#RC`). */
export interface WildPicture extends SplitPicture {
  image: RgbaImage;
}
type Score = (images: RgbaImage[]) => Promise<Judgement[]>;

const round = (value: number) => Math.round(value * 1e5) / 1e5;
const ensembleScores = (judgements: readonly Judgement[]) => judgements.map((j) => j.score);

export async function readSplits(file = SPLITS_FILE): Promise<DataSplits> {
  return JSON.parse(await readFile(file, 'utf8')) as DataSplits;
}

/** {split-file name: subject}; an sd15 grid's tiles (`file#RC`) take their grid's label. */
export async function readSubjects(file = SUBJECTS_FILE): Promise<Record<string, Subject>> {
  return (JSON.parse(await readFile(file, 'utf8')) as { labels: Record<string, Subject> }).labels;
}
const gridFile = (file: string) => file.replace(/#\w+$/, '');

/**
 * The test split's pictures by role, in the split file's order; `limit` keeps the first `limit` of each real group
 * and of each generated family (per role), so a small run still covers every group.
 */
export function testPictures(splits: DataSplits, limit?: number): Record<'reals' | 'unseen' | 'seen', SplitPicture[]> {
  const unseen = new Set(splits.unseenGenerators);
  const role = (p: SplitPicture) => (p.label === 'real' ? 'reals' : unseen.has(p.generator) ? 'unseen' : 'seen');
  const taken = new Map<string, number>();
  const roles = { reals: [] as SplitPicture[], unseen: [] as SplitPicture[], seen: [] as SplitPicture[] };
  for (const picture of splits.pictures) {
    if (picture.split !== 'test') continue;
    const key = `${role(picture)}/${picture.group}`;
    if (limit !== undefined && (taken.get(key) ?? 0) >= limit) continue;
    taken.set(key, (taken.get(key) ?? 0) + 1);
    roles[role(picture)].push(picture);
  }
  return roles;
}

/** Decodes the pictures as the command line does; sd15_grids files become their four trimmed tiles. */
export async function loadWildPictures(pictures: readonly SplitPicture[], dataDir = DEFAULT_DATA_DIR): Promise<WildPicture[]> {
  const loaded: WildPicture[] = [];
  for (const picture of pictures) {
    if (picture.file.startsWith('sd15_grids/')) {
      for (const tile of await loadSdTiles([path.relative('sd15_grids', picture.file)], dataDir)) {
        loaded.push({ ...picture, file: `sd15_grids/${tile.file}`, image: tile.image });
      }
    } else {
      loaded.push({ ...picture, image: await decodeImage(path.join(dataDir, picture.file)) });
    }
  }
  return loaded;
}

/** Scores pictures `CHUNK` at a time after `edit`, so edited copies never pile up in memory. */
export async function scoreEdited(images: readonly RgbaImage[], edit: (image: RgbaImage, i: number) => Promise<RgbaImage>, score: Score): Promise<Judgement[]> {
  const judgements: Judgement[] = [];
  for (let start = 0; start < images.length; start += CHUNK) {
    const edited = await Promise.all(images.slice(start, start + CHUNK).map((image, i) => edit(image, start + i)));
    judgements.push(...(await score(edited)));
  }
  return judgements;
}

function realGroups(reals: readonly WildPicture[], judgements: readonly Judgement[], manifest: ModelManifest) {
  const thresholds = { default: manifest.thresholds.default, ...Object.fromEntries(PRESET_NAMES.map((name) => [name, manifest.thresholds.presets[name].threshold])) };
  const flagged = (scores: number[]) => Object.fromEntries(Object.entries(thresholds).map(([name, t]) => [name, round(shareAtOrAbove(scores, t))]));
  const groups = [...new Set(reals.map((p) => p.group))];
  const byGroup = Object.fromEntries(groups.map((group) => {
    const scores = ensembleScores(judgements.filter((_, i) => reals[i]!.group === group));
    return [group, { flagged: flagged(scores), count: scores.length, ...flaggedAtDefault(scores, manifest.thresholds.default) }];
  }));
  const pooled = ensembleScores(judgements);
  return { byGroup, pooled: { flagged: flagged(pooled), count: judgements.length, ...flaggedAtDefault(pooled, manifest.thresholds.default) } };
}

/** How many of a group the default flags, and the 95% interval of that share (a group of 12 cannot show 5%). */
function flaggedAtDefault(scores: readonly number[], threshold: number) {
  const count = countAtOrAbove(scores, threshold);
  return { flaggedCount: count, flaggedInterval95: roundedInterval(shareInterval95(count, scores.length)) };
}

const roundedInterval = (interval: [number, number] | null) => (interval === null ? null : interval.map(round) as [number, number]);

/**
 * Generated scores against the real ones: AUROC, share caught at `threshold`, count, and the 95% intervals of both
 * (DeLong's for the AUROC, Wilson's for the share: what these pictures can resolve, not how other sources differ).
 */
function separationRow(realScores: readonly number[], scores: readonly number[], threshold: number) {
  const caught = countAtOrAbove(scores, threshold);
  return {
    auroc: round(auroc(realScores, scores)), caught: round(caught / scores.length), count: scores.length,
    aurocInterval95: roundedInterval(aurocInterval95(realScores, scores)), caughtInterval95: roundedInterval(shareInterval95(caught, scores.length)),
  };
}

/**
 * AUROC against the test reals, share caught at the default, count and their intervals: pooled and per family
 * (with the family's count of train-split pictures in the split file, so a family never trained on shows as such).
 */
function separation(realScores: readonly number[], fakes: readonly WildPicture[], judgements: readonly Judgement[], threshold: number, trained: Map<string, number>) {
  const row = (scores: number[]) => separationRow(realScores, scores, threshold);
  const pooled = row(ensembleScores(judgements));
  const families = [...new Set(fakes.map((p) => p.group))];
  return {
    generators: [...new Set(fakes.map((p) => p.generator))],
    auroc: pooled.auroc,
    caughtAtDefault: pooled.caught,
    count: pooled.count,
    aurocInterval95: pooled.aurocInterval95,
    caughtInterval95: pooled.caughtInterval95,
    byFamily: Object.fromEntries(families.map((family) => [family, {
      ...row(ensembleScores(judgements.filter((_, i) => fakes[i]!.group === family))),
      trainPictures: trained.get(family) ?? 0,
    }])),
  };
}

interface Scored {
  pictures: WildPicture[];
  judgements: Judgement[];
}

/**
 * Generated photographs apart from generated illustrations, each against all test reals: AUROC, share caught at the
 * default, count, and each model's own AUROC (its calibrated score: which view carries a difference);
 * `withoutSd15Grids` the same without the SD 1.5 grid tiles. A picture without a label is counted in `unlabelled`
 * (the labels cover every generated test picture of the split file the report was made from).
 */
function bySubject(reals: readonly Judgement[], fakes: Scored, subjects: Record<string, Subject>, threshold: number) {
  const realScores = ensembleScores(reals);
  const row = (keep: (p: WildPicture) => boolean) => {
    const judgements = fakes.judgements.filter((_, i) => keep(fakes.pictures[i]!));
    const byModel = Object.fromEntries(MODEL_KEYS.map((key) => [key, round(auroc(reals.map((j) => j.scores[key]), judgements.map((j) => j.scores[key])))]));
    return { ...separationRow(realScores, ensembleScores(judgements), threshold), byModel };
  };
  const subjectOf = (p: WildPicture) => subjects[gridFile(p.file)];
  return {
    ...Object.fromEntries(SUBJECTS.map((subject) => [subject, {
      ...row((p) => subjectOf(p) === subject),
      withoutSd15Grids: row((p) => subjectOf(p) === subject && p.group !== 'sd15-grids'),
    }])) as Record<Subject, ReturnType<typeof row> & { withoutSd15Grids: ReturnType<typeof row> }>,
    unlabelled: fakes.pictures.filter((p) => subjectOf(p) === undefined).length,
  };
}

/** The edit table: a seeded sample of each side, every EDITS condition; 'as is' reuses the pictures' own scores. */
async function editTable(reals: Scored, fakes: Scored, score: Score, threshold: number, log: (m: string) => void) {
  const sample = (side: Scored, seed: number) => {
    const indices = sampleIndices(side.pictures.length, Math.min(EDIT_SAMPLE, side.pictures.length), seededRandom(seed));
    return { images: indices.map((i) => side.pictures[i]!.image), judgements: indices.map((i) => side.judgements[i]!) };
  };
  const real = sample(reals, WILD_SEED);
  const fake = sample(fakes, WILD_SEED + 1);
  // Each generated picture gets a patch of a real one; each real one a patch of the next real picture.
  const donor = (side: 'real' | 'fake', i: number) => real.images[(i + (side === 'real' ? 1 : 0)) % real.images.length]!;
  // The share of each generated picture a pasted patch covers: PATCH_SIDE clipped to the picture, so a picture of
  // at most PATCH_SIDE px becomes wholly the real donor's and no detector can tell it from a real one.
  const covered = fake.images.map((image, i) => patchCover(image, donor('fake', i)));
  const conditions: Record<string, EditFigures & { atMostHalfCovered?: EditFigures & { generated: number } }> = {};
  for (const [name, edit] of Object.entries(EDITS)) {
    const run = (side: 'real' | 'fake', images: RgbaImage[], offset: number) => scoreEdited(images, (image, i) => edit(image, donor(side, i), WILD_SEED + offset + i), score);
    const realJudgements = name === 'as is' ? real.judgements : await run('real', real.images, 0);
    const fakeJudgements = name === 'as is' ? fake.judgements : await run('fake', fake.images, 1_000_000);
    const [realScores, fakeScores] = [ensembleScores(realJudgements), ensembleScores(fakeJudgements)];
    conditions[name] = editFigures(realScores, fakeScores, threshold);
    if (name === PATCH_EDIT) {
      const partly = fakeScores.filter((_, i) => covered[i]! <= PARTLY_COVERED);
      conditions[name]!.atMostHalfCovered = { generated: partly.length, ...editFigures(realScores, partly, threshold) };
    }
    log(`wild edits: ${name}`);
  }
  const pastedShare = covered.reduce((sum, share) => sum + share, 0) / Math.max(1, covered.length);
  return { counts: { generated: fake.images.length, real: real.images.length }, conditions, generatedAreaPasted: round(pastedShare) };
}

interface EditFigures { auroc: number; aurocInterval95: [number, number] | null; generatedCaught: number; realFlagged: number }

function editFigures(realScores: readonly number[], fakeScores: readonly number[], threshold: number): EditFigures {
  return {
    auroc: round(auroc(realScores, fakeScores)), aurocInterval95: roundedInterval(aurocInterval95(realScores, fakeScores)),
    generatedCaught: round(shareAtOrAbove(fakeScores, threshold)), realFlagged: round(shareAtOrAbove(realScores, threshold)),
  };
}

async function realFormats(reals: readonly WildPicture[], score: Score, threshold: number) {
  const shares: Record<string, number> = {};
  for (const [name, format] of Object.entries(REAL_FORMATS)) {
    shares[name] = round(shareAtOrAbove(ensembleScores(await scoreEdited(reals.map((p) => p.image), format, score)), threshold));
  }
  return shares;
}

export async function evaluateWild(
  manifest: ModelManifest,
  options: { score: Score; log: (m: string) => void; limit?: number; splitsFile?: string; subjectsFile?: string; dataDir?: string },
) {
  const started = performance.now();
  const threshold = manifest.thresholds.default;
  const splits = await readSplits(options.splitsFile);
  const roles = testPictures(splits, options.limit);
  const scored = async (pictures: SplitPicture[]): Promise<Scored> => {
    const loaded = await loadWildPictures(pictures, options.dataDir);
    return { pictures: loaded, judgements: await options.score(loaded.map((p) => p.image)) };
  };
  const [reals, unseen, seen] = [await scored(roles.reals), await scored(roles.unseen), await scored(roles.seen)];
  options.log(`wild: ${reals.pictures.length} real, ${unseen.pictures.length} unseen-generator and ${seen.pictures.length} seen-family test pictures`);
  const realScores = ensembleScores(reals.judgements);
  const groups = realGroups(reals.pictures, reals.judgements, manifest);
  const formats = await realFormats(reals.pictures, options.score, threshold);
  options.log(`wild: real pictures under ${Object.keys(REAL_FORMATS).length} formats`);
  const all: Scored = { pictures: [...unseen.pictures, ...seen.pictures], judgements: [...unseen.judgements, ...seen.judgements] };
  const edits = await editTable(reals, all, options.score, threshold, options.log);
  const trained = new Map<string, number>();
  for (const p of splits.pictures) if (p.label === 'generated' && p.split === 'train') trained.set(p.group, (trained.get(p.group) ?? 0) + 1);
  const modelsUnseen = ((manifest.training ?? {}) as { unseenGenerators?: string[] }).unseenGenerators ?? null;
  return {
    protocol: wildProtocol(splits.unseenGenerators, modelsUnseen, options.limit),
    threshold,
    realGroups: { ...groups, formats },
    unseenGenerators: separation(realScores, unseen.pictures, unseen.judgements, threshold, trained),
    seenFamiliesTest: separation(realScores, seen.pictures, seen.judgements, threshold, trained),
    bySubject: bySubject(reals.judgements, all, await readSubjects(options.subjectsFile), threshold),
    edits,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

export type WildReport = Awaited<ReturnType<typeof evaluateWild>>;

function wildProtocol(unseenGenerators: string[], modelsUnseen: string[] | null, limit: number | undefined) {
  const sameHeldOut = modelsUnseen !== null && [...modelsUnseen].sort().join() === [...unseenGenerators].sort().join();
  return {
    splits: 'training/data-splits.json (training/splits.py): test-split pictures only, decoded as the command line decodes files; sd15_grids cut into 4 tiles (inner seams trimmed); default threshold',
    realGroups: 'share of each real group flagged at the default and each preset; formats: all test reals re-encoded by sharp (PNG, WebP q80, JPEG q92, resized to half with lanczos3), share flagged at the default',
    unseenGenerators: `generated test pictures of the split file's unseenGenerators (${unseenGenerators.join(', ')}) vs all test reals; byFamily by the split file's group`,
    seenFamiliesTest: 'the other generated test pictures (held-out pictures of trained families, SD 1.5 grid tiles included) vs all test reals',
    bySubject: 'all generated test pictures by subject (training/subject-labels.json, labelled by eye; an SD 1.5 grid as a whole) vs all test reals; byModel: each model\'s calibrated score alone; withoutSd15Grids: the same without the SD 1.5 grid tiles',
    edits: `up to ${EDIT_SAMPLE} generated (all test families) and ${EDIT_SAMPLE} real test pictures drawn with seed ${WILD_SEED}; shift = pixels cut off the top and left; short side = lanczos3 resize; noise drawn with the seed; patch: a real test picture's ${PATCH_SIDE}-px patch (clipped to both pictures) pasted at a seeded place, the reals getting one from another real picture (generatedAreaPasted: mean share of a generated picture it covers; atMostHalfCovered: the generated pictures it covers at most half of, against the same reals)`,
    intervals: '95% intervals: Wilson\'s for shares (flaggedInterval95, caughtInterval95), DeLong\'s for AUROCs (aurocInterval95, normal, clipped to [0, 1]); they measure the sampling of these test pictures, not how far other sources or generators would differ',
    unseenGeneratorsOfTheModels: modelsUnseen,
    sameHeldOutAsTheModels: sameHeldOut,
    limit: limit ?? null,
  };
}

/** The wild tables on stdout, in the style of evaluate.ts's tables (percent). */
export function printWild(wild: WildReport): void {
  const pct = (v: number | null | undefined) => (v === undefined || v === null || Number.isNaN(v) ? '   -  ' : `${(v * 100).toFixed(2).padStart(6)}`);
  const interval = (v: readonly [number, number] | null) => (v === null ? '' : ` [${(v[0] * 100).toFixed(1)}-${(v[1] * 100).toFixed(1)}]`);
  const presets = ['default', ...PRESET_NAMES];
  console.log(`\nIn the wild: test split of training/data-splits.json (percent; default threshold ${wild.threshold})`);
  console.log(`  real group       n | flagged at: ${presets.map((name) => name.padStart(12)).join(' ')}`);
  for (const [group, row] of [...Object.entries(wild.realGroups.byGroup), ['pooled', wild.realGroups.pooled] as const]) {
    console.log(`  ${group.padEnd(10)} ${String(row.count).padStart(5)} |             ${presets.map((name) => pct(row.flagged[name]).padStart(12)).join(' ')}   default: 95% interval${interval(row.flaggedInterval95)}`);
  }
  console.log(`  real formats (pooled, flagged at the default): ${Object.entries(wild.realGroups.formats).map(([name, v]) => `${name} ${pct(v)}`).join(', ')}`);
  for (const [title, table] of [['unseen generators', wild.unseenGenerators], ['seen families (test)', wild.seenFamiliesTest]] as const) {
    console.log(`  ${title.padEnd(27)} (pooled, n=${String(table.count).padStart(3)}) AUROC ${pct(table.auroc)}${interval(table.aurocInterval95)}, caught ${pct(table.caughtAtDefault)}${interval(table.caughtInterval95)}`);
    for (const [family, row] of Object.entries(table.byFamily)) {
      console.log(`    ${family.padEnd(25)} (n=${String(row.count).padStart(3)}) AUROC ${pct(row.auroc)}${interval(row.aurocInterval95)}, caught ${pct(row.caught)}${interval(row.caughtInterval95)}`);
    }
  }
  const subjectRow = (row: WildReport['bySubject']['photograph']['withoutSd15Grids']) => `(n=${String(row.count).padStart(3)}) AUROC ${pct(row.auroc)}${interval(row.aurocInterval95)}, caught ${pct(row.caught)}${interval(row.caughtInterval95)} (${Object.entries(row.byModel).map(([key, value]) => `${key} ${pct(value)}`).join(', ')})`;
  for (const subject of SUBJECTS) {
    const row = wild.bySubject[subject];
    console.log(`  generated ${`${subject}s`.padEnd(17)} ${subjectRow(row)}; without SD 1.5 grids ${subjectRow(row.withoutSd15Grids)}`);
  }
  const { counts, conditions, generatedAreaPasted } = wild.edits;
  console.log(`  edits (${counts.generated} generated + ${counts.real} real test pictures; a patch covers ${pct(generatedAreaPasted)}% of a generated picture on average):`);
  for (const [name, row] of Object.entries(conditions)) {
    console.log(`    ${name.padEnd(20)} AUROC ${pct(row.auroc)}${interval(row.aurocInterval95)}; generated caught ${pct(row.generatedCaught)}; real flagged ${pct(row.realFlagged)}`);
    const partly = row.atMostHalfCovered;
    if (partly) console.log(`      pictures it covers at most half of (n=${partly.generated}): AUROC ${pct(partly.auroc)}${interval(partly.aurocInterval95)}; generated caught ${pct(partly.generatedCaught)}`);
  }
  if (!wild.protocol.sameHeldOutAsTheModels) console.log(`  note: these models held out ${wild.protocol.unseenGeneratorsOfTheModels?.join(', ') ?? '(not recorded)'}, not the split file's unseen generators: 'unseen' and 'seen' hold for models trained on the split file only`);
  console.log(`  (${wild.seconds} s)`);
}

/** The manifest's `metrics.wild`: the figures without the protocol text and the per-family rows. */
export function wildMetrics(wild: WildReport) {
  const table = ({ auroc, caughtAtDefault, count, caughtInterval95 }: WildReport['unseenGenerators']) => ({ auroc, caughtAtDefault, count, caughtInterval95 });
  return {
    realFlagged: Object.fromEntries([...Object.entries(wild.realGroups.byGroup), ['pooled', wild.realGroups.pooled] as const].map(([group, row]) => [group, row.flagged.default])),
    realFlaggedByFormat: wild.realGroups.formats,
    unseenGenerators: table(wild.unseenGenerators),
    seenFamiliesTest: table(wild.seenFamiliesTest),
    bySubject: Object.fromEntries(SUBJECTS.map((subject) => [subject, { auroc: wild.bySubject[subject].auroc, caught: wild.bySubject[subject].caught }])),
    edits: wild.edits.conditions,
  };
}
