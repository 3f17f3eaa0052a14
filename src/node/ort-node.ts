/**
 * Node adapter: runs the shipped ONNX graphs with onnxruntime-node (native CPU) or onnxruntime-web (WASM),
 * feeding them tensors from the same preprocessing and scoring code the browser uses.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ModelKey, ModelManifest } from '../detector/manifest';
import { MODEL_KEYS, inputSize, parseManifest } from '../detector/manifest';

export type NodeBackend = 'node' | 'wasm';

type OrtModule = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;

export interface RawBatchScores {
  svdd: Float32Array;
  autoencoder: Float32Array;
}

export interface NodeModels {
  manifest: ModelManifest;
  backend: NodeBackend;
  /** Raw (uncalibrated) scores of both models for a batch tensor [n, 3, size, size]. */
  run(batch: Float32Array, count: number): Promise<RawBatchScores>;
  dispose(): Promise<void>;
}

export const DEFAULT_MODELS_DIR = path.resolve(import.meta.dirname, '../../public/models');

export async function readManifest(modelsDir = DEFAULT_MODELS_DIR): Promise<ModelManifest> {
  return parseManifest(JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8')));
}

async function loadOrt(backend: NodeBackend): Promise<OrtModule> {
  if (backend === 'node') return import('onnxruntime-node');
  const ort = (await import('onnxruntime-web')) as unknown as OrtModule & { env: { wasm: { numThreads: number } } };
  ort.env.wasm.numThreads = 1;
  return ort;
}

export async function loadNodeModels(options: { modelsDir?: string; backend?: NodeBackend; threads?: number } = {}): Promise<NodeModels> {
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const backend = options.backend ?? 'node';
  const manifest = await readManifest(modelsDir);
  const ort = await loadOrt(backend);
  const sessions = {} as Record<ModelKey, Session>;
  for (const key of MODEL_KEYS) {
    const facts = manifest.models[key];
    const bytes = await readFile(path.join(modelsDir, facts.file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== facts.sha256) {
      throw new Error(`${facts.file}: sha256 ${digest} does not match the manifest (${facts.sha256})`);
    }
    sessions[key] = await ort.InferenceSession.create(bytes, {
      executionProviders: [backend === 'node' ? 'cpu' : 'wasm'],
      graphOptimizationLevel: 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    });
  }
  const size = inputSize(manifest);
  return {
    manifest,
    backend,
    async run(batch, count) {
      const input = new ort.Tensor('float32', batch.subarray(0, count * 3 * size * size), [count, 3, size, size]);
      const out = {} as RawBatchScores;
      for (const key of MODEL_KEYS) {
        const facts = manifest.models[key];
        const result = await sessions[key].run({ [facts.inputName]: input }, [facts.scoreOutput]);
        out[key] = Float32Array.from(result[facts.scoreOutput]!.data as Float32Array);
        for (const tensor of Object.values(result)) tensor.dispose?.();
      }
      input.dispose?.();
      return out;
    },
    async dispose() {
      for (const key of MODEL_KEYS) await sessions[key].release();
    },
  };
}
