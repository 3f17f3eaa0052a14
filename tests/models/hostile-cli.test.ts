/**
 * The real CLI (bin/deepfake-detector.mjs, spawned) on the hostile corpus (tests/fixtures/hostile.ts): every file
 * gets a score or a clear error entry, the run goes on, the exit status and JSON are right. Also: alpha is
 * composited on the manifest's alphaBackground (white), EXIF orientation is applied, and only an animated GIF's
 * first frame counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { decodeImage } from '../../src/node/decode';
import { readManifest } from '../../src/node/ort-node';
import { HOSTILE_FILES, writeHostileCorpus } from '../fixtures/hostile';

const ROOT = path.resolve(import.meta.dirname, '../..');

let dir: string;
let files: Map<string, string>;

interface Entry { file: string; score?: number; isFake?: boolean; scores?: { svdd: number; autoencoder: number }; error?: string }

const cli = (...args: string[]) => runCli(dir, ...args);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-hostile-cli-'));
  files = await writeHostileCorpus(path.join(dir, 'corpus'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI on hostile files', () => {
  it('scores what it can, gives a clear error entry for the rest, and exits 0', async () => {
    // Named one by one (so .txt / .pdf / .svg / .heic are tried too), in corpus order.
    const run = await cli('score', ...HOSTILE_FILES.map(({ name }) => path.join('corpus', name)), '--json', '--batch', '4');
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as Entry[];
    expect(entries.map((entry) => path.basename(entry.file))).toEqual(HOSTILE_FILES.map(({ name }) => name));
    for (const [i, expected] of HOSTILE_FILES.entries()) {
      const entry = entries[i]!;
      const label = `${expected.name} (${expected.why}): ${JSON.stringify(entry)}`;
      if (expected.expect === 'score' || (expected.expect === 'either' && entry.error === undefined)) {
        expect(entry.error, label).toBeUndefined();
        expect(entry.score, label).toBeGreaterThanOrEqual(0);
        expect(entry.score, label).toBeLessThanOrEqual(1);
        expect(Number.isFinite(entry.scores!.svdd) && Number.isFinite(entry.scores!.autoencoder), label).toBe(true);
      } else {
        expect(entry.score, label).toBeUndefined();
        expect(entry.error, label).toMatch(expected.message!);
        // One line, no stack trace.
        expect(entry.error, label).not.toMatch(/\n|    at /);
        expect(run.stderr).toContain(entry.error!);
      }
    }
    // The refusals are the library's own words, not a decoder's.
    const byName = new Map(entries.map((entry) => [path.basename(entry.file), entry]));
    expect(byName.get('giant-20000x20000.png')!.error).toBe('image is 20000x20000 (400 megapixels); the limit is 100 megapixels');
  }, 120_000);

  it('composites alpha on white, applies EXIF orientation, and scores only the first GIF frame', async () => {
    const manifest = await readManifest(path.join(ROOT, 'public/models'));
    expect(manifest.input.alphaBackground).toEqual([255, 255, 255]);
    const run = await cli('score', 'corpus/transparent.png', 'corpus/white.png', 'corpus/animated.gif', '--json', '-q');
    const [transparent, white, gif] = JSON.parse(run.stdout) as Entry[];
    expect(transparent!.score).toBeCloseTo(white!.score!, 6);

    const rotated = await decodeImage(files.get('exif-rotated.jpg')!);
    expect([rotated.width, rotated.height]).toEqual([48, 64]);

    // The GIF's first frame, written as a PNG, scores as the GIF does (GIF frames are lossless palette images).
    const firstFrame = path.join(dir, 'first-frame.png');
    await sharp(files.get('animated.gif')!, { pages: 1 }).png().toFile(firstFrame);
    const single = JSON.parse((await cli('score', firstFrame, '--json', '-q')).stdout) as Entry[];
    expect(gif!.score).toBeCloseTo(single[0]!.score!, 6);
  }, 120_000);

  it('exits 1 with only error entries when nothing could be scored', async () => {
    const bad = HOSTILE_FILES.filter((file) => file.expect === 'error').map(({ name }) => path.join('corpus', name));
    const run = await cli('score', ...bad, '--json', '-q');
    expect(run.code).toBe(1);
    const entries = JSON.parse(run.stdout) as Entry[];
    expect(entries).toHaveLength(bad.length);
    expect(entries.every((entry) => typeof entry.error === 'string' && entry.score === undefined)).toBe(true);
  }, 120_000);
});
