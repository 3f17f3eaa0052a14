/**
 * The library API from another page (served by the Vite dev server, so this also checks `npm run dev`): every
 * input type (each scoring as the Node path does), batches with a bad input, thresholds and presets, dispose.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDetector } from '../../src/node/node-detector';
import { FIXTURES, ROOT, launchChromium } from './harness';

type Library = typeof import('../../src/detector/index');
type Detector = import('../../src/detector/index').EnsembleDeepfakeDetector;
declare global {
  interface Window {
    detectorLibrary: Library;
    detector: Detector;
  }
}

let server: ViteDevServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await createServer({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/tests/e2e/pages/library.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120_000 });
  await page.evaluate(async () => {
    window.detector = await window.detectorLibrary.EnsembleDeepfakeDetector.fromPretrained({ modelsBaseUrl: '/models/', ortBaseUrl: '/ort/', executionProvider: 'wasm' });
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const pngBase64 = (name: string) => readFileSync(path.join(FIXTURES, name)).toString('base64');

describe('EnsembleDeepfakeDetector in a page', () => {
  it('scores a Blob, an ImageBitmap, ImageData, an <img> and a URL alike', async () => {
    const scores = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const blob = new Blob([bytes], { type: 'image/png' });
      const url = URL.createObjectURL(blob);
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const imageData = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const img = new Image();
      img.src = url;
      const inputs = { blob, file: new File([blob], 'x.png'), bitmap, imageData, img, url };
      const out: Record<string, number> = {};
      for (const [name, input] of Object.entries(inputs)) out[name] = (await window.detector.predict(input)).score;
      return out;
    }, pngBase64('cifar10_test_0.png'));
    expect(Object.keys(scores)).toHaveLength(6);
    // Each equals the Node path's score of the same file: the same onnxruntime-web WASM build in Node, sharp
    // decoding the PNG to the same pixels as the browser.
    const node = await createNodeDetector({ backend: 'wasm' });
    const expected = (await node.scoreFile(path.join(FIXTURES, 'cifar10_test_0.png'))).score;
    await node.dispose();
    for (const [name, value] of Object.entries(scores)) expect(Math.abs(value - expected), `${name}: ${value} vs Node ${expected}`).toBeLessThan(1e-6);
  });

  it('returns the documented prediction shape, and a batch keeps going past a bad input', async () => {
    const result = await page.evaluate(async ([real, fake]: string[]) => {
      const blob = (base64: string) => new Blob([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))]);
      // A PNG header that claims 20000 x 10000 pixels: refused before decoding.
      const giant = new Uint8Array(33);
      giant.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
      new DataView(giant.buffer).setUint32(16, 20000);
      new DataView(giant.buffer).setUint32(20, 10000);
      const outcomes = await window.detector.predictBatch([blob(real!), new Blob(['not an image']), blob(fake!), 42 as never, new Blob([giant])]);
      return outcomes.map((outcome) => (outcome.ok ? { ok: true, prediction: outcome.prediction } : { ok: false, error: outcome.error.message, name: outcome.error.name }));
    }, [pngBase64('cifar10_test_0.png'), pngBase64('mnist_test_0.png')]);
    expect(result.map((entry) => entry.ok)).toEqual([true, false, true, false, false]);
    expect(result[4]).toMatchObject({ error: expect.stringMatching(/20000x10000 \(200 megapixels\); the limit is 100 megapixels/) });
    expect(result[1]).toMatchObject({ name: 'DetectorInputError', error: expect.stringMatching(/this is a text file, not an image/) });
    expect(result[3]).toMatchObject({ name: 'DetectorInputError', error: expect.stringMatching(/unsupported input/) });
    const prediction = result[0]!.prediction as unknown as Record<string, unknown>;
    expect(Object.keys(prediction)).toEqual(expect.arrayContaining(['score', 'isFake', 'threshold', 'scores', 'agreement', 'executionProvider', 'timings']));
    expect(prediction.executionProvider).toBe('wasm');
    expect(Object.keys(prediction.timings as object)).toEqual(expect.arrayContaining(['decodeMs', 'preprocessMs', 'inferenceMs', 'totalMs']));
  });

  it('stamps each prediction with the provider and inference time of its own ORT batch, across a WebGPU loss', async () => {
    // The dev server builds with fault hooks: the WebGPU device is destroyed after the first ORT batch (16 images),
    // so one predictBatch call of 17 runs 16 on WebGPU (SwiftShader here: slow, hence the time limit) and 1 on WASM.
    const stamps = await page.evaluate(async () => {
      const options = { modelsBaseUrl: '/models/', ortBaseUrl: '/ort/', executionProvider: 'webgpu', cache: false, simulate: 'webgpu-device-lost' } as const;
      const detector = await window.detectorLibrary.EnsembleDeepfakeDetector.fromPretrained(options);
      const images = Array.from({ length: 17 }, (_, i) => {
        const data = new Uint8ClampedArray(40 * 40 * 4);
        for (let p = 0; p < 40 * 40; p++) data.set([(p * 3 + i * 7) % 256, (p % 40) * 6, (p / 40) * 6 + i, 255], p * 4);
        return new ImageData(data, 40, 40);
      });
      const outcomes = await detector.predictBatch(images);
      await detector.dispose();
      return outcomes.map((outcome) => (outcome.ok ? { provider: outcome.prediction.executionProvider, ms: outcome.prediction.timings.inferenceMs, batch: outcome.prediction.timings.batchSize } : null));
    });
    expect(stamps.every(Boolean)).toBe(true);
    const first = stamps.slice(0, 16);
    const rest = stamps.slice(16);
    expect(first.map((stamp) => stamp!.provider)).toEqual(Array(16).fill('webgpu'));
    expect(rest.map((stamp) => stamp!.provider)).toEqual(['wasm']);
    expect(first.map((stamp) => stamp!.batch)).toEqual(Array(16).fill(16));
    expect(rest.map((stamp) => stamp!.batch)).toEqual([1]);
    // One time per ORT batch: the same within a batch, another for the next one.
    expect(new Set(first.map((stamp) => stamp!.ms)).size).toBe(1);
    expect(new Set(rest.map((stamp) => stamp!.ms)).size).toBe(1);
    expect(first[0]!.ms).not.toBe(rest[0]!.ms);
  }, 600_000);

  it('sets thresholds and presets from the manifest, re-judges without inference, and disposes', async () => {
    const result = await page.evaluate(async (base64) => {
      const detector = window.detector;
      const blob = new Blob([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))]);
      const first = await detector.predict(blob);
      const defaultThreshold = detector.threshold;
      detector.setPreset('conservative');
      const conservative = { threshold: detector.threshold, preset: detector.preset, expected: detector.manifest.thresholds.presets.conservative.threshold };
      detector.setThreshold(0);
      const atZero = detector.rejudge(first);
      let rangeError = '';
      try {
        detector.setThreshold(2);
      } catch (error) {
        rangeError = (error as Error).name;
      }
      await detector.dispose();
      let afterDispose = '';
      try {
        await detector.predict(blob);
      } catch (error) {
        afterDispose = (error as Error).message;
      }
      return { defaultThreshold, manifestDefault: detector.manifest.thresholds.default, conservative, atZero: atZero.isFake, firstThreshold: first.threshold, rangeError, afterDispose, cache: detector.cacheStatus };
    }, pngBase64('cifar10_test_0.png'));
    expect(result.defaultThreshold).toBe(result.manifestDefault);
    expect(result.firstThreshold).toBe(result.manifestDefault);
    expect(result.conservative.threshold).toBe(result.conservative.expected);
    expect(result.conservative.preset).toBe('conservative');
    expect(result.atZero).toBe(true);
    expect(result.rangeError).toBe('RangeError');
    expect(result.afterDispose).toMatch(/disposed/);
    expect(result.cache.enabled).toBe(true);
  });
});
