/**
 * ONNX Runtime Web in the worker: picks the execution provider, creates both sessions, warms them up, runs
 * batches, releases everything. WebGPU that cannot be had or that fails falls back to WASM by itself, and so does
 * WebGPU that stops answering: its session creation, its warm-up and every run are raced against the device's
 * loss and a deadline (deadline.ts), since a GPU may also be lost without a report.
 *
 * Two ORT builds, imported only when needed: the plain WASM build (ort.wasm.min.mjs + ort-wasm-simd-threaded.wasm,
 * 14 MB) whenever WASM is the choice, and the JSEP build (ort.min.mjs + ort-wasm-simd-threaded.jsep.wasm, 28 MB)
 * only when a WebGPU adapter exists and WebGPU is tried. A WebGPU failure after that stays on the JSEP build's own
 * WASM EP (its .wasm is already loaded), unless WebGPU work that never ended holds that build: then the plain
 * build (wasmSessions, the one step for both start-up and a later fallback). The .wasm is kept in Cache Storage (see cachedWasmBinary) so that it is
 * downloaded once and the app works offline with whichever build this browser used.
 *
 * The plain build is bundled (a chunk the service worker precaches: every visit may need it); the JSEP build's
 * entry is not: it is imported by URL from the self-hosted ORT folder, so that no first visit without WebGPU
 * fetches it, and kept for offline use next to its .wasm (see keepJsepForOffline).
 */
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelKey, ModelManifest } from '../manifest';
import { MODEL_KEYS, inputSize } from '../manifest';
import type { ExecutionProvider, ExecutionProviderChoice } from '../protocol';
import type { OrtModuleLike, OrtSessionLike, RunOptions } from '../model-run';
import { createSessions as createModelSessions, releaseSessions, runModels } from '../model-run';
import type { RawBatchScores } from '../model-run';
import type { ViewBatch } from '../views';
import type { WebGpuLimits } from './deadline';
import { DeadlineError, RunClock, WEBGPU_LIMITS, seconds, withDeadline } from './deadline';

export interface RuntimeOptions {
  executionProvider: ExecutionProviderChoice;
  ortBaseUrl: string;
  wasmThreads?: number;
  /** false: never keep the ORT .wasm in Cache Storage (the page's `?cache=off`). */
  cache?: boolean;
  /** Shorter WebGPU deadlines than WEBGPU_LIMITS: test builds only (the `?simulate=` faults). */
  webgpuLimits?: Partial<WebGpuLimits>;
}

type Sessions = Record<ModelKey, InferenceSession>;
type OrtModule = OrtModuleLike<InferenceSession & OrtSessionLike>;

/** One of onnxruntime-web's ESM entry points (vite.config.ts aliases both to the non-bundled builds). */
type Ort = typeof import('onnxruntime-web');

/** 'wasm': WASM EP only; 'jsep': WebGPU and WASM EPs. */
export type OrtBuild = 'wasm' | 'jsep';

/** The .wasm each build loads from the ORT folder (its .mjs is found by the build itself from wasmPaths). */
export const ORT_WASM_FILES: Record<OrtBuild, string> = {
  wasm: 'ort-wasm-simd-threaded.wasm',
  jsep: 'ort-wasm-simd-threaded.jsep.wasm',
};

/**
 * The JSEP build's two JavaScript files in the ORT folder (vite.config.ts copies them there): its entry, and the
 * loader the entry imports for its .wasm. Neither is precached; the worker keeps them in the ORT cache and the
 * service worker answers them from there (vite.config.ts, runtimeCaching).
 */
export const ORT_JSEP_SCRIPTS = ['ort.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs'] as const;

/** Cache Storage name for the ORT .wasm files, per ORT version; older versions' caches are deleted. */
export const ORT_CACHE_PREFIX = 'deepfake-detector-ort-';

/** The part of a GPUDevice the runtime uses (no WebGPU type package needed). */
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

const ortBuilds = new Map<OrtBuild, Promise<Ort>>();

/**
 * WASM threads: the request (default 2), at least 1 and at most the device's cores, since each is a pthread worker
 * and `?threads=500` in a link must not start hundreds of them. More than 1 needs SharedArrayBuffer, i.e. a
 * cross-origin isolated page.
 */
export function wasmThreadCount(requested: number | undefined, crossOriginIsolated: boolean, cores: number): number {
  if (!crossOriginIsolated) return 1;
  const wanted = Number.isFinite(requested) ? Math.floor(requested!) : 2;
  return Math.max(1, Math.min(wanted, Math.max(1, cores || 1)));
}

function threadCount(options: RuntimeOptions): number {
  return wasmThreadCount(options.wasmThreads, self.crossOriginIsolated, navigator.hardwareConcurrency);
}

/** Imports one ORT build and sets its env (read when its first session is created), once per worker. */
function loadOrt(build: OrtBuild, options: RuntimeOptions): Promise<Ort> {
  let loading = ortBuilds.get(build);
  if (!loading) {
    loading = (async () => {
      const ort: Ort =
        build === 'jsep'
          ? ((await import(/* @vite-ignore */ new URL(ORT_JSEP_SCRIPTS[0], options.ortBaseUrl).href)) as Ort)
          : await import('onnxruntime-web/wasm');
      ort.env.wasm.wasmPaths = options.ortBaseUrl;
      ort.env.wasm.numThreads = threadCount(options);
      // Already in a worker: no second proxy worker.
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      const version = ort.env.versions.web ?? 'unversioned';
      const [binary] = options.cache === false
        ? [undefined]
        : await Promise.all([
            cachedWasmBinary(new URL(ORT_WASM_FILES[build], options.ortBaseUrl).href, version),
            build === 'jsep' ? keepJsepForOffline(options.ortBaseUrl, version) : undefined,
          ]);
      if (binary) ort.env.wasm.wasmBinary = binary;
      return ort;
    })();
    loading.catch(() => ortBuilds.delete(build));
    ortBuilds.set(build, loading);
  }
  return loading;
}

const isWasm = (bytes: ArrayBuffer) => bytes.byteLength > 8 && new Uint32Array(bytes, 0, 1)[0] === 0x6d736100; // "\0asm"

/**
 * The ORT .wasm from Cache Storage, else downloaded once and put there. The worker does this itself rather than
 * leaving it to the service worker: on the first visit the page (and so this worker) is not yet controlled by it,
 * and the service worker precaches no .wasm, so each browser keeps only the build it runs. Offline, this same cache
 * answers. Undefined (ORT then fetches the file itself, as usual) where Cache Storage is missing or failing.
 */
async function cachedWasmBinary(url: string, ortVersion: string): Promise<ArrayBuffer | undefined> {
  if (typeof caches === 'undefined') return undefined;
  const name = `${ORT_CACHE_PREFIX}${ortVersion}`;
  try {
    const cache = await caches.open(name);
    void caches
      .keys()
      .then((names) => Promise.all(names.filter((other) => other.startsWith(ORT_CACHE_PREFIX) && other !== name).map((other) => caches.delete(other))))
      .catch(() => undefined);
    const hit = await cache.match(url);
    if (hit?.ok) {
      const bytes = await hit.arrayBuffer();
      if (isWasm(bytes)) return bytes;
      await cache.delete(url);
    }
    const response = await fetch(url);
    if (!response.ok) return undefined;
    const bytes = await response.arrayBuffer();
    if (!isWasm(bytes)) return undefined;
    // A full quota only costs the offline copy.
    await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } })).catch(() => undefined);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * Puts the JSEP build's scripts in the ORT cache, where the service worker finds them offline. Only the worker can
 * do this on the first visit: the page, and so this worker, is not controlled by the service worker yet. Costs
 * one more request per script, once per browser and ORT version (the import above fetched them already, outside
 * Cache Storage). Best effort: a failure only costs the offline copy.
 */
async function keepJsepForOffline(ortBaseUrl: string, ortVersion: string): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const cache = await caches.open(`${ORT_CACHE_PREFIX}${ortVersion}`);
    for (const name of ORT_JSEP_SCRIPTS) {
      const url = new URL(name, ortBaseUrl).href;
      if (!(await cache.match(url))) await cache.add(url);
    }
  } catch {
    // No Cache Storage, a full quota, or offline: the online path is unaffected.
  }
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  isFallbackAdapter: boolean;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** The WebGPU adapter's description, or why WebGPU cannot be used here. */
async function findWebGpuAdapter(): Promise<{ adapter: AdapterInfo } | { unavailable: string }> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned no adapter' };
    return {
      adapter: {
        vendor: adapter.info?.vendor ?? '',
        architecture: adapter.info?.architecture ?? '',
        isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      },
    };
  } catch (error) {
    return { unavailable: `navigator.gpu.requestAdapter() failed: ${String(error)}` };
  }
}

/** How long a WebGPU run caught by a device loss may take to end before its ORT build is given up. */
const HUNG_RUN_WAIT_MS = 10_000;

/** Whether `promise` settles (either way) within `ms` (0: whether it has settled already). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * WASM sessions, at start-up or after WebGPU was given up: on the JSEP build's own WASM EP when `jsep` is given
 * (its .wasm is loaded already), else, or when that fails, on the plain WASM build (a module of its own; its .wasm
 * is downloaded then, once). Pass no `jsep` when WebGPU work on it never ended: ORT runs one session at a time per
 * loaded build, so every later run there would fail with "Session already started".
 */
async function wasmSessions(jsep: Ort | undefined, modelBytes: Record<ModelKey, Uint8Array>, options: RuntimeOptions): Promise<{ ort: Ort; build: OrtBuild; sessions: Sessions }> {
  if (jsep) {
    try {
      return { ort: jsep, build: 'jsep', sessions: await createSessions(jsep, modelBytes, 'wasm') };
    } catch {
      // A JSEP build that failed to start cannot serve its WASM EP either: the plain build then.
    }
  }
  const ort = await loadOrt('wasm', options);
  return { ort, build: 'wasm', sessions: await createSessions(ort, modelBytes, 'wasm') };
}

export class OrtRuntime {
  readonly wasmThreads: number;
  #adapter: AdapterInfo | undefined;
  #sessions: Sessions;
  #provider: ExecutionProvider;
  #fallbackReason: string | undefined;
  /** Rejects when the WebGPU device is lost: ORT does not watch for it, and a run on a lost device may never end. */
  #deviceLost: Promise<never> | null = null;
  #device: GpuDeviceLike | null = null;
  #lostReason: string | null = null;
  /** The WebGPU run (warm-up included) that has not ended yet, if any: a fallback looks at whether it ever does. */
  #inFlight: Promise<unknown> | null = null;
  /** WebGPU runs' deadlines, from the warm-up on. */
  #clock: RunClock | null = null;
  readonly #limits: Readonly<WebGpuLimits>;
  /** Why 'auto' found no WebGPU adapter (WASM was the only choice, so this is no fallback). */
  webgpuUnavailable: string | undefined;
  readonly #manifest: ModelManifest;
  readonly #modelBytes: Record<ModelKey, Uint8Array>;
  readonly #options: RuntimeOptions;
  #ort: Ort;
  #ortBuild: OrtBuild;

  private constructor(ort: Ort, ortBuild: OrtBuild, options: RuntimeOptions, manifest: ModelManifest, modelBytes: Record<ModelKey, Uint8Array>, sessions: Sessions, provider: ExecutionProvider, wasmThreads: number, fallbackReason?: string) {
    this.#ort = ort;
    this.#ortBuild = ortBuild;
    this.#options = options;
    this.#limits = { ...WEBGPU_LIMITS, ...options.webgpuLimits };
    this.#manifest = manifest;
    this.#modelBytes = modelBytes;
    this.#sessions = sessions;
    this.#provider = provider;
    this.#fallbackReason = fallbackReason;
    this.wasmThreads = wasmThreads;
  }

  get executionProvider(): ExecutionProvider {
    return this.#provider;
  }

  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  /** The ORT build in use: 'jsep' only when WebGPU was tried (and no WebGPU work hung since). */
  get ortBuild(): OrtBuild {
    return this.#ortBuild;
  }

  /** The WebGPU adapter, while WebGPU runs. */
  get webgpuAdapter(): AdapterInfo | undefined {
    return this.#provider === 'webgpu' ? this.#adapter : undefined;
  }

  static async create(manifest: ModelManifest, modelBytes: Record<ModelKey, Uint8Array>, options: RuntimeOptions): Promise<{ runtime: OrtRuntime; sessionsMs: number; warmupMs: number }> {
    const wasmThreads = threadCount(options);
    const limits = { ...WEBGPU_LIMITS, ...options.webgpuLimits };
    let fallbackReason: string | undefined;
    let webgpuUnavailable: string | undefined;
    /** Set once the JSEP build is loaded and usable: a WebGPU failure then goes on on its WASM EP, not a second download. */
    let jsep: Ort | undefined;
    if (options.executionProvider !== 'wasm') {
      const found = await findWebGpuAdapter();
      if ('adapter' in found) {
        let webgpu: { runtime: OrtRuntime; sessionsMs: number } | undefined;
        try {
          jsep = await loadOrt('jsep', options);
          const started = performance.now();
          const creating = createSessions(jsep, modelBytes, 'webgpu');
          let sessions: Sessions;
          try {
            sessions = await withDeadline(creating, limits.startMs, `the WebGPU sessions were not created within ${seconds(limits.startMs)}`);
          } catch (error) {
            if (error instanceof DeadlineError) {
              // Still being created, maybe for good: the JSEP build is given up, and anything it ends up with released.
              jsep = undefined;
              void creating.then(releaseSessions, () => undefined);
            }
            throw error;
          }
          const runtime = new OrtRuntime(jsep, 'jsep', options, manifest, modelBytes, sessions, 'webgpu', wasmThreads);
          runtime.#adapter = found.adapter;
          await runtime.#watchDevice();
          webgpu = { runtime, sessionsMs: performance.now() - started };
        } catch (error) {
          fallbackReason = `WebGPU failed, using WASM: ${describe(error)}`;
        }
        if (webgpu) {
          const { runtime, sessionsMs } = webgpu;
          try {
            // The first WebGPU run compiles the shaders: do it now, not on the user's first image.
            return { runtime, sessionsMs, warmupMs: await runtime.#warmUp() };
          } catch (error) {
            // The same step as a failure mid-batch: on the plain build when the warm-up run never ended.
            await runtime.#fallBackToWasm(`WebGPU failed, using WASM: ${describe(error)}`, error);
            return { runtime, sessionsMs, warmupMs: await runtime.#warmUp() };
          }
        }
      } else if (options.executionProvider === 'webgpu') {
        fallbackReason = `WebGPU asked for but ${found.unavailable}; using WASM`;
      } else {
        webgpuUnavailable = found.unavailable;
      }
    }
    const started = performance.now();
    const wasm = await wasmSessions(jsep, modelBytes, options);
    const sessionsMs = performance.now() - started;
    const runtime = new OrtRuntime(wasm.ort, wasm.build, options, manifest, modelBytes, wasm.sessions, 'wasm', wasmThreads, fallbackReason);
    runtime.webgpuUnavailable = webgpuUnavailable;
    const warmupMs = await runtime.#warmUp();
    return { runtime, sessionsMs, warmupMs };
  }

  async #warmUp(): Promise<number> {
    const size = inputSize(this.#manifest);
    const started = performance.now();
    const blank = new Float32Array(3 * size * size).fill(0.5);
    const batch = { whole: blank, count: 1, crops: blank, cropCount: this.#manifest.input.crops ? 1 : 0 };
    if (this.#provider !== 'webgpu') {
      await this.#runOn(this.#sessions, batch);
      return performance.now() - started;
    }
    await this.#runWebGpu(batch, {}, this.#limits.startMs, 'the WebGPU warm-up run');
    const ms = performance.now() - started;
    this.#clock = new RunClock(this.#limits, ms, batch.count + batch.cropCount);
    return ms;
  }

  /** Raw scores of both models for one batch of whole-image views and native crops. */
  async run(batch: ViewBatch, options: RunOptions = {}): Promise<RawBatchScores> {
    if (this.#provider !== 'webgpu') return this.#runOn(this.#sessions, batch, options);
    const views = batch.count + batch.cropCount;
    try {
      const started = performance.now();
      const raw = await this.#runWebGpu(batch, options, this.#clock!.deadlineMs(views), `a WebGPU run of ${views} views`);
      this.#clock!.record(performance.now() - started, views);
      return raw;
    } catch (error) {
      // A lost device, a run past its deadline or an unsupported kernel: WASM for good, and this batch again.
      await this.#fallBackToWasm(`WebGPU failed during a run, using WASM: ${describe(error)}`, error);
      return this.#runOn(this.#sessions, batch, options);
    }
  }

  /**
   * One WebGPU run raced against the device's loss and a deadline of `deadlineMs`. The run is kept in #inFlight
   * until it ends, so that a fallback knows whether it ever did.
   */
  async #runWebGpu(batch: ViewBatch, options: RunOptions, deadlineMs: number, what: string): Promise<RawBatchScores> {
    if (this.#lostReason) throw new Error(this.#lostReason);
    const run = this.#runOn(this.#sessions, batch, options);
    this.#inFlight = run;
    const raced = this.#deviceLost ? Promise.race([run, this.#deviceLost]) : run;
    const raw = await withDeadline(raced, deadlineMs, `${what} did not finish within ${seconds(deadlineMs)} (a GPU that stopped answering, or a device lost without a report)`);
    this.#inFlight = null;
    return raw;
  }

  /**
   * WebGPU given up, at start-up (warm-up) or mid-batch: its sessions released without waiting (on a lost device
   * that may never settle) and WASM sessions made (wasmSessions). A WebGPU run caught by a device loss is given a
   * moment to end first (it fails soon after); one past its deadline is not waited for. Whether it ended decides
   * whether the JSEP build can still serve its own WASM EP.
   */
  async #fallBackToWasm(reason: string, error: unknown): Promise<void> {
    const inFlight = this.#inFlight;
    const ended = inFlight ? await settlesWithin(inFlight, error instanceof DeadlineError ? 0 : HUNG_RUN_WAIT_MS) : true;
    void releaseSessions(this.#sessions);
    const wasm = await wasmSessions(ended && this.#ortBuild === 'jsep' ? this.#ort : undefined, this.#modelBytes, this.#options);
    this.#ort = wasm.ort;
    this.#ortBuild = wasm.build;
    this.#sessions = wasm.sessions;
    this.#provider = 'wasm';
    this.#fallbackReason = reason;
    this.#inFlight = null;
    this.#clock = null;
  }

  /** Listens for the loss of ORT's WebGPU device (driver reset, GPU removed, tab in the background too long). */
  async #watchDevice(): Promise<void> {
    const device = (await (this.#ort.env.webgpu.device as unknown as Promise<GpuDeviceLike | undefined>)) ?? null;
    if (!device) return;
    this.#device = device;
    this.#deviceLost = device.lost.then((info) => {
      this.#lostReason = `the WebGPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`;
      throw new Error(this.#lostReason);
    });
    this.#deviceLost.catch(() => undefined);
  }

  /**
   * Destroys the WebGPU device as a driver reset would, and waits until the loss is reported: for the
   * `webgpu-device-lost` simulation only, which loses the device between two ORT batches.
   */
  async loseDevice(): Promise<void> {
    if (this.#provider !== 'webgpu') return;
    this.#device?.destroy();
    await this.#deviceLost?.catch(() => undefined);
  }

  /** Whether the autoencoder graph names the outputs an explanation needs. */
  get canExplain(): boolean {
    const facts = this.#manifest.models.autoencoder;
    return Boolean(facts.reconstructionOutput && facts.errorMapOutput);
  }

  #runOn(sessions: Sessions, batch: ViewBatch, options: RunOptions = {}): Promise<RawBatchScores> {
    return runModels(this.#ort as unknown as OrtModule, sessions, this.#manifest, batch, options);
  }

  async release(): Promise<void> {
    await releaseSessions(this.#sessions);
  }
}

function createSessions(ort: Ort, modelBytes: Record<ModelKey, Uint8Array>, provider: ExecutionProvider): Promise<Sessions> {
  return createModelSessions(ort as unknown as OrtModule, modelBytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Errors only: ORT warns about shape ops it places on the CPU on purpose.
    logSeverityLevel: 3,
  });
}
