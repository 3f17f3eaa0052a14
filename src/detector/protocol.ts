/** Types shared by the page-side bridge and the detector worker. No code that touches the DOM or ORT. */
import type { Explanation } from './explain';
import type { ModelKey, ModelManifest } from './manifest';
import type { CacheStatus, DownloadProgress, ModelSource } from './model-store';
import type { Provenance } from './provenance/types';
import type { ModelScores } from './scoring';
import type { CropScore } from './picture-raw';
// Defined beside the read-back noise model (readback-noise.ts), which worker/simulate.ts imports: no cycle back here.
import type { CanvasReadback } from './readback-noise';
import type { SimulatedFault } from './worker/simulate';

export type { CanvasReadback };

export type ExecutionProviderChoice = 'auto' | 'webgpu' | 'wasm';
export type ExecutionProvider = 'webgpu' | 'wasm';

/** An image on its way to the worker: only structured-cloneable forms. */
export type WorkerImageInput =
  | { kind: 'blob'; blob: Blob }
  | { kind: 'bitmap'; bitmap: ImageBitmap }
  | { kind: 'pixels'; width: number; height: number; data: Uint8ClampedArray }
  | { kind: 'url'; url: string };

export interface WorkerInitOptions {
  /** Absolute URL of the folder holding manifest.json and the .onnx files. */
  modelsBaseUrl: string;
  /** Absolute URLs of single model files by name (manifest.json, each model's file), overriding the folder. */
  modelFiles?: Record<string, string>;
  /** Absolute URL of the folder holding onnxruntime-web's .mjs/.wasm files. */
  ortBaseUrl: string;
  /** Absolute URLs of single ORT files by name, overriding the folder (worker/ort-builds.ts, ortFileUrl). */
  ortFiles?: Record<string, string>;
  executionProvider: ExecutionProviderChoice;
  /** WASM threads; default 2 when cross-origin isolated, else 1. */
  wasmThreads?: number;
  /** false: never touch IndexedDB. */
  cache: boolean;
  /** A simulated WebGPU fault (src/detector/worker/simulate.ts), for tests and demonstrations. */
  simulate?: SimulatedFault;
}

export interface RuntimeInfo {
  manifest: ModelManifest;
  executionProvider: ExecutionProvider;
  /** Set when WebGPU was asked for (or chosen by 'auto') but WASM runs instead, with the reason. */
  fallbackReason?: string;
  /** Set when 'auto' found no WebGPU adapter, with the reason (WASM was then the only choice). */
  webgpuUnavailable?: string;
  /** The WebGPU adapter in use, when WebGPU runs. A fallback adapter is a software rasteriser (slow). */
  webgpuAdapter?: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  wasmThreads: number;
  crossOriginIsolated: boolean;
  cacheStatus: CacheStatus;
  /** The canvas read-back check; absent where the worker has no OffscreenCanvas. */
  canvasReadback?: CanvasReadback;
  modelSources: Record<ModelKey, ModelSource>;
  /** Model files whose cached copy failed its sha256 check and was downloaded again. */
  cacheRepairs: string[];
  timings: { manifestMs: number; modelsMs: number; sessionsMs: number; warmupMs: number };
}

export type WorkerScoreItem =
  | {
      ok: true;
      /** Whole-image raw scores; the trace view's (the crops' aggregate, input.crops.aggregate), null without crops. */
      raw: ModelScores;
      traceRaw: ModelScores | null;
      /** The native crops judged, with each model's raw trace score. */
      crops: CropScore[];
      width: number;
      height: number;
      decodeMs: number;
      preprocessMs: number;
      /** The ORT batch this image ran in: the provider that ran it, both models' time on it, its images. */
      executionProvider: ExecutionProvider;
      inferenceMs: number;
      batchSize: number;
      explanation?: Explanation;
      provenance?: Provenance;
    }
  | { ok: false; error: string };

export interface WorkerScoreResult {
  items: WorkerScoreItem[];
  /** The provider in use when the call ended (each item says which one ran it). */
  executionProvider: ExecutionProvider;
  fallbackReason?: string;
}

export interface WorkerScoreOptions {
  /** Also return each image's reconstruction and error map (off by default: the score-only path is cheaper). */
  explain?: boolean;
}

export interface DetectorWorkerApi {
  init(options: WorkerInitOptions, onProgress?: (progress: DownloadProgress) => void): Promise<RuntimeInfo>;
  score(inputs: WorkerImageInput[], options?: WorkerScoreOptions): Promise<WorkerScoreResult>;
  dispose(): Promise<void>;
}
