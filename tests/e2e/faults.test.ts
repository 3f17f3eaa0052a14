/**
 * Issue 7, runtime and cache faults, in the built app (Debian's Chromium, real models, the shipped headers):
 * - WebGPU: no adapter, a device that cannot be created, a warm-up run that never ends, a device lost in the middle
 *   of a batch, a run that never ends when its device is lost, a device lost without any report (`?simulate=`,
 *   src/detector/worker/simulate.ts): the page starts or the batch goes on on WebAssembly, and says so in #notices;
 * - a crashed worker (an uncaught error thrown inside it mid-batch): a new worker takes over, the batch resumes
 *   where it stopped, every image is scored once;
 * - IndexedDB: a corrupted model entry is caught by sha256, downloaded again, and the page says so; a new manifest
 *   version downloads its models and removes the old version's entries.
 * (Quota exceeded and a throwing IndexedDB are unit tests: tests/unit/model-store.test.ts.)
 *
 * `?simulate=` exists only in builds with fault hooks: this file builds its own copy with DETECTOR_FAULT_HOOKS=1
 * and checks that the production build (dist/) has none of them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/detector/export';
import { READBACK_TOLERANCE } from '../../src/detector/readback-noise';
import type { StaticServer } from './harness';
import { DIST, ROOT, launchChromium, openApp, readCards, serveDist } from './harness';

let dir: string;
/** The app built with fault hooks (?simulate=), served instead of dist/. */
let hooksBuild: string;
let images: string[];
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-faults-'));
  images = [];
  // Small, distinct pictures: a smooth gradient plus a per-image offset.
  for (let i = 0; i < 96; i++) {
    const pixels = Buffer.alloc(40 * 40 * 3);
    for (let p = 0; p < 40 * 40; p++) pixels.set([(p * 3 + i * 7) % 256, (p % 40) * 6, ((p / 40) * 6 + i) % 256], p * 3);
    const file = path.join(dir, `image-${String(i).padStart(3, '0')}.png`);
    await sharp(pixels, { raw: { width: 40, height: 40, channels: 3 } }).png().toFile(file);
    images.push(file);
  }
  hooksBuild = path.join(dir, 'build-with-fault-hooks');
  execFileSync('npx', ['vite', 'build', '--outDir', hooksBuild, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    env: { ...process.env, DETECTOR_FAULT_HOOKS: '1', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    stdio: 'inherit',
  });
  server = await serveDist(hooksBuild);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const notices = (page: Page) => page.$$eval('#notices li', (items) => items.map((item) => ({ kind: (item as HTMLElement).dataset.kind, text: item.textContent ?? '', visible: (item as HTMLElement).offsetParent !== null })));

async function finished(page: Page, count: number): Promise<void> {
  await page.waitForFunction((expected) => Number(document.getElementById('results-table-section')!.dataset.finished) >= expected, count, { timeout: 240_000 });
}

/** The table's rows, every page: name and verdict (the table shows 100 per page; these batches are smaller). */
const tableRows = (page: Page) =>
  page.$$eval('#results-table tbody tr', (rows) => rows.map((row) => ({ name: row.querySelector('.file-name')?.textContent ?? '', verdict: (row as HTMLElement).dataset.verdict ?? '' })));

/** Every text of a build's JS, joined. */
const bundleText = (root: string) =>
  readdirSync(path.join(root, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(path.join(root, 'assets', name), 'utf8'))
    .join('\n');

describe('the fault hooks', () => {
  it('are in the test build only: the production build (dist/) has no ?simulate= and no simulated fault', () => {
    const faults = ['no-webgpu-adapter', 'webgpu-session-fails', 'webgpu-warmup-hangs', 'webgpu-device-lost', 'webgpu-run-hangs', 'webgpu-silent-loss', 'canvas-noise', 'simulated: requestDevice failed'];
    const test = bundleText(hooksBuild);
    for (const fault of faults) expect(test, fault).toContain(fault);
    const production = bundleText(DIST);
    for (const fault of [...faults, 'simulate']) expect(production, fault).not.toContain(fault);
  });
});

describe('?threads=', () => {
  it('is clamped to navigator.hardwareConcurrency: a link cannot start hundreds of WASM threads', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=wasm&threads=500');
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.locator('#execution-provider').textContent()).toContain(`${cores} thread${cores === 1 ? '' : 's'}`);
    } finally {
      await context.close();
    }
  });
});

describe('WebGPU faults', () => {
  it('no WebGPU adapter: runs on WASM and says so', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await openApp(page, server.origin, '?simulate=no-webgpu-adapter');
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebAssembly/);
      const shown = await notices(page);
      expect(shown).toEqual([expect.objectContaining({ kind: 'webgpu-unavailable', visible: true })]);
      expect(shown[0]!.text).toContain('requestAdapter() returned no adapter');
      const [card] = await (async () => {
        await page.locator('#file-input').setInputFiles(images.slice(0, 1));
        await page.waitForSelector('#results .card[data-verdict]');
        return readCards(page);
      })();
      expect(card!.executionProvider).toBe('wasm');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a WebGPU device that cannot be created: falls back to WASM at start-up and says so', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=webgpu&simulate=webgpu-session-fails');
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebAssembly.*\(WebGPU unavailable\)/);
      const shown = await notices(page);
      expect(shown).toEqual([expect.objectContaining({ kind: 'webgpu-fallback', visible: true })]);
      expect(shown[0]!.text).toMatch(/WebGPU failed, using WASM: .*requestDevice failed/);
      await page.locator('#file-input').setInputFiles(images.slice(0, 2));
      await finished(page, 2);
      expect((await readCards(page)).map((card) => card.executionProvider)).toEqual(['wasm', 'wasm']);
    } finally {
      await context.close();
    }
  });

  it('a WebGPU warm-up run that never ends: its deadline gives WebGPU up, the plain WASM build starts, the page says so', async () => {
    // The warm-up holds the JSEP build for good: its own WASM EP could not run either.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const before = server.requests.length;
      await openApp(page, server.origin, '?ep=webgpu&simulate=webgpu-warmup-hangs');
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebAssembly.*\(WebGPU unavailable\)/);
      const shown = await notices(page);
      expect(shown).toEqual([expect.objectContaining({ kind: 'webgpu-fallback', visible: true })]);
      expect(shown[0]!.text).toMatch(/WebGPU failed, using WASM: the WebGPU warm-up run did not finish within 8 s/);
      const wasmFiles = server.requests.slice(before).filter((request) => request.endsWith('.wasm'));
      expect(wasmFiles).toContain('/ort/ort-wasm-simd-threaded.jsep.wasm');
      expect(wasmFiles).toContain('/ort/ort-wasm-simd-threaded.wasm');
      await page.locator('#file-input').setInputFiles(images.slice(60, 62));
      await finished(page, 2);
      expect((await readCards(page)).map((card) => [card.executionProvider, card.verdict === 'error'])).toEqual([['wasm', false], ['wasm', false]]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the WebGPU device lost in the middle of a batch: the rest runs on WASM, nothing is lost, the page says so', async () => {
    // SwiftShader WebGPU here: correct but slow, so a small batch of two chunks (16 per chunk). The device is
    // destroyed after the first chunk.
    await expectFallbackAfterFirstChunk('webgpu-device-lost', images.slice(0, 20), /WebGPU failed during a run, using WASM/);
  });

  it('a WebGPU run that never ends, its device lost under it: the batch goes on on the plain WASM build', async () => {
    // ORT runs one session at a time per loaded build: a WebGPU run that never ends keeps the JSEP build busy for
    // good, so its own WASM EP would answer every later run with "Session already started".
    await expectFallbackAfterFirstChunk('webgpu-run-hangs', images.slice(20, 40), /WebGPU failed during a run, using WASM: the WebGPU device was lost/);
  });

  it('a WebGPU device lost without any report (the run never ends): its deadline gives it up, the batch goes on on WASM', async () => {
    // Nothing but the run's deadline can tell: 3x the first batch's time per view here (10x in production, at
    // least 30 s), for the second chunk's 4 views.
    await expectFallbackAfterFirstChunk('webgpu-silent-loss', images.slice(40, 60), /WebGPU failed during a run, using WASM: a WebGPU run of 4 views did not finish within [\d.]+ s/);
  });
});

/**
 * A batch of two chunks with `fault` simulated: the first chunk runs on WebGPU, the second on WASM, every image is
 * scored, and the page says once that it fell back, in words matching `notice`.
 */
async function expectFallbackAfterFirstChunk(fault: string, batch: string[], notice: RegExp): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openApp(page, server.origin, `?ep=webgpu&simulate=${fault}`);
    await page.locator('#file-input').setInputFiles(batch);
    await finished(page, batch.length);
    const cards = await readCards(page);
    expect(cards).toHaveLength(batch.length);
    expect(cards.filter((card) => card.verdict === 'error')).toEqual([]);
    const providers = cards.map((card) => card.executionProvider);
    expect(providers.slice(0, 16).every((provider) => provider === 'webgpu')).toBe(true);
    expect(providers.slice(16).every((provider) => provider === 'wasm')).toBe(true);
    const shown = await notices(page);
    expect(shown).toEqual([expect.objectContaining({ kind: 'webgpu-fallback', visible: true })]);
    expect(shown[0]!.text).toMatch(notice);
    expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebAssembly/);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}

describe('a canvas that lies', () => {
  it('anti-fingerprinting read-back noise is detected, shown on the engine line and in the exports, and moves scores within the pinned tolerance', async () => {
    // ?simulate=canvas-noise: every getImageData in the worker gets +/-1 on 10% of pixels, as Brave's farbling does.
    const larger = [path.join(dir, 'textured-300x200.png'), path.join(dir, 'textured-256x256.png')];
    await sharp(Buffer.from(Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 37 + Math.floor(i / 900) * 11) % 256)), { raw: { width: 300, height: 200, channels: 3 } }).png().toFile(larger[0]!);
    await sharp(Buffer.from(Array.from({ length: 256 * 256 * 3 }, (_, i) => (i * 13 + (i % 768) * 5) % 256)), { raw: { width: 256, height: 256, channels: 3 } }).png().toFile(larger[1]!);
    const batch = [...images.slice(70, 78), ...larger];
    const scoresOn = async (query: string) => {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await openApp(page, server.origin, query);
      await page.locator('#file-input').setInputFiles(batch);
      await finished(page, batch.length);
      const engine = await page.locator('#execution-provider').textContent();
      const title = await page.locator('#execution-provider .canvas-readback').getAttribute('title').catch(() => null);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
      const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
      await context.close();
      return { engine, title, scores: new Map(csv.map((row) => [row.file!, Number(row.score)] as const)), canvasNoise: csv.map((row) => row.canvasNoise ?? '') };
    };
    const clean = await scoresOn('?ep=wasm');
    const noisy = await scoresOn('?ep=wasm&simulate=canvas-noise');
    expect(clean.engine).not.toMatch(/canvas/);
    expect(clean.canvasNoise.every((cell) => cell === '')).toBe(true);
    expect(noisy.engine).toMatch(/^WebAssembly, \d threads? · canvas read-back noise detected$/);
    expect(noisy.title).toMatch(/anti-fingerprinting\): [\d.]+% of a test pattern's pixels came back up to 1 level off/);
    expect(noisy.canvasNoise.every((cell) => /^detected: [\d.]+% of pixels, up to 1 level$/.test(cell))).toBe(true);
    for (const [file, score] of clean.scores) {
      const tolerance = /textured/.test(file) ? READBACK_TOLERANCE.crops : READBACK_TOLERANCE.whole;
      console.log(`${file}: ${score.toFixed(5)} clean, ${noisy.scores.get(file)!.toFixed(5)} with read-back noise`);
      expect(Math.abs(noisy.scores.get(file)! - score), file).toBeLessThanOrEqual(tolerance);
    }
  });
});

describe('a crashed worker', () => {
  it('is replaced; the batch resumes where it stopped and every image is scored once', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await context.addInitScript(() =>
        window.addEventListener('unhandledrejection', (event) => ((window as unknown as { __rejections: string[] }).__rejections ??= []).push(String(event.reason))),
      );
      await openApp(page, server.origin, '?ep=wasm');
      // The reference: the same images scored without a crash.
      const batch = images.slice(0, 96);
      await page.locator('#file-input').setInputFiles(batch);
      await finished(page, batch.length);
      const reference = new Map((await page.$$eval('#results-table tbody tr', (rows) => rows.map((row) => [row.querySelector('.file-name')?.textContent ?? '', (row as HTMLElement).dataset.score ?? '']))) as Array<[string, string]>);
      await page.locator('#clear-results').click();

      const workerRequestsBefore = server.requests.filter((request) => request.includes('detector.worker')).length;
      await page.locator('#file-input').setInputFiles(batch);
      await finished(page, 16);
      const worker = page.workers().find((candidate) => candidate.url().includes('detector.worker'));
      expect(worker, page.workers().map((candidate) => candidate.url()).join(', ')).toBeTruthy();
      const crashedAt = Number(await page.locator('#results-table-section').getAttribute('data-finished'));
      // An uncaught error inside the worker, as a bug or an out-of-memory abort in the runtime would raise.
      await worker!.evaluate(() => setTimeout(() => {
        throw new Error('simulated crash');
      }, 0));
      await finished(page, batch.length);

      const rows = await tableRows(page);
      expect(rows).toHaveLength(batch.length);
      expect(rows.filter((row) => row.verdict === 'error')).toEqual([]);
      // In order, each once, with the scores of the run without a crash.
      expect(rows.map((row) => row.name)).toEqual(batch.map((file) => path.basename(file)));
      const scores = await page.$$eval('#results-table tbody tr', (list) => list.map((row) => [row.querySelector('.file-name')?.textContent ?? '', (row as HTMLElement).dataset.score ?? '']));
      for (const [name, score] of scores) expect(Number(score), name).toBeCloseTo(Number(reference.get(name!)), 5);

      const shown = await notices(page);
      expect(shown.find((notice) => notice.kind === 'worker-restarted')).toEqual(expect.objectContaining({ visible: true, text: expect.stringContaining('simulated crash') }));
      console.log(`worker crashed after ${crashedAt} of ${batch.length} images; ${server.requests.filter((request) => request.includes('detector.worker')).length - workerRequestsBefore} worker script requests since`);
      expect(errors).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __rejections?: string[] }).__rejections ?? [])).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('IndexedDB faults', () => {
  it('a corrupted model entry is caught by sha256 and downloaded again; a new manifest version removes the old entries', async () => {
    // Routes do not see requests a service worker handles: keep it out of this test.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=wasm');
      const storedKeys = () =>
        page.evaluate(
          () =>
            new Promise<string[]>((resolve, reject) => {
              const open = indexedDB.open('ensemble-deepfake-detector');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const request = open.result.transaction('files').objectStore('files').getAllKeys();
                request.onsuccess = () => (open.result.close(), resolve((request.result as string[]).filter((key) => key.includes('/model/'))));
              };
            }),
        );
      const keys = await storedKeys();
      expect(keys).toHaveLength(2);
      // Flip bytes in the middle of the stored svdd.onnx, as a disk or a browser bug might.
      const corrupted = await page.evaluate(
        () =>
          new Promise<string>((resolve, reject) => {
            const open = indexedDB.open('ensemble-deepfake-detector');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const store = open.result.transaction('files', 'readwrite').objectStore('files');
              const cursor = store.openCursor();
              cursor.onsuccess = () => {
                const current = cursor.result;
                if (!current) return reject(new Error('no svdd entry'));
                if (!String(current.key).endsWith('/svdd.onnx')) return current.continue();
                const value = current.value as { sha256: string; bytes: ArrayBuffer };
                const bytes = new Uint8Array(value.bytes.slice(0));
                for (let i = 0; i < 64; i++) bytes[(bytes.length >> 1) + i]! ^= 0x5a;
                current.update({ ...value, bytes: bytes.buffer }).onsuccess = () => (open.result.close(), resolve(String(current.key)));
              };
            };
          }),
      );
      expect(corrupted).toMatch(/\/svdd\.onnx$/);

      let before = server.requests.length;
      await openApp(page, server.origin, '?ep=wasm');
      const refetched = server.requests.slice(before).filter((request) => request.endsWith('.onnx'));
      expect(refetched).toEqual(['/models/svdd.onnx']);
      const shown = await notices(page);
      expect(shown).toEqual([expect.objectContaining({ kind: 'cache-repaired', visible: true, text: expect.stringMatching(/svdd\.onnx was damaged \(sha256 mismatch\) and has been downloaded again/) })]);
      await page.locator('#file-input').setInputFiles(images.slice(0, 1));
      await finished(page, 1);
      expect((await readCards(page))[0]!.verdict).toMatch(/real|fake/);

      // Repaired for good: the next load reads both from IndexedDB.
      before = server.requests.length;
      await openApp(page, server.origin, '?ep=wasm');
      expect(server.requests.slice(before).filter((request) => request.endsWith('.onnx'))).toEqual([]);
      expect(await page.locator('#notices li').count()).toBe(0);

      // A new deploy with another manifest version (same files here): its models are fetched and stored under
      // the new version, and the old version's entries are removed.
      await context.route('**/models/manifest.json', async (route) => {
        const response = await route.fetch();
        const json = (await response.json()) as { version: string };
        await route.fulfill({ response, json: { ...json, version: `${json.version}-next` } });
      });
      before = server.requests.length;
      await openApp(page, server.origin, '?ep=wasm');
      expect(server.requests.slice(before).filter((request) => request.endsWith('.onnx')).sort()).toEqual(['/models/autoencoder.onnx', '/models/svdd.onnx']);
      expect(await page.locator('#model-version').textContent()).toMatch(/-next$/);
      const newKeys = await storedKeys();
      expect(newKeys).toHaveLength(2);
      expect(newKeys.every((key) => key.includes('-next/'))).toBe(true);
      expect(newKeys.some((key) => keys.includes(key))).toBe(false);
    } finally {
      await context.close();
    }
  });
});
