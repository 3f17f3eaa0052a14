/**
 * Transparency on the page and in the CLI: the same PNG must score the same in both (within the 1e-3 of every
 * browser-vs-Node comparison) whatever its alpha. Chromium's canvas premultiplies (an alpha-0 pixel reads back as
 * RGB 0, alpha 1 as 0 or 255) where sharp keeps the stored colour; compositing on the manifest's background
 * before the crop pick (src/detector/composite.ts) makes the two one picture. Before it, a generated picture with
 * a fully transparent noisy strip was flagged on the page and not in the CLI.
 *
 * Pictures: held-out SD 1.5 tiles (508 px, so with crops) plain, with a 320-px noisy strip at alpha 0, 1, 128
 * and 255, faded to alpha 128 as a whole, and with alpha rising across the picture (every level 0-255).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/detector/preprocess';
import type { Judgement } from '../../src/detector/scoring';
import { createNodeDetector } from '../../src/node/node-detector';
import { STRIP_ALPHAS, generatedTiles, png, withNoisyStrip } from '../fixtures/alpha';
import type { CardResult, StaticServer } from './harness';
import { checkFiles, launchChromium, openApp, serveDist } from './harness';

const TOLERANCE = 1e-3;

let dir: string;
let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const files: string[] = [];
const nodeScores = new Map<string, Judgement>();
let cards: Map<string, CardResult>;

const withAlpha = (image: RgbaImage, alphaAt: (x: number, y: number) => number): RgbaImage => {
  const data = Uint8Array.from(image.data);
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) data[(y * image.width + x) * 4 + 3] = alphaAt(x, y);
  return { ...image, data };
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-alpha-e2e-'));
  const pictures = new Map<string, RgbaImage>();
  for (const { name, image } of await generatedTiles(2)) {
    pictures.set(`${name}.png`, image);
    for (const alpha of STRIP_ALPHAS) pictures.set(`${name}-strip-alpha${alpha}.png`, withNoisyStrip(image, 320, alpha));
    pictures.set(`${name}-faded128.png`, withAlpha(image, () => 128));
    pictures.set(`${name}-alpha-ramp.png`, withAlpha(image, (x) => Math.min(255, Math.floor((x * 256) / image.width))));
  }
  for (const [name, image] of pictures) {
    const file = path.join(dir, name);
    writeFileSync(file, await png(image));
    files.push(file);
  }
  const node = await createNodeDetector({ backend: 'node' });
  for (const file of files) nodeScores.set(path.basename(file), await node.scoreFile(file));
  await node.dispose();
  server = await serveDist();
  browser = await launchChromium({ webgpu: false });
  context = await browser.newContext();
  page = await context.newPage();
  await openApp(page, server.origin, '?ep=wasm');
  cards = new Map((await checkFiles(page, files)).map((card) => [card.name, card]));
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('transparency, page vs CLI', () => {
  it('scores every alpha the same on the page as in the CLI (sharp + onnxruntime-node) within 1e-3', () => {
    expect(cards.size).toBe(files.length);
    for (const [name, expected] of nodeScores) {
      const card = cards.get(name)!;
      console.log(`${name}: page ${card.score.toFixed(4)}, CLI ${expected.score.toFixed(4)}`);
      expect(card.error, name).toBeNull();
      expect(Math.abs(card.score - expected.score), name).toBeLessThan(TOLERANCE);
      expect(Math.abs(card.svdd - expected.scores.svdd), name).toBeLessThan(TOLERANCE);
      expect(Math.abs(card.autoencoder - expected.scores.autoencoder), name).toBeLessThan(TOLERANCE);
    }
  });

  it('scores a picture with an invisible strip (alpha 0 or 1) as the picture alone, on the page too', () => {
    for (const name of [...cards.keys()].filter((key) => /-strip-alpha[01]\.png$/.test(key))) {
      const plain = cards.get(name.replace(/-strip-alpha[01]/, ''))!;
      expect(Math.abs(cards.get(name)!.score - plain.score), name).toBeLessThanOrEqual(0.02);
    }
  });
});
