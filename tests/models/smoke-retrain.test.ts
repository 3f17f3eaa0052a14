/**
 * A smoke retrain: a few hundred images, one epoch, a few GAN steps, through the real training script
 * (PyTorch from Debian's python3-torch), then the exported ONNX loads and scores in onnxruntime-node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodeModels } from '../../src/node/ort-node';

describe('training pipeline smoke run', () => {
  it('retrains on 300 images for one epoch and exports loadable ONNX with a valid manifest', async () => {
    expect(existsSync('/usr/bin/python3'), 'Debian python3 with python3-torch is required (see .ci/run)').toBe(true);
    const out = mkdtempSync(path.join(tmpdir(), 'smoke-models-'));
    execFileSync('/usr/bin/python3', ['training/train.py', '--epochs', '1', '--limit', '300', '--gan-steps', '10', '--out', out], { stdio: 'inherit' });
    const models = await loadNodeModels({ modelsDir: out });
    try {
      const batch = new Float32Array(2 * 3 * 128 * 128);
      batch.fill(0.3, 0, batch.length / 2);
      batch.fill(0.7, batch.length / 2);
      const raw = await models.run(batch, 2);
      for (const scores of [raw.svdd, raw.autoencoder]) {
        expect(scores).toHaveLength(2);
        for (const value of scores) expect(Number.isFinite(value) && value >= 0).toBe(true);
      }
      expect(models.manifest.thresholds.presets.balanced.falseAlarmRate).toBe(0.01);
    } finally {
      await models.dispose();
    }
  }, 600_000);
});
