/// <reference lib="webworker" />
/** The detector worker: model store + decoding + preprocessing + ORT, exposed through Comlink. */
import * as Comlink from 'comlink';
import { inputSize } from '../manifest';
import type { ModelManifest } from '../manifest';
import { ModelStore, openBrowserStorage } from '../model-store';
import { fillBatches } from '../batches';
import { pictureRaw } from '../picture-raw';
import { ViewBatchBuilder } from '../views';
import { explanationFromOutputs, statisticsOfRow } from '../explain';
import type { DetectorWorkerApi, RuntimeInfo, WorkerImageInput, WorkerInitOptions, WorkerScoreItem, WorkerScoreOptions, WorkerScoreResult } from '../protocol';
import { checkCanvasReadback } from './canvas-check';
import { PixelScratch, decodeInput } from './decode';
import { OrtRuntime } from './runtime';
import type { RuntimeOptions } from './runtime';
import { ProvenanceReader } from '../provenance/isolate';
import type { SimulatedFault } from './simulate';

/** Images per ORT run; bigger batches only cost memory on this model size. */
const MAX_BATCH = 16;

let state: {
  manifest: ModelManifest;
  runtime: OrtRuntime;
  /** Test builds only: a simulated fault that strikes after the first scored batch (simulate.ts), once. */
  faultAfterFirstBatch: SimulatedFault | null;
} | null = null;

/** Provenance metadata of each file, read beside its decoding (src/detector/provenance/). */
const provenanceReader = new ProvenanceReader();
/** Pixel arrays reused from one picture's decode to the next (decode.ts). */
const pixelScratch = new PixelScratch();

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const api: DetectorWorkerApi = {
  async init(options: WorkerInitOptions, onProgress) {
    if (state) throw new Error('the detector worker is already initialised');
    let runtimeOptions: RuntimeOptions = options;
    let faultAfterFirstBatch: SimulatedFault | null = null;
    // Test builds only: the block is dropped from production builds.
    if (__FAULT_HOOKS__ && options.simulate) {
      const simulation = await import('./simulate');
      simulation.installSimulatedFault(options.simulate);
      const webgpuLimits = simulation.simulatedLimits(options.simulate);
      if (webgpuLimits) runtimeOptions = { ...options, webgpuLimits };
      if (simulation.strikesAfterFirstBatch(options.simulate)) faultAfterFirstBatch = options.simulate;
    }
    const opened = options.cache ? await openBrowserStorage() : { storage: null, reason: 'turned off by the cache option' };
    const store = new ModelStore({ storage: opened.storage, ...(opened.reason ? { noStorageReason: opened.reason } : {}) });
    let started = performance.now();
    const modelUrl = (file: string) => options.modelFiles?.[file] ?? new URL(file, options.modelsBaseUrl).href;
    const manifest = await store.loadManifest(modelUrl('manifest.json'));
    const manifestMs = performance.now() - started;
    started = performance.now();
    const models = await store.loadModels(manifest, modelUrl, onProgress);
    const modelsMs = performance.now() - started;
    const [{ runtime, sessionsMs, warmupMs }, canvasReadback] = await Promise.all([OrtRuntime.create(manifest, models.bytes, runtimeOptions), checkCanvasReadback()]);
    state = { manifest, runtime, faultAfterFirstBatch };
    return {
      manifest,
      executionProvider: runtime.executionProvider,
      ...(runtime.fallbackReason ? { fallbackReason: runtime.fallbackReason } : {}),
      ...(runtime.webgpuUnavailable ? { webgpuUnavailable: runtime.webgpuUnavailable } : {}),
      ...(runtime.webgpuAdapter ? { webgpuAdapter: runtime.webgpuAdapter } : {}),
      wasmThreads: runtime.wasmThreads,
      crossOriginIsolated: self.crossOriginIsolated,
      cacheStatus: store.cacheStatus,
      ...(canvasReadback ? { canvasReadback } : {}),
      modelSources: models.sources,
      cacheRepairs: models.repaired,
      timings: { manifestMs, modelsMs, sessionsMs, warmupMs },
    } satisfies RuntimeInfo;
  },

  async score(inputs: WorkerImageInput[], options: WorkerScoreOptions = {}): Promise<WorkerScoreResult> {
    if (!state) throw new Error('the detector worker is not initialised');
    const { manifest, runtime } = state;
    const size = inputSize(manifest);
    const items: WorkerScoreItem[] = [];
    const builder = new ViewBatchBuilder(manifest, MAX_BATCH);
    const prepare = async (input: WorkerImageInput) => {
      const decodeStarted = performance.now();
      // Metadata is read from the same file, on its own thread, while this one decodes; it never throws.
      const provenance = provenanceReader.read(input);
      const image = await decodeInput(input, pixelScratch);
      const preprocessStarted = performance.now();
      const rows = builder.add(image);
      // The tensors hold the picture now; its pixels can take the next picture's decode.
      pixelScratch.giveBack(image.data);
      const item: WorkerScoreItem & { ok: true } = {
        ok: true,
        raw: { svdd: Number.NaN, autoencoder: Number.NaN },
        traceRaw: null,
        crops: [],
        width: image.width,
        height: image.height,
        decodeMs: preprocessStarted - decodeStarted,
        preprocessMs: performance.now() - preprocessStarted,
        // Set per ORT batch below.
        executionProvider: runtime.executionProvider,
        inferenceMs: Number.NaN,
        batchSize: 0,
        provenance: await provenance,
      };
      return { rows, value: item };
    };
    for await (const { slots, batch } of fillBatches(inputs, builder, prepare)) {
      if (batch) {
        const started = performance.now();
        const raw = await runtime.run(batch, { explain: options.explain ?? false });
        // Per ORT batch, not per call: after a WebGPU loss mid-call, earlier batches did run on WebGPU.
        const ran = { executionProvider: runtime.executionProvider, inferenceMs: performance.now() - started, batchSize: batch.count };
        if (__FAULT_HOOKS__ && state.faultAfterFirstBatch) {
          const fault = state.faultAfterFirstBatch;
          state.faultAfterFirstBatch = null;
          await (await import('./simulate')).afterFirstBatch(fault, runtime);
        }
        const mapSize = raw.errorMap ? Math.round(Math.sqrt(raw.errorMap.length / batch.count)) : 0;
        for (const slot of slots) {
          if (!slot.ok) continue;
          Object.assign(slot.value, pictureRaw(raw, slot.rows, manifest.input.crops), ran);
          const row = slot.rows.row;
          if (raw.reconstruction && raw.errorMap) {
            slot.value.explanation = explanationFromOutputs(batch.whole, size, raw.reconstruction, raw.errorMap, mapSize, row);
            const names = manifest.models.svdd.statisticNames;
            if (raw.statisticZ && names) slot.value.explanation.statistics = statisticsOfRow(raw.statisticZ, names, row);
          }
        }
      }
      // One bad file fails alone; the rest of the batch goes on.
      items.push(...slots.map((slot): WorkerScoreItem => (slot.ok ? slot.value : { ok: false, error: message(slot.error) })));
    }
    return {
      items,
      executionProvider: runtime.executionProvider,
      ...(runtime.fallbackReason ? { fallbackReason: runtime.fallbackReason } : {}),
    };
  },

  async dispose() {
    const current = state;
    state = null;
    provenanceReader.dispose();
    pixelScratch.release();
    await current?.runtime.release();
  },
};

Comlink.expose(api);
