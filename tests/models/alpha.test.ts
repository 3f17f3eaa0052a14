/**
 * Transparency through the CLI's own path (sharp decoding, src/detector/views.ts, onnxruntime-node, the shipped
 * models): a generated picture with an invisible strip of noise appended (alpha 0 or 1/255) must score as the same
 * picture without it. Before alpha was composited ahead of the crop pick, every crop went to the strip (noise is
 * the most detailed thing in the file), turned white there, and a picture flagged without the strip fell far under
 * the threshold with it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeDetector } from '../../src/node/node-detector';
import { createNodeDetector } from '../../src/node/node-detector';
import { generatedTiles, png, withNoisyStrip } from '../fixtures/alpha';

/** How far the striped picture's score may be from the plain one's. */
const TOLERANCE = 0.02;
const STRIP = 320;

let dir: string;
let detector: NodeDetector;
const files: Array<{ name: string; plain: string; striped: Record<number, string> }> = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-alpha-'));
  detector = await createNodeDetector({ backend: 'node' });
  for (const { name, image } of await generatedTiles(4)) {
    const plain = path.join(dir, `${name}.png`);
    writeFileSync(plain, await png(image));
    const striped: Record<number, string> = {};
    for (const alpha of [0, 1]) {
      striped[alpha] = path.join(dir, `${name}-strip-alpha${alpha}.png`);
      writeFileSync(striped[alpha], await png(withNoisyStrip(image, STRIP, alpha)));
    }
    files.push({ name, plain, striped });
  }
}, 120_000);

afterAll(async () => {
  await detector?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a picture with an invisible strip', () => {
  it.each([0, 1])('scores as the picture without it (alpha %i/255), within 0.02, on the same crops', async (alpha) => {
    const outcomes = await detector.scoreFiles(files.flatMap((file) => [file.plain, file.striped[alpha]!]));
    for (let i = 0; i < files.length; i++) {
      const plain = outcomes[2 * i]!;
      const striped = outcomes[2 * i + 1]!;
      if (!plain.ok || !striped.ok) throw new Error(`${files[i]!.name}: not scored`);
      const width = 508;
      console.log(`${files[i]!.name} alpha ${alpha}: ${plain.judgement.score.toFixed(4)} plain, ${striped.judgement.score.toFixed(4)} with the strip`);
      expect(Math.abs(striped.judgement.score - plain.judgement.score), files[i]!.name).toBeLessThanOrEqual(TOLERANCE);
      expect(striped.judgement.crops.length).toBeGreaterThan(0);
      // The very windows the picture has alone (the grid is its opaque part's: src/detector/crops.ts gridExtent).
      const windows = (crops: ReadonlyArray<{ left: number; top: number; size: number }>) => crops.map(({ left, top, size }) => [left, top, size]);
      expect(windows(striped.judgement.crops), files[i]!.name).toEqual(windows(plain.judgement.crops));
      for (const crop of striped.judgement.crops) expect(crop.left + crop.size, files[i]!.name).toBeLessThanOrEqual(width);
    }
  });
});
