/**
 * The real CLI (bin/deepfake-detector.mjs, spawned as a user would run it, from another working directory) on a
 * folder mixing good and bad files: JSON shape, error entries, CSV, thresholds, exit codes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { parseCsv } from '../../src/detector/export';
import { readManifest } from '../../src/node/ort-node';
import { createNodeDetector } from '../../src/node/node-detector';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'tests/fixtures');

let dir: string;

const cli = (...args: string[]) => runCli(dir, ...args);

const GOOD = ['mixed/cifar.png', 'mixed/digit.png', 'mixed/photo.jpg', 'mixed/photo.webp', 'mixed/anim.gif', 'mixed/nested/big.png'];
const BAD = ['mixed/not-an-image.png', 'mixed/truncated.jpg'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-cli-'));
  mkdirSync(path.join(dir, 'mixed/nested'), { recursive: true });
  mkdirSync(path.join(dir, 'allbad'));
  const cifar = readFileSync(path.join(FIXTURES, 'cifar10_test_0.png'));
  writeFileSync(path.join(dir, 'mixed/cifar.png'), cifar);
  writeFileSync(path.join(dir, 'mixed/digit.png'), readFileSync(path.join(FIXTURES, 'mnist_test_0.png')));
  await sharp(path.join(FIXTURES, 'cifar10_test_1.png')).resize(300, 200).jpeg({ quality: 90 }).toFile(path.join(dir, 'mixed/photo.jpg'));
  await sharp(path.join(FIXTURES, 'cifar10_test_1.png')).resize(300, 200).webp({ lossless: true }).toFile(path.join(dir, 'mixed/photo.webp'));
  // Two frames: the CIFAR image, then the digit. Only the first frame counts.
  const frame = (file: string) => sharp(path.join(FIXTURES, file)).png().toBuffer();
  await sharp([await frame('cifar10_test_0.png'), await frame('mnist_test_0.png')], { join: { animated: true } })
    .gif()
    .toFile(path.join(dir, 'mixed/anim.gif'));
  // A large picture (12 megapixels) to show any size works.
  await sharp(path.join(FIXTURES, 'cifar10_test_1.png')).resize(4000, 3000, { kernel: 'nearest' }).png({ compressionLevel: 1 }).toFile(path.join(dir, 'mixed/nested/big.png'));
  writeFileSync(path.join(dir, 'mixed/not-an-image.png'), 'this is text, not a PNG\n');
  writeFileSync(path.join(dir, 'mixed/truncated.jpg'), readFileSync(path.join(dir, 'mixed/photo.jpg')).subarray(0, 200));
  writeFileSync(path.join(dir, 'mixed/notes.txt'), 'skipped: no image extension\n');
  writeFileSync(path.join(dir, 'allbad/one.png'), 'nope');
  writeFileSync(path.join(dir, 'allbad/two.jpg'), 'nope');
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deepfake-detector score', () => {
  it('prints one JSON array with an entry per image file, errors included, and exits 0', async () => {
    const run = await cli('score', 'mixed', '--json');
    expect(run.code, run.stderr).toBe(0);
    const entries = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(entries.map((entry) => entry.file).sort()).toEqual([...GOOD, ...BAD].sort());
    for (const entry of entries) {
      if (BAD.includes(entry.file as string)) {
        expect(Object.keys(entry).sort()).toEqual(['error', 'file']);
        expect(entry.error).toEqual(expect.any(String));
        expect(entry.error).not.toContain('\n');
        continue;
      }
      // The seed's shape, plus the fields added since (which evidence fired, the crops judged, metadata).
      expect(Object.keys(entry).sort()).toEqual(['crops', 'evidence', 'file', 'isFake', 'provenance', 'score', 'scores']);
      expect(Object.keys(entry.scores as object).sort()).toEqual(['autoencoder', 'svdd']);
      expect(entry.score).toBeGreaterThanOrEqual(0);
      expect(entry.score).toBeLessThanOrEqual(1);
    }
    // Progress and the bad files' messages go to stderr, never stdout.
    expect(run.stderr).toContain(`${GOOD.length + BAD.length}/${GOOD.length + BAD.length}`);
    expect(run.stderr).toContain('not-an-image.png');
  });

  it('gives the library scores: same numbers as createNodeDetector, GIF first frame, default threshold', async () => {
    const manifest = await readManifest();
    const entries = new Map((JSON.parse((await cli('score', ...GOOD, '--json', '-q')).stdout) as Array<{ file: string; score: number; isFake: boolean; scores: { svdd: number } }>).map((e) => [e.file, e]));
    const detector = await createNodeDetector();
    try {
      for (const file of GOOD) {
        const expected = await detector.scoreFile(path.join(dir, file));
        const entry = entries.get(file)!;
        // The CLI scores in batches, the reference one image at a time: ORT's kernels may sum in another order.
        expect(Math.abs(entry.score - expected.score)).toBeLessThan(1e-6);
        expect(Math.abs(entry.scores.svdd - expected.scores.svdd)).toBeLessThan(1e-6);
        expect(entry.isFake).toBe(expected.score >= manifest.thresholds.default);
      }
      // The GIF scores as its own first frame (GIF's palette changes the colours, so not as the CIFAR PNG), and
      // not as its second frame (the digit).
      const firstFrame = path.join(dir, 'anim-first-frame.png');
      await sharp(path.join(dir, 'mixed/anim.gif'), { pages: 1 }).png().toFile(firstFrame);
      const frameScore = (await detector.scoreFile(firstFrame)).score;
      expect(Math.abs(entries.get('mixed/anim.gif')!.score - frameScore)).toBeLessThan(1e-6);
      expect(entries.get('mixed/anim.gif')!.isFake).toBe(false);
      expect(entries.get('mixed/digit.png')!.isFake).toBe(true);
    } finally {
      await detector.dispose();
    }
  });

  it('writes CSV with the threshold of a preset or a given number', async () => {
    const manifest = await readManifest();
    const preset = parseCsv((await cli('score', 'mixed', '--csv', '--preset', 'conservative', '-q')).stdout);
    expect(preset).toHaveLength(GOOD.length + BAD.length);
    for (const row of preset) {
      expect(Number(row.threshold)).toBe(manifest.thresholds.presets.conservative.threshold);
      expect(row.modelVersion).toBe(manifest.version);
      expect(row.verdict).toBe(BAD.includes(row.file!) ? 'error' : Number(row.score) >= Number(row.threshold) ? 'fake' : 'real');
    }
    const zero = parseCsv((await cli('score', 'mixed', '--csv', '--threshold', '0', '-q')).stdout);
    expect(zero.filter((row) => row.verdict === 'fake')).toHaveLength(GOOD.length);
  });

  it('exits 1 when nothing could be scored, 2 on a usage error', async () => {
    const allBad = await cli('score', 'allbad', 'missing.png', '--json');
    expect(allBad.code).toBe(1);
    const entries = JSON.parse(allBad.stdout) as Array<{ file: string; error: string }>;
    expect(entries.map((entry) => entry.file).sort()).toEqual(['allbad/one.png', 'allbad/two.jpg', 'missing.png']);
    expect(entries.every((entry) => typeof entry.error === 'string')).toBe(true);
    expect((await cli('score', 'mixed', '--threshold', '1.5')).code).toBe(2);
    expect((await cli('score', 'mixed', '--json', '--csv')).code).toBe(2);
    expect((await cli('score')).code).toBe(2);
    expect((await cli('--help')).code).toBe(0);
  });

  it('runs on onnxruntime-web WASM with the same scores', async () => {
    const node = JSON.parse((await cli('score', GOOD[0]!, GOOD[1]!, '--json', '-q')).stdout) as Array<{ score: number }>;
    const wasm = JSON.parse((await cli('score', GOOD[0]!, GOOD[1]!, '--json', '-q', '--backend', 'wasm')).stdout) as Array<{ score: number }>;
    node.forEach((entry, i) => expect(Math.abs(entry.score - wasm[i]!.score)).toBeLessThan(1e-4));
  });
});
