/**
 * Decoding in Chromium (src/detector/worker/decode.ts): JPEGs are read back through a VideoFrame instead of a
 * canvas when that is known to give the same pixels (as BGRX when the frame is sRGB). This holds it to exactly
 * the canvas path's pixels, byte for byte, on the JPEG kinds that differ inside the decoder (chroma subsampling, progressive, an embedded Display P3
 * profile, CMYK, grayscale, a 12-megapixel photo) and on every EXIF orientation, which must fall back to the
 * canvas. A PNG with alpha keeps the canvas path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { ViteDevServer } from 'vite';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, launchChromium } from './harness';

type Decode = typeof import('../../src/detector/worker/decode');
declare global {
  interface Window {
    decode: Decode;
  }
}

let server: ViteDevServer;
let browser: Browser;
let page: Page;
const files = new Map<string, { bytes: Buffer; type: string }>();

/** A textured picture (gradients and seeded noise), so the decoders' rounding shows in many pixels. */
function textured(width: number, height: number): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 12345;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const x = Math.floor(i / 3) % width;
    const y = Math.floor(i / 3 / width);
    pixels[i] = Math.max(0, Math.min(255, ((x * 255) / width + (y * 128) / height + (i % 3) * 40) % 256 + ((state >>> 24) % 48) - 24));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

beforeAll(async () => {
  const base = textured(1200, 900);
  const jpeg = async (name: string, image: Sharp) => files.set(name, { bytes: await image.toBuffer(), type: 'image/jpeg' });
  await jpeg('baseline-420.jpg', base.clone().jpeg({ quality: 90 }));
  await jpeg('yuv444.jpg', base.clone().jpeg({ quality: 90, chromaSubsampling: '4:4:4' }));
  await jpeg('progressive.jpg', base.clone().jpeg({ quality: 85, progressive: true }));
  await jpeg('display-p3.jpg', base.clone().withIccProfile('p3').jpeg({ quality: 90 }));
  await jpeg('cmyk.jpg', base.clone().toColourspace('cmyk').jpeg({ quality: 90 }));
  await jpeg('grayscale.jpg', base.clone().toColourspace('b-w').jpeg({ quality: 90 }));
  await jpeg('12-megapixel.jpg', base.clone().resize(4096, 3072, { kernel: 'lanczos3' }).jpeg({ quality: 90 }));
  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) await jpeg(`orientation-${orientation}.jpg`, base.clone().withMetadata({ orientation }).jpeg({ quality: 85 }));
  files.set('exif_rotated.jpg', { bytes: readFileSync(path.join(FIXTURES, 'exif_rotated.jpg')), type: 'image/jpeg' });
  const alpha = Buffer.alloc(300 * 200 * 4);
  for (let i = 0; i < alpha.length; i++) alpha[i] = (i * 37) % 256;
  files.set('alpha.png', { bytes: await sharp(alpha, { raw: { width: 300, height: 200, channels: 4 } }).png().toBuffer(), type: 'image/png' });

  server = await createServer({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  browser = await launchChromium({ webgpu: false });
  page = await browser.newPage();
  await page.route('**/decode-fixtures/*', (route) => {
    const file = files.get(decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()!));
    return file ? route.fulfill({ body: file.bytes, contentType: file.type }) : route.fulfill({ status: 404 });
  });
  await page.goto(`http://127.0.0.1:${address.port}/tests/e2e/pages/decode.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 120_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Compared {
  width: number;
  height: number;
  /** decodeInput's byte order: 'bgrx' when the frame was copied as it is. */
  layout: string;
  /** Whether the VideoFrame read-back applied (false: it declined and the canvas is used). */
  frame: boolean;
  /** Bytes where the VideoFrame read-back differs from the canvas (0 when it declined). */
  frameDiffers: number;
  /** Bytes where decodeInput's result differs from the canvas. */
  decodedDiffers: number;
}

function compare(name: string): Promise<Compared> {
  return page.evaluate(async (name) => {
    const blob = await (await fetch(`/decode-fixtures/${name}`)).blob();
    // Bytes of `image` that differ from the canvas's RGBA `reference` (BGRX read as RGB with alpha 255).
    const differing = (image: { data: ArrayLike<number>; layout?: string }, reference: ArrayLike<number>) => {
      const { data } = image;
      if (data.length !== reference.length) return Math.max(data.length, reference.length);
      const bgrx = image.layout === 'bgrx';
      let count = 0;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p + (bgrx ? 2 : 0)] !== reference[p]) count++;
        if (data[p + 1] !== reference[p + 1]) count++;
        if (data[p + (bgrx ? 0 : 2)] !== reference[p + 2]) count++;
        if ((bgrx ? 255 : data[p + 3]) !== reference[p + 3]) count++;
      }
      return count;
    };
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
    const canvas = window.decode.bitmapPixels(bitmap);
    const frame = await window.decode.framePixels(bitmap);
    bitmap.close();
    const decoded = await window.decode.decodeInput({ kind: 'blob', blob });
    return {
      width: decoded.width,
      height: decoded.height,
      layout: decoded.layout ?? 'rgba',
      frame: frame !== null,
      frameDiffers: frame ? differing(frame, canvas.data) : 0,
      decodedDiffers: decoded.width === canvas.width ? differing(decoded, canvas.data) : -1,
    };
  }, name);
}

describe('decoding in the browser', () => {
  it.each(['baseline-420.jpg', 'yuv444.jpg', 'progressive.jpg', 'display-p3.jpg', 'cmyk.jpg', 'grayscale.jpg', '12-megapixel.jpg'])(
    'reads an upright JPEG through a VideoFrame, byte for byte what the canvas gives (%s)',
    async (name) => {
      const result = await compare(name);
      expect(result.frame).toBe(true);
      expect(result.frameDiffers).toBe(0);
      expect(result.decodedDiffers).toBe(0);
      expect([result.width, result.height]).toEqual(name === '12-megapixel.jpg' ? [4096, 3072] : [1200, 900]);
      // Without a colour profile the frame is sRGB BGRX and is copied as it is; the Display P3 one is converted.
      expect(result.layout).toBe(name === 'display-p3.jpg' ? 'rgba' : 'bgrx');
    },
  );

  it.each([2, 3, 4, 5, 6, 7, 8])('keeps the canvas for a JPEG with EXIF orientation %i (the frame would be unrotated)', async (orientation) => {
    const result = await compare(`orientation-${orientation}.jpg`);
    expect(result.frame).toBe(false);
    expect(result.layout).toBe('rgba');
    expect(result.decodedDiffers).toBe(0);
    expect([result.width, result.height]).toEqual(orientation >= 5 ? [900, 1200] : [1200, 900]);
  });

  it('decodes into the pixel array the previous picture gave back, with the same bytes (the worker reuses it)', async () => {
    const result = await page.evaluate(async () => {
      const blob = await (await fetch('/decode-fixtures/12-megapixel.jpg')).blob();
      const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
      const canvas = window.decode.bitmapPixels(bitmap).data;
      bitmap.close();
      const scratch = new window.decode.PixelScratch();
      const first = await window.decode.decodeInput({ kind: 'blob', blob }, scratch);
      first.data.fill(0);
      scratch.giveBack(first.data);
      const second = await window.decode.decodeInput({ kind: 'blob', blob }, scratch);
      let differing = 0;
      for (let p = 0; p < canvas.length; p += 4) {
        if (second.data[p + 2] !== canvas[p] || second.data[p + 1] !== canvas[p + 1] || second.data[p] !== canvas[p + 2]) differing++;
      }
      return { reused: second.data.buffer === first.data.buffer, layout: second.layout, differing };
    });
    expect(result).toEqual({ reused: true, layout: 'bgrx', differing: 0 });
  });

  it('keeps the canvas for the rotated fixture and for a PNG with alpha', async () => {
    const rotated = await compare('exif_rotated.jpg');
    expect(rotated).toMatchObject({ width: 160, height: 96, frame: false, decodedDiffers: 0 });
    const alpha = await compare('alpha.png');
    expect(alpha).toMatchObject({ width: 300, height: 200, decodedDiffers: 0 });
  });
});
