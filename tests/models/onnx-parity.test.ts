/**
 * The shipped ONNX graphs give what PyTorch gave at export (public/models/parity.json, written by
 * training/train.py), through our own preprocessing: each fixture is a 32x32 image, which imageToTensor
 * area-resamples to 128x128 (an exact x4 nearest copy), as the PyTorch side did.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToTensor, toRgba } from '../../src/detector/preprocess';
import type { NodeModels } from '../../src/node/ort-node';
import { DEFAULT_MODELS_DIR, loadNodeModels } from '../../src/node/ort-node';

interface ParityFixtures {
  count: number;
  size: number;
  pixels: string;
  svdd: number[];
  autoencoder: number[];
}

const fixtures = JSON.parse(readFileSync(path.join(DEFAULT_MODELS_DIR, 'parity.json'), 'utf8')) as ParityFixtures;

describe.each(['node', 'wasm'] as const)('ONNX (%s) vs PyTorch parity', (backend) => {
  let models: NodeModels;
  beforeAll(async () => {
    models = await loadNodeModels({ backend });
  });
  afterAll(async () => models.dispose());

  it('scores every fixture as PyTorch did', async () => {
    const pixels = Buffer.from(fixtures.pixels, 'base64');
    const perImage = fixtures.size * fixtures.size * 3;
    const tensorSize = 3 * 128 * 128;
    const batch = new Float32Array(fixtures.count * tensorSize);
    for (let i = 0; i < fixtures.count; i++) {
      const image = toRgba(new Uint8Array(pixels.buffer, pixels.byteOffset + i * perImage, perImage), fixtures.size, fixtures.size, 3);
      imageToTensor(image, models.manifest.input, batch, i * tensorSize);
    }
    const raw = await models.run(batch, fixtures.count);
    for (let i = 0; i < fixtures.count; i++) {
      expect(Math.abs(raw.svdd[i]! - fixtures.svdd[i]!) / fixtures.svdd[i]!).toBeLessThan(1e-4);
      expect(Math.abs(raw.autoencoder[i]! - fixtures.autoencoder[i]!) / fixtures.autoencoder[i]!).toBeLessThan(1e-4);
    }
  });
});
