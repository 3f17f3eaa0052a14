/**
 * ONNX Runtime Web in the worker: picks the execution provider, creates both sessions, warms them up, runs
 * batches, releases everything. WebGPU that cannot be had or that fails falls back to WASM by itself, and so does
 * WebGPU that stops answering: its session creation, its warm-up and every run are raced against the device's
 * loss and a deadline (deadline.ts), since a GPU may also be lost without a report.
 *
 * By concern: the two ORT builds, their files and caches (ort-builds.ts), the WebGPU adapter and device loss
 * (webgpu-device.ts), the WASM sessions a fallback goes to (fallback.ts); this module ties them together. A WebGPU
 * failure stays on the JSEP build's own WASM EP (its .wasm is already loaded), unless WebGPU work that never ended
 * holds that build: then the plain build (wasmSessions, the one step for both start-up and a later fallback).
 */
import type { ModelManifest } from '../manifest';
import { inputSize } from '../manifest';
import type { ExecutionProvider, ExecutionProviderChoice } from '../protocol';
import type { RawBatchScores, RunOptions } from '../model-run';
import { releaseSessions, runModels } from '../model-run';
import type { ModelKey } from '../manifest';
import type { ViewBatch } from '../views';
import type { WebGpuLimits } from './deadline';
import { DeadlineError, RunClock, WEBGPU_LIMITS, seconds, withDeadline } from './deadline';
import { HUNG_RUN_WAIT_MS, settlesWithin, wasmSessions } from './fallback';
import type { Ort, OrtBuild, OrtLoadOptions, OrtModule, Sessions } from './ort-builds';
import { createSessions, loadOrt, threadCount } from './ort-builds';
import type { AdapterInfo } from './webgpu-device';
import { DeviceWatch, findWebGpuAdapter } from './webgpu-device';

export type { AdapterInfo } from './webgpu-device';
export type { OrtBuild } from './ort-builds';

export interface RuntimeOptions extends OrtLoadOptions {
  executionProvider: ExecutionProviderChoice;
  /** Shorter WebGPU deadlines than WEBGPU_LIMITS: test builds only (the `?simulate=` faults). */
  webgpuLimits?: Partial<WebGpuLimits>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class OrtRuntime {
  readonly wasmThreads: number;
  #adapter: AdapterInfo | undefined;
  #sessions: Sessions;
  #provider: ExecutionProvider;
  #fallbackReason: string | undefined;
  /** The WebGPU device's loss: ORT does not watch for it, and a run on a lost device may never end. */
  #device: DeviceWatch | null = null;
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
    if (this.#device?.lostReason) throw new Error(this.#device.lostReason);
    const run = this.#runOn(this.#sessions, batch, options);
    this.#inFlight = run;
    const raced = this.#device ? Promise.race([run, this.#device.lost]) : run;
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
    this.#device = await DeviceWatch.start(this.#ort);
  }

  /**
   * Destroys the WebGPU device as a driver reset would, and waits until the loss is reported: for the
   * `webgpu-device-lost` simulation only, which loses the device between two ORT batches.
   */
  async loseDevice(): Promise<void> {
    if (this.#provider !== 'webgpu') return;
    await this.#device?.destroy();
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
