/**
 * Node adapter: runs the shipped ONNX graphs with onnxruntime-node (native CPU) or onnxruntime-web (WASM),
 * feeding them tensors from the same preprocessing and scoring code the browser uses.
 */
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ModelKey, ModelManifest } from '../detector/manifest';
import { MODEL_KEYS, parseManifest } from '../detector/manifest';
import type { OrtModuleLike, RunOptions } from '../detector/model-run';
import { createSessions, releaseSessions, runModels } from '../detector/model-run';
import type { RawBatchScores } from '../detector/model-run';
import type { ViewBatch } from '../detector/views';

export type NodeBackend = 'node' | 'wasm';

type OrtModule = typeof import('onnxruntime-node');

export interface NodeModels {
  manifest: ModelManifest;
  backend: NodeBackend;
  /** Raw (uncalibrated) scores of both models for one batch of whole-image views and native crops. */
  run(batch: ViewBatch, options?: RunOptions): Promise<RawBatchScores>;
  dispose(): Promise<void>;
}

/**
 * The shipped models: public/models in this repository (this file runs as TypeScript), models/ beside the compiled
 * Node code in the npm package (lib/node/*.js, lib/models: scripts/build-package.ts).
 */
export const DEFAULT_MODELS_DIR = import.meta.filename.endsWith('.ts') ? path.resolve(import.meta.dirname, '../../public/models') : path.resolve(import.meta.dirname, '../models');

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
  const modelBytes = {} as Record<ModelKey, Uint8Array>;
  for (const key of MODEL_KEYS) {
    const facts = manifest.models[key];
    const bytes = await readFile(path.join(modelsDir, facts.file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== facts.sha256) {
      throw new Error(`${facts.file}: sha256 ${digest} does not match the manifest (${facts.sha256})`);
    }
    modelBytes[key] = bytes;
  }
  const adapter = ort as unknown as OrtModuleLike;
  const sessions = await createSessions(adapter, modelBytes, {
    executionProviders: [backend === 'node' ? 'cpu' : 'wasm'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  });
  return {
    manifest,
    backend,
    run: (batch, runOptions) => runModels(adapter, sessions, manifest, batch, runOptions),
    dispose: () => releaseSessions(sessions),
  };
}
