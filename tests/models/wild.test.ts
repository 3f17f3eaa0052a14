/**
 * The report's in-the-wild section (src/node/evaluate-wild.ts) on the shipped models, with a small limit: its shape,
 * that it reads test-split pictures only and as many as training/data-splits.json lists, and that its figures are
 * recomputable: the real groups' shares and the unseen generators' AUROC come out the same when the same files are
 * scored the way `npx deepfake-detector score` scores them (NodeDetector.scoreFiles, chosen here from the split file
 * itself).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_KEYS, PRESET_NAMES } from '../../src/detector/manifest';
import { auroc } from '../../src/detector/metrics';
import { DEFAULT_DATA_DIR } from '../../src/node/datasets';
import type { DataSplits, SplitPicture, WildReport } from '../../src/node/evaluate-wild';
import { EDIT_SAMPLE, SPLITS_FILE, evaluateWild, wildMetrics } from '../../src/node/evaluate-wild';
import type { NodeDetector } from '../../src/node/node-detector';
import { createNodeDetector } from '../../src/node/node-detector';
import { EDITS, REAL_FORMATS } from '../../src/node/wild-edits';

const LIMIT = 2;
const splits = JSON.parse(readFileSync(SPLITS_FILE, 'utf8')) as DataSplits;
const test = splits.pictures.filter((p) => p.split === 'test');
const unseen = new Set(splits.unseenGenerators);

/** The first LIMIT test pictures of each group of `pictures`, in the file's order (tiles count 4 per sd15 grid). */
function firstOfEach(pictures: SplitPicture[]): SplitPicture[] {
  const groups = new Map<string, SplitPicture[]>();
  for (const p of pictures) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  return [...groups.values()].flatMap((list) => list.slice(0, LIMIT));
}
function expectShare(value: number | undefined): void {
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(1);
}
const tiles = (pictures: SplitPicture[]) => pictures.reduce((n, p) => n + (p.file.startsWith('sd15_grids/') ? 4 : 1), 0);

let detector: NodeDetector;
let wild: WildReport;

describe('in-the-wild section on the shipped models (limit 2 per group)', () => {
  beforeAll(async () => {
    detector = await createNodeDetector();
    wild = await evaluateWild(detector.models.manifest, { limit: LIMIT, log: () => {}, score: (images) => detector.scoreImages(images) });
  }, 600_000);
  afterAll(() => detector?.dispose());

  it('has the real groups of the test split, with the counts the split file gives, shares in [0, 1]', () => {
    const reals = test.filter((p) => p.label === 'real');
    const groups = [...new Set(reals.map((p) => p.group))];
    expect(groups.sort()).toEqual(['cameras', 'film', 'phones', 'web']);
    expect(Object.keys(wild.realGroups.byGroup).sort()).toEqual(groups);
    for (const group of groups) {
      const row = wild.realGroups.byGroup[group]!;
      expect(row.count, group).toBe(Math.min(LIMIT, reals.filter((p) => p.group === group).length));
      expect(Object.keys(row.flagged)).toEqual(['default', ...PRESET_NAMES]);
      Object.values(row.flagged).forEach(expectShare);
      // A lower threshold never flags fewer pictures.
      expect(row.flagged.sensitive!).toBeGreaterThanOrEqual(row.flagged.balanced!);
      expect(row.flagged.balanced!).toBeGreaterThanOrEqual(row.flagged.conservative!);
    }
    expect(wild.realGroups.pooled.count).toBe(firstOfEach(reals).length);
    expect(Object.keys(wild.realGroups.formats)).toEqual(Object.keys(REAL_FORMATS));
    Object.values(wild.realGroups.formats).forEach(expectShare);
    // PNG is lossless: the same pixels, the same share as the pictures as they are.
    expect(wild.realGroups.formats.png).toBe(wild.realGroups.pooled.flagged.default);
  });

  it('splits generated test pictures into unseen generators and seen families, per family, counts from the split file', () => {
    const generated = test.filter((p) => p.label === 'generated');
    const held = firstOfEach(generated.filter((p) => unseen.has(p.generator)));
    const seen = firstOfEach(generated.filter((p) => !unseen.has(p.generator)));
    expect(wild.unseenGenerators.count).toBe(tiles(held));
    expect(wild.seenFamiliesTest.count).toBe(tiles(seen));
    expect(new Set(wild.unseenGenerators.generators)).toEqual(new Set(held.map((p) => p.generator)));
    expect(wild.unseenGenerators.generators.every((g) => unseen.has(g))).toBe(true);
    expect(wild.seenFamiliesTest.generators.some((g) => unseen.has(g))).toBe(false);
    expect(wild.seenFamiliesTest.byFamily['sd15-grids']?.count).toBe(4 * LIMIT);
    for (const table of [wild.unseenGenerators, wild.seenFamiliesTest]) {
      expect(Object.values(table.byFamily).reduce((n, row) => n + row.count, 0)).toBe(table.count);
      for (const row of [table, ...Object.values(table.byFamily)]) {
        [row.auroc, 'caught' in row ? row.caught : row.caughtAtDefault].forEach(expectShare);
      }
    }
  });

  it('splits every generated test picture by subject, with and without the SD 1.5 grid tiles', () => {
    const { photograph, illustration, unlabelled } = wild.bySubject;
    expect(unlabelled).toBe(0);
    expect(photograph.count + illustration.count).toBe(wild.unseenGenerators.count + wild.seenFamiliesTest.count);
    const gridTiles = wild.seenFamiliesTest.byFamily['sd15-grids']!.count;
    expect(photograph.withoutSd15Grids.count + illustration.withoutSd15Grids.count).toBe(wild.unseenGenerators.count + wild.seenFamiliesTest.count - gridTiles);
    for (const row of [photograph, illustration, photograph.withoutSd15Grids, illustration.withoutSd15Grids]) {
      expect(row.count).toBeGreaterThan(0);
      [row.auroc, row.caught].forEach(expectShare);
      expect(Object.keys(row.byModel)).toEqual([...MODEL_KEYS]);
      Object.values(row.byModel).forEach(expectShare);
    }
  });

  it('has every edit condition, on the sampled pictures, figures in [0, 1]', () => {
    expect(Object.keys(wild.edits.conditions)).toEqual(Object.keys(EDITS));
    expect(wild.edits.counts.real).toBe(Math.min(EDIT_SAMPLE, wild.realGroups.pooled.count));
    expect(wild.edits.counts.generated).toBe(Math.min(EDIT_SAMPLE, wild.unseenGenerators.count + wild.seenFamiliesTest.count));
    for (const row of Object.values(wild.edits.conditions)) {
      [row.auroc, row.generatedCaught, row.realFlagged].forEach(expectShare);
    }
    // With every real picture sampled, the edit table's reals as they are are the pooled reals.
    expect(wild.edits.conditions['as is']!.realFlagged).toBe(wild.realGroups.pooled.flagged.default);
    expect(Object.keys(wildMetrics(wild).realFlagged)).toEqual([...Object.keys(wild.realGroups.byGroup), 'pooled']);
  });

  it('recomputes from the files as the command line scores them', async () => {
    const threshold = detector.models.manifest.thresholds.default;
    const scoreFiles = async (pictures: SplitPicture[]) => (await detector.scoreFiles(pictures.map((p) => path.join(DEFAULT_DATA_DIR, p.file)))).map((o) => {
      if (!o.ok) throw new Error(`${o.file}: ${o.error}`);
      return o.judgement;
    });
    const reals = firstOfEach(test.filter((p) => p.label === 'real'));
    const realJudgements = await scoreFiles(reals);
    for (const [group, row] of Object.entries(wild.realGroups.byGroup)) {
      const flagged = realJudgements.filter((j, i) => reals[i]!.group === group && j.isFake).length;
      expect(row.flagged.default, group).toBeCloseTo(flagged / row.count, 4);
    }
    const held = firstOfEach(test.filter((p) => p.label === 'generated' && unseen.has(p.generator)));
    const heldScores = (await scoreFiles(held)).map((j) => j.score);
    expect(wild.unseenGenerators.auroc).toBeCloseTo(auroc(realJudgements.map((j) => j.score), heldScores), 4);
    expect(wild.unseenGenerators.caughtAtDefault).toBeCloseTo(heldScores.filter((s) => s >= threshold).length / heldScores.length, 4);
  }, 300_000);
});
