/**
 * Benchmark page (built by bench/vite.bench.config.ts, driven by bench/run.ts): times the same steps the
 * worker runs (decode, shared preprocessing, each ONNX session) for one execution provider and thread count,
 * chosen by the query string (?ep=wasm|webgpu&threads=1|2), since ort.env is fixed once per page.
 */
import type { ModelKey } from '../../src/detector/manifest';
import { MODEL_KEYS, parseManifest } from '../../src/detector/manifest';
import { quantile } from '../../src/detector/metrics';
import type { OrtModuleLike, Sessions } from '../../src/detector/model-run';
import { runModels } from '../../src/detector/model-run';
import { ViewBatchBuilder } from '../../src/detector/views';
import { PixelScratch, decodeInput } from '../../src/detector/worker/decode';

interface StepFigures {
  medianMs: number;
  p95Ms: number;
}

export interface BrowserBenchResult {
  executionProvider: string;
  threads: number;
  crossOriginIsolated: boolean;
  adapter: string | null;
  sessionMs: number;
  decodeMs: StepFigures;
  preprocessMs: StepFigures;
  /** Native crops the benchmark photo gives (each image of a batch runs its whole view and these crops). */
  cropsPerImage: number;
  /** Per image, by batch size: both graphs, whole view and crops. */
  perBatch: Record<number, { total: StepFigures; imagesPerSecond: number }>;
  /**
   * One large JPEG end to end as the worker handles it: decode (into the pixel array the previous picture gave
   * back, as in the worker), views (crop selection + tensors), both graphs; decodeFreshArrayMs is the decode into a
   * fresh array, as for the worker's first picture.
   */
  largeJpeg?: { megapixels: number; decodeMs: StepFigures; decodeFreshArrayMs: StepFigures; viewsMs: StepFigures; modelsMs: StepFigures; totalMs: StepFigures };
}

function figures(times: number[]): StepFigures {
  return { medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95) };
}

async function run(options: { batches: number[]; runs: number; imageUrl: string; largeJpegUrl?: string }): Promise<BrowserBenchResult> {
  const params = new URLSearchParams(location.search);
  const executionProvider = params.get('ep') === 'webgpu' ? 'webgpu' : 'wasm';
  const threads = Number(params.get('threads') ?? '1');
  // As the app's worker does: the 14 MB plain WASM build unless WebGPU will be used.
  const ort = executionProvider === 'webgpu' ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm');
  ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  let adapter: string | null = null;
  if (executionProvider === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> } }).gpu;
    const found = await gpu?.requestAdapter();
    if (!found) throw new Error('no WebGPU adapter');
    adapter = [found.info?.vendor, found.info?.architecture, found.info?.description].filter(Boolean).join(' ') || 'unknown';
  }
  const manifest = parseManifest(await (await fetch('./models/manifest.json')).json());
  const started = performance.now();
  const sessions = {} as Sessions;
  for (const key of MODEL_KEYS as readonly ModelKey[]) {
    const bytes = new Uint8Array(await (await fetch(`./models/${manifest.models[key].file}`)).arrayBuffer());
    sessions[key] = (await ort.InferenceSession.create(bytes, { executionProviders: [executionProvider], graphOptimizationLevel: 'all' })) as unknown as Sessions[ModelKey];
  }
  const sessionMs = performance.now() - started;
  const adapterOrt = ort as unknown as OrtModuleLike;

  // Decode + views of a real photo-sized picture, as the worker does (native-size pixels, shared arithmetic).
  const blob = await (await fetch(options.imageUrl)).blob();
  const decodeTimes: number[] = [];
  const preprocessTimes: number[] = [];
  const builder = new ViewBatchBuilder(manifest, Math.max(...options.batches));
  let image = await decodeInput({ kind: 'blob', blob });
  for (let i = 0; i < Math.max(5, Math.min(options.runs, 20)); i++) {
    const t0 = performance.now();
    image = await decodeInput({ kind: 'blob', blob });
    const t1 = performance.now();
    builder.reset();
    builder.add(image);
    decodeTimes.push(t1 - t0);
    preprocessTimes.push(performance.now() - t1);
  }
  const cropsPerImage = builder.batch.cropCount;

  const perBatch: BrowserBenchResult['perBatch'] = {};
  for (const batch of options.batches) {
    builder.reset();
    for (let i = 0; i < batch; i++) builder.add(image);
    const views = builder.batch;
    const times: number[] = [];
    for (let i = -1; i < options.runs; i++) {
      const t0 = performance.now();
      await runModels(adapterOrt, sessions, manifest, views);
      if (i >= 0) times.push((performance.now() - t0) / batch);
    }
    const total = figures(times);
    perBatch[batch] = { total, imagesPerSecond: 1000 / total.medianMs };
  }

  let largeJpeg: BrowserBenchResult['largeJpeg'];
  if (options.largeJpegUrl) {
    const large = await (await fetch(options.largeJpegUrl)).blob();
    const single = new ViewBatchBuilder(manifest, 1);
    const steps = { decode: [] as number[], decodeFresh: [] as number[], views: [] as number[], models: [] as number[], total: [] as number[] };
    const largeRuns = Math.max(5, Math.min(options.runs, 12));
    for (let i = 0; i < largeRuns; i++) {
      const t0 = performance.now();
      await decodeInput({ kind: 'blob', blob: large });
      steps.decodeFresh.push(performance.now() - t0);
    }
    const scratch = new PixelScratch();
    let megapixels = 0;
    for (let i = -1; i < largeRuns; i++) {
      const t0 = performance.now();
      const pixels = await decodeInput({ kind: 'blob', blob: large }, scratch);
      const t1 = performance.now();
      single.reset();
      single.add(pixels);
      scratch.giveBack(pixels.data);
      const t2 = performance.now();
      await runModels(adapterOrt, sessions, manifest, single.batch);
      const t3 = performance.now();
      megapixels = (pixels.width * pixels.height) / 1e6;
      if (i < 0) continue;
      steps.decode.push(t1 - t0);
      steps.views.push(t2 - t1);
      steps.models.push(t3 - t2);
      steps.total.push(t3 - t0);
    }
    largeJpeg = { megapixels, decodeMs: figures(steps.decode), decodeFreshArrayMs: figures(steps.decodeFresh), viewsMs: figures(steps.views), modelsMs: figures(steps.models), totalMs: figures(steps.total) };
  }
  for (const key of MODEL_KEYS) await sessions[key].release();
  return {
    executionProvider, threads, crossOriginIsolated: self.crossOriginIsolated, adapter, sessionMs,
    decodeMs: figures(decodeTimes), preprocessMs: figures(preprocessTimes), cropsPerImage, perBatch,
    ...(largeJpeg ? { largeJpeg } : {}),
  };
}

Object.assign(window, { runBench: run });
document.getElementById('status')!.textContent = 'ready';
