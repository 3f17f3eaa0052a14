/**
 * The shipped ONNX graphs give what PyTorch gave at export (public/models/parity.json, written by
 * training/train.py), through our own preprocessing: each 32x32 fixture goes through imageToTensor (an exact x4
 * nearest copy at 128, as on the PyTorch side), and the synthetic picture through the TypeScript crop selection,
 * which must pick the windows numpy picked (training/crops.py), at the same detail sums.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCrops } from '../../src/detector/crops';
import { toRgba } from '../../src/detector/preprocess';
import type { NodeModels } from '../../src/node/ort-node';
import { DEFAULT_MODELS_DIR, loadNodeModels } from '../../src/node/ort-node';
import { ViewBatchBuilder } from '../../src/detector/views';
import { MODEL_KEYS, parseManifest } from '../../src/detector/manifest';
import { sharesBackbone } from '../../src/detector/model-run';

interface ParityFixtures {
  count: number;
  size: number;
  pixels: string;
  svdd: number[];
  autoencoder: number[];
  picture: {
    width: number;
    height: number;
    pixels: string;
    crops: Array<{ top: number; left: number; detail: number }>;
    traceSvdd: number[];
    traceAutoencoder: number[];
  };
}

const fixtures = JSON.parse(readFileSync(path.join(DEFAULT_MODELS_DIR, 'parity.json'), 'utf8')) as ParityFixtures;
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-6);

function parityPicture() {
  const bytes = Buffer.from(fixtures.picture.pixels, 'base64');
  return toRgba(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), fixtures.picture.width, fixtures.picture.height, 3);
}

describe('crop selection parity with numpy', () => {
  it('picks the windows training/crops.py picked, in the same order, with the same detail', async () => {
    const manifest = JSON.parse(readFileSync(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8'));
    const picked = selectCrops(parityPicture(), manifest.input.crops);
    expect(fixtures.picture.crops.length).toBeGreaterThan(1);
    expect(picked).toEqual(fixtures.picture.crops.map(({ top, left, detail }) => ({ top, left, detail })));
  });
});

describe('the graphs\' inputs and outputs', () => {
  it('are the ones the manifest names, and each crop runs the backbone once (Deep SVDD hands its map on)', async () => {
    const ort = await import('onnxruntime-node');
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), 'utf8')));
    // The shipped pair reads one backbone (training/export.py shares_backbone); the autoencoder has no crops input.
    expect(sharesBackbone(manifest)).toBe(true);
    for (const key of MODEL_KEYS) {
      const facts = manifest.models[key];
      const session = await ort.InferenceSession.create(readFileSync(path.join(DEFAULT_MODELS_DIR, facts.file)));
      try {
        const inputs = [facts.inputName, facts.cropsInputName ?? facts.cropFeaturesInputName];
        expect([...session.inputNames].sort(), key).toEqual(inputs.sort());
        expect([...session.outputNames].sort(), key).toEqual([...facts.outputs].sort());
      } finally {
        await session.release();
      }
    }
    expect(manifest.models.svdd.outputs).toContain(manifest.models.svdd.cropFeaturesOutput);
  });
});

describe.each(['node', 'wasm'] as const)('ONNX (%s) vs PyTorch parity', (backend) => {
  let models: NodeModels;
  beforeAll(async () => {
    models = await loadNodeModels({ backend });
  });
  afterAll(async () => models.dispose());

  it('scores every fixture and every crop as PyTorch did', async () => {
    const pixels = Buffer.from(fixtures.pixels, 'base64');
    const perImage = fixtures.size * fixtures.size * 3;
    const builder = new ViewBatchBuilder(models.manifest, fixtures.count + 1);
    for (let i = 0; i < fixtures.count; i++) {
      const rows = builder.add(toRgba(new Uint8Array(pixels.buffer, pixels.byteOffset + i * perImage, perImage), fixtures.size, fixtures.size, 3));
      expect(rows.regions).toEqual([]);
    }
    const pictureRows = builder.add(parityPicture());
    const raw = await models.run(builder.batch);
    for (let i = 0; i < fixtures.count; i++) {
      expect(relative(raw.svdd[i]!, fixtures.svdd[i]!)).toBeLessThan(1e-4);
      expect(relative(raw.autoencoder[i]!, fixtures.autoencoder[i]!)).toBeLessThan(1e-4);
    }
    expect(raw.traceSvdd).toHaveLength(fixtures.picture.traceSvdd.length);
    fixtures.picture.traceSvdd.forEach((expected, i) => {
      expect(relative(raw.traceSvdd[pictureRows.cropStart + i]!, expected)).toBeLessThan(1e-4);
      // A reconstruction error of the residual: the difference of two close numbers, so float32 summation order
      // (WASM vs PyTorch) moves it more (1.08e-4 seen on WASM); a preprocessing or graph error moves it by > 1e-2.
      expect(relative(raw.traceAutoencoder[pictureRows.cropStart + i]!, fixtures.picture.traceAutoencoder[i]!)).toBeLessThan(5e-4);
    });
  });
});
