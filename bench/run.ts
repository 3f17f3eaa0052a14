/**
 * `npm run bench`: what users feel, measured on this machine, printed as a table and written to
 * bench/results/<date>.json.
 *  - bytes: each model, both together, and the whole first-visit transfer of the app (every file a cold load fetched)
 *  - cold start (empty browser profile) and warm start (models from IndexedDB) to the first score, in Chromium
 *  - per-image latency, median and p95: decode, preprocessing, Deep SVDD, autoencoder, total, at batch 1 and
 *    larger batches, for WASM 1 thread, WASM 2 threads (cross-origin isolated) and WebGPU (here SwiftShader:
 *    software-emulated, labelled so)
 *  - the same graphs in onnxruntime-node (native CPU) and onnxruntime-web WASM in Node, with browser / native ratios
 * Options: --quick (fewer runs, written to bench/results/<date>.quick.json), --no-webgpu, --first-visit (only the first-visit transfer and start-up times,
 * written to bench/results/<date>.first-visit.json).
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserBenchResult } from './browser/bench-page';
import { decodeImage } from '../src/node/decode';
import type { LatencyFigures } from '../src/node/latency';
import { measureLatency } from '../src/node/latency';
import { readManifest } from '../src/node/ort-node';
import { DIST, ROOT, checkFiles, launchChromium, openApp, serveDist } from '../tests/e2e/harness';

const quick = process.argv.includes('--quick');
const withWebGpu = !process.argv.includes('--no-webgpu');
const firstVisitOnly = process.argv.includes('--first-visit');
const BATCHES = [1, 8, 32, 64];
const RUNS = quick ? 10 : 30;
const BENCH_DIST = path.join(ROOT, 'bench/.dist');
const log = (message: string) => process.stderr.write(`${message}\n`);

function build(): void {
  log('building the app and the benchmark page…');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.bench.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  const photo = path.resolve(ROOT, '../shared/data/photos/val/kodak_kodim23.png');
  copyFileSync(existsSync(photo) ? photo : path.join(ROOT, 'tests/fixtures/cifar10_test_0.png'), path.join(BENCH_DIST, 'photo.png'));
}

/** A 12-megapixel camera-sized JPEG (4096x3072, quality 90): a Kodak photo enlarged 5.33x with Lanczos. */
async function makeLargeJpeg(): Promise<void> {
  const photo = path.join(BENCH_DIST, 'photo.png');
  await sharp(photo).resize(4096, 3072, { kernel: 'lanczos3', fit: 'fill' }).jpeg({ quality: 90 }).toFile(path.join(BENCH_DIST, 'photo-12mp.jpg'));
}

function fileBytes(root: string, requestPath: string): number {
  const file = path.join(root, requestPath.endsWith('/') ? `${requestPath}index.html` : requestPath);
  return existsSync(file) && statSync(file).isFile() ? statSync(file).size : 0;
}

async function startupTimes(): Promise<Record<string, unknown>> {
  const server = await serveDist(DIST);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const measure = async (load: () => Promise<unknown>) => {
      const started = performance.now();
      await load();
      await openApp(page, server.origin, '?ep=wasm');
      const readyMs = performance.now() - started;
      const [card] = (await checkFiles(page, ['cifar10_test_0.png'])).slice(-1);
      if (!card || card.error) throw new Error(`benchmark image was not scored: ${card?.error}`);
      return { readyMs: Math.round(readyMs), firstScoreMs: Math.round(performance.now() - started) };
    };
    const cold = await measure(async () => undefined);
    // The first visit also installs the service worker, which precaches the app: wait until it has.
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    const coldRequests = [...new Set(server.requests)];
    const transfer = coldRequests.map((request) => ({ path: request, bytes: fileBytes(DIST, request) })).filter((entry) => entry.bytes > 0);
    server.requests.length = 0;
    const warm = await measure(() => page.reload({ waitUntil: 'commit' }));
    const warmModelRequests = server.requests.filter((request) => request.endsWith('.onnx')).length;
    await context.close();
    return {
      cold,
      warm,
      warmModelRequests,
      firstVisitTransfer: {
        bytes: transfer.reduce((sum, entry) => sum + entry.bytes, 0),
        files: transfer.sort((a, b) => b.bytes - a.bytes),
      },
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function browserLatency(): Promise<BrowserBenchResult[]> {
  const server = await serveDist(BENCH_DIST);
  const browser = await launchChromium();
  const results: BrowserBenchResult[] = [];
  const configs = [
    { ep: 'wasm', threads: 1, batches: BATCHES, runs: RUNS },
    { ep: 'wasm', threads: 2, batches: BATCHES, runs: RUNS },
    ...(withWebGpu ? [{ ep: 'webgpu', threads: 1, batches: [1, 8], runs: 3 }] : []),
  ];
  try {
    for (const config of configs) {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html?ep=${config.ep}&threads=${config.threads}`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      log(`browser ${config.ep} ${config.threads} thread(s)…`);
      try {
        results.push(await page.evaluate(
          (options) => (window as unknown as { runBench(o: unknown): Promise<BrowserBenchResult> }).runBench(options),
          { batches: config.batches, runs: config.runs, imageUrl: './photo.png', ...(config.ep === 'wasm' ? { largeJpegUrl: './photo-12mp.jpg' } : {}) },
        ));
      } catch (error) {
        log(`  ${config.ep} unavailable: ${String(error)}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

/** The same graphs on the picture the browser rows score (bench/.dist/photo.png: whole view and its crops). */
async function nativeLatency(): Promise<LatencyFigures[]> {
  const image = await decodeImage(path.join(BENCH_DIST, 'photo.png'));
  const results: LatencyFigures[] = [];
  for (const threads of [1, 2]) {
    for (const batch of BATCHES) {
      log(`onnxruntime-node ${threads} thread(s), batch ${batch}…`);
      results.push(await measureLatency({ backend: 'node', threads, batch, runs: RUNS, image }));
    }
  }
  for (const batch of [1, 32]) results.push(await measureLatency({ backend: 'wasm', threads: 1, batch, runs: RUNS, image }));
  return results;
}

const ms = (value: number | undefined) => (value === undefined ? '    -' : value.toFixed(2).padStart(7));

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** The first-visit transfer, with the ORT files (bundles, loaders, .wasm) named. */
function printFirstVisit(transfer: { bytes: number; files: Array<{ path: string; bytes: number }> }): void {
  console.log(`First visit (WASM, cold profile, service worker installed): ${transfer.bytes.toLocaleString('en')} bytes (${mb(transfer.bytes)}) in ${transfer.files.length} files`);
  for (const file of transfer.files.filter((entry) => /\/ort[./-]|\/ort\//.test(entry.path))) console.log(`  ORT ${file.path.padEnd(44)} ${file.bytes.toLocaleString('en').padStart(12)} bytes`);
}

async function firstVisit(): Promise<void> {
  log('building the app…');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const startup = await startupTimes();
  const date = new Date().toISOString();
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results', `${date.slice(0, 10)}.first-visit.json`);
  writeFileSync(out, `${JSON.stringify({ date, startup }, null, 2)}\n`);
  printFirstVisit(startup.firstVisitTransfer as { bytes: number; files: Array<{ path: string; bytes: number }> });
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

async function main(): Promise<void> {
  if (firstVisitOnly) return firstVisit();
  build();
  await makeLargeJpeg();
  const manifest = await readManifest();
  const modelBytes = Object.fromEntries(Object.entries(manifest.models).map(([key, facts]) => [key, facts.bytes]));
  const startup = await startupTimes();
  const browser = await browserLatency();
  const native = await nativeLatency();
  const nativeAt = (threads: number, batch: number) => native.find((n) => n.backend === 'node' && n.threads === threads && n.batch === batch);
  const ratios = browser.filter((b) => b.executionProvider === 'wasm').flatMap((b) =>
    Object.entries(b.perBatch).map(([batch, figures]) => ({
      threads: b.threads, batch: Number(batch),
      browserMs: figures.total.medianMs, nativeMs: nativeAt(b.threads, Number(batch))?.medianMs ?? Number.NaN,
      ratio: figures.total.medianMs / (nativeAt(b.threads, Number(batch))?.medianMs ?? Number.NaN),
    })));
  const cpu = os.cpus();
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version, gpu: 'none (WebGPU here is SwiftShader, software-emulated)' },
    modelVersion: manifest.version,
    bytes: { models: modelBytes, modelsTotal: Object.values(modelBytes).reduce((a, b) => a + b, 0), firstVisitTransfer: (startup.firstVisitTransfer as { bytes: number }).bytes },
    startup,
    browser: browser.map((b) => ({ ...b, label: b.executionProvider === 'webgpu' ? `WebGPU (emulated: ${b.adapter})` : `WASM ${b.threads} thread${b.threads > 1 ? 's' : ''}` })),
    native,
    browserOverNative: ratios,
  };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  // A quick run (a third of the runs) never replaces the day's full record, which the docs quote.
  const out = path.join(ROOT, 'bench/results', `${result.date.slice(0, 10)}${quick ? '.quick' : ''}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\nMachine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.gpu}; Chromium ${String(startup.chromium)}`);
  console.log(`Models: ${Object.entries(modelBytes).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}; together ${mb(result.bytes.modelsTotal)}; first-visit transfer ${mb(result.bytes.firstVisitTransfer)}`);
  const cold = startup.cold as { readyMs: number; firstScoreMs: number };
  const warm = startup.warm as { readyMs: number; firstScoreMs: number };
  console.log(`Start-up (WASM): cold ready ${cold.readyMs} ms, first score ${cold.firstScoreMs} ms | warm ready ${warm.readyMs} ms, first score ${warm.firstScoreMs} ms (model requests on warm load: ${String(startup.warmModelRequests)})`);
  console.log('\nPer image (768x512 photo: whole view + its native crops), milliseconds (median / p95)');
  console.log('                                                 batch  decode    views  both models  img/s');
  for (const b of result.browser) {
    for (const [batch, f] of Object.entries(b.perBatch)) {
      console.log(`  browser ${b.label.padEnd(38)} ${batch.padStart(5)} ${ms(b.decodeMs.medianMs)} ${ms(b.preprocessMs.medianMs)} ${ms(f.total.medianMs)} /${ms(f.total.p95Ms)} ${f.imagesPerSecond.toFixed(0).padStart(6)}  (${b.cropsPerImage} crops)`);
    }
  }
  for (const b of result.browser) {
    const l = b.largeJpeg;
    if (l) console.log(`  12-megapixel JPEG end to end, browser ${b.label}: ${ms(l.totalMs.medianMs)} ms (decode ${ms(l.decodeMs.medianMs)}, ${ms(l.decodeFreshArrayMs.medianMs)} into a fresh array, views ${ms(l.viewsMs.medianMs)}, both models ${ms(l.modelsMs.medianMs)}; ${l.megapixels.toFixed(1)} MP)`);
  }
  for (const n of native) {
    console.log(`  ${(n.backend === 'node' ? 'onnxruntime-node (native)' : 'onnxruntime-web WASM in Node').padEnd(34)} ${String(n.threads)} thr ${String(n.batch).padStart(5)}       - ${ms(n.preprocessMedianMs)}       -       - ${ms(n.medianMs)} /${ms(n.p95Ms)} ${n.imagesPerSecond.toFixed(0).padStart(6)}`);
  }
  console.log('\nBrowser WASM / native onnxruntime-node (total per image):');
  for (const r of ratios) console.log(`  ${r.threads} thread(s), batch ${String(r.batch).padStart(2)}: ${r.browserMs.toFixed(2)} / ${r.nativeMs.toFixed(2)} ms = ${r.ratio.toFixed(2)}x`);
  printFirstVisit(startup.firstVisitTransfer as { bytes: number; files: Array<{ path: string; bytes: number }> });
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

await main();
