/**
 * Which model set to ship, decided on validation only: scores the validation-split pictures of
 * training/data-splits.json (as stored, decoded as the CLI decodes files) with each model folder given, and
 * reports per set the AUROC of all validation generated pictures against all validation real ones, the mean of
 * per-family AUROCs weighted by the square root of the family's size (the view rule's criterion), and the shares
 * flagged at each set's own default threshold, as stored and under each everyday edit of the edit table
 * (wild-edits.ts EDITS; issue 19 asks for edits to hold), and the mean over edits. The newer models' calibration was
 * fitted on these real pictures, so their flagged shares are in-sample; AUROC does not depend on the threshold.
 *
 *   npx tsx src/node/compare-validation.ts <label>=<models dir> ... [--out FILE] [--edits "as is,shift 1 px"]
 *
 * --edits limits the run to the named edits (a quick look; the shipping criterion is the mean over all of them).
 * Every set after the first also gets `againstFirst`: its criterion minus the first set's on the same pictures, with
 * the difference's paired bootstrap 95% interval (paired-bootstrap.ts), which says how much of a gap the 130 real
 * and some 150 generated validation pictures can resolve.
 */
import { writeFile } from 'node:fs/promises';
import { auroc, shareAtOrAbove } from '../detector/metrics';
import type { RgbaImage } from '../detector/pixel-image';
import { loadWildPictures, readSplits, type WildPicture } from './evaluate-wild';
import { EDITS, PARTLY_COVERED, PATCH_EDIT, patchCover } from './wild-edits';
import { createNodeDetector } from './node-detector';
import { pairedDifference, type PictureRole } from './paired-bootstrap';

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function figures(pictures: readonly WildPicture[], scores: readonly number[], threshold: number) {
  const real = scores.filter((_, i) => pictures[i]!.label === 'real');
  const fake = scores.filter((_, i) => pictures[i]!.label === 'generated');
  const families = [...new Set(pictures.filter((p) => p.label === 'generated').map((p) => p.group))];
  const byFamily = Object.fromEntries(families.map((family) => {
    const own = scores.filter((_, i) => pictures[i]!.label === 'generated' && pictures[i]!.group === family);
    return [family, { pictures: own.length, auroc: round(auroc(real, own)), caught: round(shareAtOrAbove(own, threshold)) }];
  }));
  const weights = families.map((f) => Math.sqrt(byFamily[f]!.pictures));
  const weighted = families.reduce((sum, f, i) => sum + weights[i]! * byFamily[f]!.auroc, 0) / weights.reduce((a, b) => a + b, 0);
  return {
    realPictures: real.length, generatedPictures: fake.length, pooledAuroc: round(auroc(real, fake)),
    familyWeightedAuroc: round(weighted), familyMeanAuroc: round(families.reduce((sum, f) => sum + byFamily[f]!.auroc, 0) / families.length),
    generatedCaught: round(shareAtOrAbove(fake, threshold)), realFlagged: round(shareAtOrAbove(real, threshold)), byFamily,
  };
}

/**
 * The pasted patch's pooled AUROC over the generated pictures it covers at most half of (a picture of at most
 * PATCH_SIDE px becomes wholly the real donor's, which no detector can tell from a real picture).
 */
function partlyCovered(pictures: readonly WildPicture[], scores: readonly number[], donorOf: (i: number) => RgbaImage) {
  const covered = pictures.map((p, i) => patchCover(p.image, donorOf(i)));
  const real = scores.filter((_, i) => pictures[i]!.label === 'real');
  const partly = scores.filter((_, i) => pictures[i]!.label === 'generated' && covered[i]! <= PARTLY_COVERED);
  return { generatedPictures: partly.length, pooledAuroc: round(auroc(real, partly)) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args.splice(outIndex, 2)[1] : undefined;
  const editsIndex = args.indexOf('--edits');
  const editNamesAsked = editsIndex >= 0 ? args.splice(editsIndex, 2)[1]!.split(',').map((name) => name.trim()) : Object.keys(EDITS);
  const unknown = editNamesAsked.filter((name) => !(name in EDITS));
  if (unknown.length > 0) throw new Error(`unknown edit ${unknown.join(', ')}; the edits are: ${Object.keys(EDITS).join(', ')}`);
  const splits = await readSplits();
  const pictures = await loadWildPictures(splits.pictures.filter((p) => p.split === 'validation'));
  const results: Record<string, unknown> = {};
  const donors = pictures.filter((p) => p.label === 'real').map((p) => p.image);
  const donorOf = (i: number) => donors[(i * 7) % donors.length]!;
  const roles: PictureRole[] = pictures.map((p) => (p.label === 'real' ? { label: 'real' } : { label: 'generated', family: p.group }));
  let first: { label: string; scores: number[][] } | undefined;
  for (const [label, modelsDir] of args.map((a) => a.split('=') as [string, string])) {
    const detector = await createNodeDetector({ modelsDir });
    const byEdit: Record<string, ReturnType<typeof figures> & { atMostHalfCovered?: ReturnType<typeof partlyCovered> }> = {};
    const scoresByEdit: number[][] = [];
    for (const name of editNamesAsked) {
      const edit = EDITS[name]!;
      const edited: RgbaImage[] = [];
      for (const [i, p] of pictures.entries()) edited.push(await edit(p.image, donorOf(i), 1000 + i));
      const scores = (await detector.scoreImages(edited)).map((j) => j.score);
      scoresByEdit.push(scores);
      byEdit[name] = figures(pictures, scores, detector.models.manifest.thresholds.default);
      if (name === PATCH_EDIT) byEdit[name].atMostHalfCovered = partlyCovered(pictures, scores, donorOf);
    }
    const editNames = Object.keys(byEdit);
    const mean = (key: 'pooledAuroc' | 'familyWeightedAuroc' | 'familyMeanAuroc') => round(editNames.reduce((sum, e) => sum + byEdit[e]![key], 0) / editNames.length);
    let againstFirst: { baseline: string; difference: number; interval95: number[]; resamples: number } | undefined;
    if (first === undefined) first = { label, scores: scoresByEdit };
    else {
      const { difference, interval95, resamples } = pairedDifference(first.scores, scoresByEdit, roles);
      againstFirst = { baseline: first.label, difference: round(difference), interval95: interval95.map(round), resamples };
    }
    results[label] = { models: detector.models.manifest.version, threshold: detector.models.manifest.thresholds.default,
      meanOverEdits: { pooledAuroc: mean('pooledAuroc'), familyWeightedAuroc: mean('familyWeightedAuroc'), familyMeanAuroc: mean('familyMeanAuroc') },
      ...(againstFirst ? { againstFirst } : {}), byEdit };
    console.log(label, JSON.stringify((results[label] as { meanOverEdits: unknown }).meanOverEdits), JSON.stringify(Object.fromEntries(editNames.map((e) => [e, byEdit[e]!.familyWeightedAuroc]))));
    if (againstFirst) console.log(`${label} minus ${againstFirst.baseline}: ${againstFirst.difference} (paired bootstrap 95% interval ${againstFirst.interval95.join(' to ')}, ${againstFirst.resamples} resamples)`);
    const partly = byEdit[PATCH_EDIT]?.atMostHalfCovered;
    if (partly) console.log(`${label} ${PATCH_EDIT}, generated pictures it covers at most half of: ${JSON.stringify(partly)}`);
    await detector.dispose();
  }
  if (out) await writeFile(out, `${JSON.stringify({ split: 'validation (training/data-splits.json), pictures as stored', results }, null, 2)}\n`);
}

await main();
