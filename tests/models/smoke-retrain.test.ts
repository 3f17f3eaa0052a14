/**
 * A smoke retrain through the real training script (PyTorch from Debian's python3-torch): a few hundred
 * images, one epoch, a few trace steps, written to temporary folders only (never training/last_run.pt, the
 * checkpoint the shipped models come from). Then the exported two-view ONNX loads and scores in
 * onnxruntime-node, and a re-export from the checkpoint records the checkpoint's training facts, not the
 * re-export's own defaults; retraining only the whole-image views keeps the trace views and records its facts, and
 * refitting only the trace head, or only the trace autoencoder, keeps the rest.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodeModels } from '../../src/node/ort-node';
import { ViewBatchBuilder } from '../../src/detector/views';

const SHIPPED_CHECKPOINT = path.resolve('training/last_run.pt');

describe('training pipeline smoke run', () => {
  it('retrains, exports loadable two-view ONNX with a valid manifest, and re-exports from its checkpoint', async () => {
    expect(existsSync('/usr/bin/python3'), 'Debian python3 with python3-torch is required (see .ci/run)').toBe(true);
    const shippedBefore = existsSync(SHIPPED_CHECKPOINT) ? statSync(SHIPPED_CHECKPOINT).mtimeMs : null;
    const work = mkdtempSync(path.join(tmpdir(), 'smoke-models-'));
    const out = path.join(work, 'models');
    const checkpoint = path.join(work, 'smoke.pt');
    const common = ['--limit', '300', '--out', out, '--checkpoint', checkpoint];
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--epochs', '1', '--trace-steps', '4', '--head-steps', '5', '--gan-steps', '6', '--simulator-steps', '3', '--seed', '5'], { stdio: 'inherit' });
    const trained = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(trained.training).toMatchObject({ epochs: 1, traceSteps: 4, headSteps: 5, ganSteps: 6, simulatorSteps: 3, seed: 5, reexportedFromCheckpoint: false });
    // The simulated fakes joined the whole-image view's generated side.
    expect(trained.training.wholeViewImages).toBeGreaterThan(0);
    expect(Number.isFinite(trained.training.wholeViewCalibrationOffset)).toBe(true);
    // The image-statistics prior counts beyond its knee, a quantile of its deviation on small real pictures.
    expect(trained.training).toMatchObject({ priorKneeQuantile: 0.99 });
    expect(trained.training.scoreScales.statisticsKnee).toBeGreaterThan(trained.training.scoreScales.statistics);
    // Every candidate view rule is scored on validation, and by default the manifest ships the pinned one
    // (calibration.SHIPPED_VIEW_RULE: top 5, the trace view alone).
    type Candidate = { topK: number; traceWeight: number; meanAuroc: number };
    const candidates = trained.training.validation.viewRule.candidates as Candidate[];
    expect(candidates).toHaveLength(16);
    expect(trained.input.crops).toMatchObject({ aggregate: 'top-k-log-mean', topK: 5 });
    expect(trained.ensemble.traceWeight).toBe(1);
    // Each model's trace view has a curve for pictures judged on several crops and one for those judged on one.
    for (const key of ['svdd', 'autoencoder']) {
      const trace = trained.calibration[key].trace;
      expect(trace.singleCrop.scale).toBeGreaterThan(0);
      expect(trace.singleCrop.center).not.toBe(trace.center);
    }

    const models = await loadNodeModels({ modelsDir: out });
    try {
      const builder = new ViewBatchBuilder(models.manifest, 2);
      const flat = (value: number, width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 4).fill(value) });
      builder.add(flat(80, 32, 32));
      builder.add(flat(180, 300, 200)); // large enough for native crops
      expect(builder.batch.cropCount).toBeGreaterThan(0);
      const raw = await models.run(builder.batch);
      for (const scores of [raw.svdd, raw.autoencoder]) {
        expect(scores).toHaveLength(2);
        for (const value of scores) expect(Number.isFinite(value) && value >= 0).toBe(true);
      }
      expect(raw.traceSvdd).toHaveLength(builder.batch.cropCount);
      expect(raw.traceAutoencoder).toHaveLength(builder.batch.cropCount);
    } finally {
      await models.dispose();
    }

    // Re-export with other defaults on the command line: the manifest must keep the checkpoint's facts. With
    // --view-rule choose, the candidates' criterion picks the rule the manifest ships.
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--from-checkpoint', checkpoint, '--epochs', '9', '--seed', '6', '--view-rule', 'choose'], { stdio: 'inherit' });
    const reexported = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(reexported.training).toMatchObject({ epochs: 1, traceSteps: 4, ganSteps: 6, seed: 5, reexportedFromCheckpoint: true });
    const reexportedCandidates = reexported.training.validation.viewRule.candidates as Candidate[];
    const best = Math.max(...reexportedCandidates.map((c) => c.meanAuroc));
    const chosen = reexportedCandidates.find((c) => c.topK === reexported.input.crops.topK && c.traceWeight === reexported.ensemble.traceWeight);
    expect(chosen?.meanAuroc).toBe(best);

    // Retraining only the whole-image views keeps the trace views' facts and records its own.
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--from-checkpoint', checkpoint, '--retrain-whole', '--epochs', '1', '--simulator-steps', '2'], { stdio: 'inherit' });
    const retrained = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(retrained.training).toMatchObject({ traceSteps: 4, seed: 5, wholeViewsRetrained: { epochs: 1, simulatorSteps: 2, svddObjective: 'hypersphere classifier' } });
    expect(retrained.training.wholeViewsRetrained.simulatedFakes).toBeGreaterThan(0);

    // Retraining only the trace views (half their pictures given a JPEG save first and half a phone's denoising and
    // sharpening, crops weighed so that what the pictures show is balanced across the classes; here with the earlier
    // rounds' pixel-residual trace autoencoder) keeps the whole-image views' facts and records its own.
    expect(trained.training.traceAutoencoder).toBe('mobilenet-v2-b10-features'); // the default recipe's
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--from-checkpoint', checkpoint, '--retrain-trace', '--trace-steps', '3', '--head-steps', '2',
      '--prior-save', '0.5', '--finishing', '0.5', '--subject-balance', '1', '--trace-autoencoder', 'pixel-residual'], { stdio: 'inherit' });
    const traceRetrained = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(traceRetrained.training).toMatchObject({ epochs: 1, traceSteps: 3, headSteps: 2, priorSaveShare: 0.5, finishingShare: 0.5, traceViewsRetrained: { steps: 3 }, wholeViewsRetrained: { epochs: 1 },
      subjectBalance: { strength: 1, thumbnail: 96 }, traceAutoencoder: 'pixel-residual' });
    const balance = traceRetrained.training.subjectBalance;
    expect(balance.pictures).toBeGreaterThan(20);
    for (const value of [balance.heldOutAuroc, balance.heldOutAurocWeighted]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(balance.largestWeight).toBeGreaterThanOrEqual(1);
    expect(trained.training.subjectBalance).toEqual({ strength: 0 }); // the default recipe weighs no crop
    // and gives the shipped models' share of pictures a phone's finishing: the default is the shipped recipe.
    const shipped = JSON.parse(readFileSync(path.resolve('public/models/manifest.json'), 'utf8'));
    expect(trained.training.finishingShare).toBe(shipped.training.finishingShare);
    expect(trained.training.finishingShare).toBeGreaterThan(0);

    // Refitting only Deep SVDD's trace head (here narrower than the default) keeps the trace autoencoder's and the
    // whole-image views' facts, records its own, and its export carries the new head (its scale moved; the checkpoint
    // loads at the width it records).
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--from-checkpoint', checkpoint, '--retrain-head', '--head-steps', '4', '--head-width', '16', '--head-eta', '2'], { stdio: 'inherit' });
    const headRetrained = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(headRetrained.training).toMatchObject({ traceSteps: 3, headSteps: 4, headWidth: 16, headEta: 2, traceViewsRetrained: { steps: 3 },
      wholeViewsRetrained: { epochs: 1 }, traceHeadRetrained: { steps: 4, width: 16, eta: 2 } });
    expect(headRetrained.training.scoreScales.traceEmbedding).not.toBe(traceRetrained.training.scoreScales.traceEmbedding);
    expect(headRetrained.training.scoreScales.traceReconstruction).toBe(traceRetrained.training.scoreScales.traceReconstruction);

    // Refitting only the trace autoencoder, here on the frozen backbone's features of a checkpoint whose autoencoder
    // read the pixel residual, keeps Deep SVDD's trace head and the whole-image views, records its own facts, and its
    // export carries the new autoencoder (its scale moved, the head's did not).
    execFileSync('/usr/bin/python3', ['training/train.py', ...common, '--from-checkpoint', checkpoint, '--retrain-autoencoder', '--trace-steps', '6'], { stdio: 'inherit' });
    const autoencoderRetrained = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(autoencoderRetrained.training).toMatchObject({ headSteps: 4, headWidth: 16, traceHeadRetrained: { steps: 4 }, wholeViewsRetrained: { epochs: 1 },
      traceAutoencoder: 'mobilenet-v2-b10-features', traceAutoencoderRetrained: { kind: 'mobilenet-v2-b10-features', steps: 6 } });
    expect(autoencoderRetrained.training.scoreScales.traceEmbedding).toBe(headRetrained.training.scoreScales.traceEmbedding);
    expect(autoencoderRetrained.training.scoreScales.traceReconstruction).not.toBe(headRetrained.training.scoreScales.traceReconstruction);
    expect(existsSync(SHIPPED_CHECKPOINT) ? statSync(SHIPPED_CHECKPOINT).mtimeMs : null).toBe(shippedBefore);
  }, 3_600_000); // a safety net, not a speed goal: six runs of the training script (the pretrained crop encoder scores every validation crop)
});
