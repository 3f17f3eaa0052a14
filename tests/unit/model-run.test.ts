/**
 * runModels' feeds and releases for both crop contracts, on a recording ORT stand-in (the real graphs run through
 * the same function in tests/models/onnx-parity.test.ts): with a shared backbone the autoencoder is fed the very
 * tensor Deep SVDD output, never the crops; every tensor made or returned is released once, on success and on
 * failure.
 */
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/detector/manifest';
import { parseManifest } from '../../src/detector/manifest';
import type { OrtModuleLike, OrtSessionLike, OrtTensorLike, Sessions } from '../../src/detector/model-run';
import { runModels, sharesBackbone } from '../../src/detector/model-run';
import { manifestJson } from './helpers';

class RecordedTensor implements OrtTensorLike {
  disposed = 0;
  constructor(readonly data: Float32Array, readonly dims: readonly number[], readonly label: string) {}
  dispose(): void {
    this.disposed += 1;
  }
}

interface Recorder {
  tensors: RecordedTensor[];
  feeds: Record<string, Record<string, RecordedTensor>>;
  asked: Record<string, readonly string[]>;
}

/** A session answering every asked output with a tensor of `rows` values, recording what it was fed. */
function session(name: string, recorder: Recorder, leaveOut?: string): OrtSessionLike {
  return {
    async run(feeds, fetches) {
      recorder.feeds[name] = feeds as unknown as Record<string, RecordedTensor>;
      recorder.asked[name] = fetches;
      const outputs: Record<string, RecordedTensor> = {};
      for (const output of fetches) {
        if (output === leaveOut) continue;
        const tensor = new RecordedTensor(new Float32Array(4).fill(0.5), [4], `${name}.${output}`);
        recorder.tensors.push(tensor);
        outputs[output] = tensor;
      }
      return outputs;
    },
    async release() {},
  };
}

function setUp(manifest: ModelManifest, leaveOut?: string): { ort: OrtModuleLike; sessions: Sessions; recorder: Recorder } {
  const recorder: Recorder = { tensors: [], feeds: {}, asked: {} };
  const ort: OrtModuleLike = {
    Tensor: class extends RecordedTensor {
      constructor(_type: 'float32', data: Float32Array, dims: readonly number[]) {
        super(data, dims, 'input');
        recorder.tensors.push(this);
      }
    },
    InferenceSession: { create: async () => session('unused', recorder) },
  };
  const sessions = { svdd: session('svdd', recorder, leaveOut), autoencoder: session('autoencoder', recorder) };
  return { ort, sessions, recorder };
}

function manifestWith(shared: boolean): ModelManifest {
  const json = manifestJson();
  if (shared) {
    json.models.svdd.cropFeaturesOutput = 'crop_features';
    delete json.models.autoencoder.cropsInputName;
    json.models.autoencoder.cropFeaturesInputName = 'crop_features';
  } else {
    delete json.models.svdd.cropFeaturesOutput;
    delete json.models.autoencoder.cropFeaturesInputName;
    json.models.autoencoder.cropsInputName = 'crops';
  }
  return parseManifest(json);
}

const size = 128;
const batch = { whole: new Float32Array(2 * 3 * size * size), count: 2, crops: new Float32Array(3 * 3 * size * size), cropCount: 3 };

describe('runModels', () => {
  it('feeds the autoencoder Deep SVDD\'s crop features, not the crops, when the backbone is shared', async () => {
    const manifest = manifestWith(true);
    expect(sharesBackbone(manifest)).toBe(true);
    const { ort, sessions, recorder } = setUp(manifest);
    const raw = await runModels(ort, sessions, manifest, batch);
    expect(recorder.asked.svdd).toContain('crop_features');
    expect(Object.keys(recorder.feeds.autoencoder!).sort()).toEqual(['crop_features', 'image']);
    const features = recorder.tensors.find((tensor) => tensor.label === 'svdd.crop_features');
    expect(recorder.feeds.autoencoder!.crop_features).toBe(features);
    expect(recorder.feeds.svdd!.crops!.dims).toEqual([3, 3, size, size]);
    expect(raw.traceSvdd).toHaveLength(3);
    expect(raw.traceAutoencoder).toHaveLength(3);
    for (const tensor of recorder.tensors) expect(tensor.disposed, tensor.label).toBe(1);
  });

  it('feeds both graphs the crops, and asks for no features, when each graph has its own backbone', async () => {
    const manifest = manifestWith(false);
    expect(sharesBackbone(manifest)).toBe(false);
    const { ort, sessions, recorder } = setUp(manifest);
    await runModels(ort, sessions, manifest, batch);
    expect(recorder.asked.svdd).not.toContain('crop_features');
    expect(recorder.feeds.autoencoder!.crops).toBe(recorder.feeds.svdd!.crops);
    for (const tensor of recorder.tensors) expect(tensor.disposed, tensor.label).toBe(1);
  });

  it('says which output is missing, and releases everything, when Deep SVDD gives no crop features', async () => {
    const manifest = manifestWith(true);
    const { ort, sessions, recorder } = setUp(manifest, 'crop_features');
    await expect(runModels(ort, sessions, manifest, batch)).rejects.toThrow(/svdd\.onnx gave no "crop_features" output/);
    expect(recorder.feeds.autoencoder).toBeUndefined();
    for (const tensor of recorder.tensors) expect(tensor.disposed, tensor.label).toBe(1);
  });
});
