/**
 * Benchmark page (built by bench/vite.bench.config.ts, driven by bench/run.ts): times the same steps the
 * worker runs (decode, shared preprocessing, each ONNX session) for one execution provider and thread count,
 * chosen by the query string (?ep=wasm|webgpu&threads=1|2), since ort.env is fixed once per page.
 */
import type { ModelKey } from '../../src/detector/manifest';
import { MODEL_KEYS, inputSize, parseManifest } from '../../src/detector/manifest';
import { imageToTensor } from '../../src/detector/preprocess';
import { quantile } from '../../src/detector/metrics';

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
  /** Per image, by batch size. */
  perBatch: Record<number, { svdd: StepFigures; autoencoder: StepFigures; total: StepFigures; imagesPerSecond: number }>;
}

function figures(times: number[]): StepFigures {
  return { medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95) };
}

async function run(options: { batches: number[]; runs: number; imageUrl: string }): Promise<BrowserBenchResult> {
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
  const size = inputSize(manifest);
  const perImage = 3 * size * size;
  const started = performance.now();
  const sessions = {} as Record<ModelKey, Awaited<ReturnType<typeof ort.InferenceSession.create>>>;
  for (const key of MODEL_KEYS) {
    const bytes = new Uint8Array(await (await fetch(`./models/${manifest.models[key].file}`)).arrayBuffer());
    sessions[key] = await ort.InferenceSession.create(bytes, { executionProviders: [executionProvider], graphOptimizationLevel: 'all' });
  }
  const sessionMs = performance.now() - started;

  // Decode + preprocess a real photo-sized picture, as the worker does (native-size pixels, shared arithmetic).
  const blob = await (await fetch(options.imageUrl)).blob();
  const decodeTimes: number[] = [];
  const preprocessTimes: number[] = [];
  const tensor = new Float32Array(Math.max(...options.batches) * perImage);
  for (let i = 0; i < Math.max(5, Math.min(options.runs, 20)); i++) {
    const t0 = performance.now();
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
    bitmap.close();
    const t1 = performance.now();
    imageToTensor({ width: pixels.width, height: pixels.height, data: pixels.data }, manifest.input, tensor, 0);
    decodeTimes.push(t1 - t0);
    preprocessTimes.push(performance.now() - t1);
  }
  for (let i = 1; i < Math.max(...options.batches); i++) tensor.copyWithin(i * perImage, 0, perImage);

  const perBatch: BrowserBenchResult['perBatch'] = {};
  for (const batch of options.batches) {
    const input = new ort.Tensor('float32', tensor.subarray(0, batch * perImage), [batch, 3, size, size]);
    const times: Record<ModelKey | 'total', number[]> = { svdd: [], autoencoder: [], total: [] };
    for (let i = -1; i < options.runs; i++) {
      let total = 0;
      for (const key of MODEL_KEYS) {
        const facts = manifest.models[key];
        const t0 = performance.now();
        const outputs = await sessions[key].run({ [facts.inputName]: input }, [facts.scoreOutput]);
        await outputs[facts.scoreOutput]!.getData();
        const elapsed = (performance.now() - t0) / batch;
        for (const output of Object.values(outputs)) output.dispose();
        if (i >= 0) times[key].push(elapsed);
        total += elapsed;
      }
      if (i >= 0) times.total.push(total);
    }
    input.dispose();
    const total = figures(times.total);
    perBatch[batch] = { svdd: figures(times.svdd), autoencoder: figures(times.autoencoder), total, imagesPerSecond: 1000 / total.medianMs };
  }
  for (const key of MODEL_KEYS) await sessions[key].release();
  return {
    executionProvider, threads, crossOriginIsolated: self.crossOriginIsolated, adapter, sessionMs,
    decodeMs: figures(decodeTimes), preprocessMs: figures(preprocessTimes), perBatch,
  };
}

Object.assign(window, { runBench: run });
document.getElementById('status')!.textContent = 'ready';
