/**
 * EnsembleDeepfakeDetector: the public, UI-free API. Models run in a worker; calibration, the ensemble and
 * verdicts are computed here from the manifest, so changing the threshold never re-runs a model.
 */
import * as Comlink from 'comlink';
import type { Explanation } from './explain';
import type { ModelManifest, PresetName } from './manifest';
import { PRESET_NAMES } from './manifest';
import type { CacheStatus, ProgressCallback } from './model-store';
import type { ExecutionProvider, ExecutionProviderChoice, RuntimeInfo, WorkerImageInput, WorkerScoreItem } from './protocol';
import type { Provenance } from './provenance/types';
import type { Judgement } from './scoring';
import { judge, presetThreshold, rejudge, validateThreshold } from './scoring';
import { env, pageUrl, resolveFiles } from './env';
import { PACKAGE_VERSION } from './version';
import { WorkerBridge } from './worker-bridge';
import type { SimulatedFault } from './worker/simulate';

/**
 * Something the user should know although nothing failed: the detector carries on. One shape for every UI.
 * - `webgpu-unavailable`: 'auto' found no WebGPU adapter, WASM runs;
 * - `webgpu-fallback`: WebGPU was in use or asked for but failed (session, lost device), WASM runs;
 * - `worker-restarted`: the worker crashed, a new one took over, the call in flight was retried;
 * - `cache-off`: IndexedDB is missing, blocked, throwing or full: models are downloaded on every visit;
 * - `cache-repaired`: a cached model failed its sha256 check and was downloaded again.
 */
export interface DetectorNotice {
  kind: 'webgpu-unavailable' | 'webgpu-fallback' | 'worker-restarted' | 'cache-off' | 'cache-repaired';
  message: string;
}

export type ImageInput = Blob | ImageBitmap | ImageData | HTMLImageElement | string | URL;

export interface FromPretrainedOptions {
  /**
   * Folder with manifest.json and the .onnx files, relative to the page. Default: env.modelsBaseUrl, else the
   * models the npm package carries (env.modelFiles).
   */
  modelsBaseUrl?: string | URL;
  /** Old name of modelsBaseUrl. */
  baseUrl?: string | URL;
  /** 'auto' (default): WebGPU when an adapter is available, else WASM. */
  executionProvider?: ExecutionProviderChoice;
  /** Download progress of each model file, in bytes. Cached files report once, complete. */
  onProgress?: ProgressCallback;
  /**
   * Folder with onnxruntime-web's .mjs/.wasm files, relative to the page. Default: env.ortBaseUrl, else the files
   * the npm package carries (env.ortFiles).
   */
  ortBaseUrl?: string | URL;
  /** WASM threads. Default 2 when the page is cross-origin isolated, else 1; never more than navigator.hardwareConcurrency. */
  wasmThreads?: number;
  /** false: do not use IndexedDB. Default true. */
  cache?: boolean;
  /** Starting threshold; default: the manifest's `thresholds.default`. */
  threshold?: number;
  /** Told about fallbacks and recoveries (see DetectorNotice); the detector keeps working through all of them. */
  onNotice?: (notice: DetectorNotice) => void;
}

/**
 * Only in builds with fault hooks (__FAULT_HOOKS__: the dev server, the e2e fault tests' build): a simulated WebGPU
 * fault in the worker (src/detector/worker/simulate.ts). Not part of the public options; production builds ignore it.
 */
export interface FaultHookOptions extends FromPretrainedOptions {
  simulate?: SimulatedFault;
}

export interface PredictionTimings {
  /** Decoding the file and reading its pixels. */
  decodeMs: number;
  /** Crop, resample and tensor. */
  preprocessMs: number;
  /** Both models on the ORT batch this image ran in (the worker runs up to 16 images at a time). */
  inferenceMs: number;
  /** Images in that ORT batch. */
  batchSize: number;
  /** Wall time of the predict / predictBatch call as seen from the page. */
  totalMs: number;
}

export interface Prediction extends Judgement {
  executionProvider: ExecutionProvider;
  timings: PredictionTimings;
  /** Decoded size of the image, after EXIF orientation. */
  width: number;
  height: number;
  /** The autoencoder's reconstruction and error map, when asked for with `{ explain: true }`. */
  explanation?: Explanation;
  /**
   * What the file's metadata says about where it came from (C2PA Content Credentials, IPTC digital source type,
   * generator parameters, camera): evidence beside the score, never part of it. Set by predict / predictBatch.
   */
  provenance?: Provenance;
}

export interface PredictOptions {
  /**
   * Also return the autoencoder's reconstruction and per-pixel error map (extra outputs of the same graph).
   * Off by default: it costs a copy of both outputs out of the runtime.
   */
  explain?: boolean;
}

export class DetectorInputError extends Error {
  override name = 'DetectorInputError';
}

export type BatchOutcome = { ok: true; prediction: Prediction } | { ok: false; error: DetectorInputError };

/** The versions a detector runs: this library's (package.json) and its models' (the manifest's). */
export interface DetectorVersions {
  package: string;
  models: string;
}

async function toWorkerInput(input: ImageInput): Promise<WorkerImageInput> {
  if (typeof input === 'string' || input instanceof URL) return { kind: 'url', url: new URL(input, pageUrl()).href };
  if (input instanceof Blob) return { kind: 'blob', blob: input };
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    return { kind: 'pixels', width: input.width, height: input.height, data: input.data };
  }
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return { kind: 'bitmap', bitmap: input };
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    try {
      await input.decode();
      return { kind: 'bitmap', bitmap: await createImageBitmap(input) };
    } catch {
      throw new DetectorInputError(`could not decode the <img> ${input.currentSrc || input.src}`);
    }
  }
  throw new DetectorInputError('unsupported input: give a Blob, File, ImageBitmap, ImageData, HTMLImageElement or URL');
}

export class EnsembleDeepfakeDetector {
  readonly #bridge: WorkerBridge;
  readonly #info: RuntimeInfo;
  #threshold: number;
  #executionProvider: ExecutionProvider;
  #fallbackReason: string | undefined;
  readonly #notify: (notice: DetectorNotice) => void;

  private constructor(bridge: WorkerBridge, info: RuntimeInfo, threshold: number, notify: (notice: DetectorNotice) => void) {
    this.#bridge = bridge;
    this.#info = info;
    this.#threshold = threshold;
    this.#executionProvider = info.executionProvider;
    this.#fallbackReason = info.fallbackReason;
    this.#notify = notify;
  }

  /** Fetches (or reads from IndexedDB) the manifest and both models, and starts the runtime in a worker. */
  static async fromPretrained(options: FromPretrainedOptions = {}): Promise<EnsembleDeepfakeDetector> {
    const notify = (notice: DetectorNotice) => {
      try {
        options.onNotice?.(notice);
      } catch {
        // A listener's bug must not stop the detector.
      }
    };
    const bridge = new WorkerBridge({
      onRestart: (reason) => notify({ kind: 'worker-restarted', message: `The detector's worker stopped (${reason}); a new one took over and the work went on.` }),
    });
    try {
      const { onProgress } = options;
      const models = resolveFiles(options.modelsBaseUrl ?? options.baseUrl ?? env.modelsBaseUrl, env.modelFiles, 'manifest.json', 'modelsBaseUrl');
      const ort = resolveFiles(options.ortBaseUrl ?? env.ortBaseUrl, env.ortFiles, 'ort-wasm-simd-threaded.wasm', 'ortBaseUrl');
      const initOptions = {
        modelsBaseUrl: models.baseUrl,
        ...(models.files ? { modelFiles: models.files } : {}),
        ortBaseUrl: ort.baseUrl,
        ...(ort.files ? { ortFiles: ort.files } : {}),
        executionProvider: options.executionProvider ?? 'auto',
        cache: options.cache ?? true,
        ...(options.wasmThreads ? { wasmThreads: options.wasmThreads } : {}),
        ...(__FAULT_HOOKS__ && (options as FaultHookOptions).simulate ? { simulate: (options as FaultHookOptions).simulate } : {}),
      };
      const info = await bridge.call((api) => api.init(initOptions, onProgress ? Comlink.proxy(onProgress) : undefined));
      // A replacement worker starts the same way, models from the cache when it is on; it reports no progress.
      bridge.setRestore((api) => api.init(initOptions));
      const threshold = validateThreshold(options.threshold ?? info.manifest.thresholds.default);
      const detector = new EnsembleDeepfakeDetector(bridge, info, threshold, notify);
      if (info.webgpuUnavailable) notify({ kind: 'webgpu-unavailable', message: `WebGPU is not available here (${info.webgpuUnavailable}): running on WebAssembly.` });
      if (info.fallbackReason) notify({ kind: 'webgpu-fallback', message: `${info.fallbackReason}.` });
      if (!info.cacheStatus.enabled) {
        notify({ kind: 'cache-off', message: `Models are not saved on this device (${info.cacheStatus.reason ?? 'no storage'}); they are downloaded on every visit.` });
      }
      if (info.cacheRepairs.length > 0) {
        notify({ kind: 'cache-repaired', message: `The saved copy of ${info.cacheRepairs.join(' and ')} was damaged (sha256 mismatch) and has been downloaded again.` });
      }
      return detector;
    } catch (error) {
      await bridge.terminate();
      throw error;
    }
  }

  get manifest(): ModelManifest {
    return this.#info.manifest;
  }

  /** This library's version (the npm package's) and the models' version (manifest.json's), which change apart. */
  get versions(): DetectorVersions {
    return { package: PACKAGE_VERSION, models: this.#info.manifest.version };
  }

  get threshold(): number {
    return this.#threshold;
  }

  /** The preset whose threshold is the current one, or null for a custom threshold. */
  get preset(): PresetName | null {
    return PRESET_NAMES.find((name) => this.manifest.thresholds.presets[name].threshold === this.#threshold) ?? null;
  }

  get executionProvider(): ExecutionProvider {
    return this.#executionProvider;
  }

  /** Why WebGPU is not in use although it was asked for or chosen, if so. */
  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  get cacheStatus(): CacheStatus {
    return this.#info.cacheStatus;
  }

  /** How many times a crashed worker was replaced. */
  get workerRestarts(): number {
    return this.#bridge.restarts;
  }

  /** Everything the worker reported at start-up: threads, model sources (cache / network), load timings. */
  get runtimeInfo(): RuntimeInfo {
    return this.#info;
  }

  setThreshold(threshold: number): void {
    this.#threshold = validateThreshold(threshold);
  }

  setPreset(name: PresetName): void {
    this.#threshold = presetThreshold(this.manifest, name);
  }

  /** An earlier prediction judged at the current (or a given) threshold, without running the models. */
  rejudge(prediction: Prediction, threshold = this.#threshold): Prediction {
    return rejudge(prediction, validateThreshold(threshold));
  }

  /** Scores one image. Throws DetectorInputError for an input that cannot be read. */
  async predict(input: ImageInput, options: PredictOptions = {}): Promise<Prediction> {
    const [outcome] = await this.predictBatch([input], options);
    if (!outcome) throw new DetectorInputError('no result');
    if (!outcome.ok) throw outcome.error;
    return outcome.prediction;
  }

  /** Scores many images in batches; a bad input gives its own error and the others go on. */
  async predictBatch(inputs: readonly ImageInput[], options: PredictOptions = {}): Promise<BatchOutcome[]> {
    const started = performance.now();
    const prepared = await Promise.all(
      inputs.map(async (input) => {
        try {
          return await toWorkerInput(input);
        } catch (error) {
          return error instanceof DetectorInputError ? error : new DetectorInputError(String(error));
        }
      }),
    );
    const sendable = prepared.filter((item): item is WorkerImageInput => !(item instanceof Error));
    const result = sendable.length > 0 ? await this.#bridge.call((api) => api.score(sendable, { explain: options.explain ?? false })) : null;
    this.#executionProvider = result?.executionProvider ?? this.#executionProvider;
    if (result?.fallbackReason && result.fallbackReason !== this.#fallbackReason) {
      this.#fallbackReason = result.fallbackReason;
      this.#notify({ kind: 'webgpu-fallback', message: `${result.fallbackReason}. The remaining images run on WebAssembly.` });
    }
    const totalMs = performance.now() - started;
    const scored = result?.items ?? [];
    let next = 0;
    return prepared.map((item): BatchOutcome => {
      if (item instanceof Error) return { ok: false, error: item };
      const outcome = scored[next++] as WorkerScoreItem;
      if (!outcome.ok) return { ok: false, error: new DetectorInputError(outcome.error) };
      return {
        ok: true,
        prediction: {
          ...judge(outcome.raw, this.manifest, this.#threshold, outcome.traceRaw, outcome.crops),
          // The provider that ran this image's ORT batch: a call can span a WebGPU loss.
          executionProvider: outcome.executionProvider,
          width: outcome.width,
          height: outcome.height,
          timings: { decodeMs: outcome.decodeMs, preprocessMs: outcome.preprocessMs, inferenceMs: outcome.inferenceMs, batchSize: outcome.batchSize, totalMs },
          ...(outcome.explanation ? { explanation: outcome.explanation } : {}),
          ...(outcome.provenance ? { provenance: outcome.provenance } : {}),
        },
      };
    });
  }

  /** Releases the ORT sessions and ends the worker. */
  async dispose(): Promise<void> {
    await this.#bridge.terminate();
  }
}
