/**
 * The CLI's handling of a models folder it cannot use, run in-process (main() with captured output): a usage
 * error, exit 2, one line on stderr, no stack trace. (The CLI on real images: tests/models/cli.test.ts.)
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { main } from '../../src/node/cli';
import { createNodeDetector } from '../../src/node/node-detector';
import { readManifest } from '../../src/node/ort-node';

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMAGE = path.join(ROOT, 'tests/fixtures/cifar10_test_0.png');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-cli-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

describe('deepfake-detector score --models', () => {
  it('a folder that does not exist: exit 2, one line naming it', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const { code, stdout, stderr } = await run('score', IMAGE, '--models', missing, '-q');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^deepfake-detector: --models ${missing}: .*no such file or directory.*manifest\\.json.*\\n$`));
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a manifest that is not one, or a model that fails its sha256: exit 2, one line', async () => {
    const broken = path.join(dir, 'broken');
    const bad = path.join(dir, 'bad-model');
    mkdirSync(broken);
    mkdirSync(bad);
    writeFileSync(path.join(broken, 'manifest.json'), '{ "version": 3 }');
    let result = await run('score', IMAGE, '--models', broken, '-q');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^deepfake-detector: --models .*broken: .+\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);

    // The shipped manifest and models, one of them replaced by other bytes.
    const models = path.join(ROOT, 'public/models');
    const manifest = JSON.parse(readFileSync(path.join(models, 'manifest.json'), 'utf8')) as { models: Record<string, { file: string }> };
    const [first, ...rest] = Object.values(manifest.models).map((model) => model.file);
    copyFileSync(path.join(models, 'manifest.json'), path.join(bad, 'manifest.json'));
    for (const file of rest) copyFileSync(path.join(models, file), path.join(bad, file));
    writeFileSync(path.join(bad, first!), 'not the model');
    result = await run('score', IMAGE, '--models', bad, '-q');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^deepfake-detector: --models .*bad-model: ${first!.replace('.', '\\.')}: sha256 [0-9a-f]{64} does not match the manifest`));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('deepfake-detector score --json: evidence and crops', () => {
  it('adds which view carried the score and the judged crops to each record, the library\'s numbers, nothing else changed', async () => {
    // A 400x300 picture (larger than the 128 px crops) made from a CIFAR photo, and the 32x32 photo itself.
    const large = path.join(dir, 'large.png');
    await sharp(IMAGE).resize(400, 300, { kernel: 'lanczos3' }).png().toFile(large);
    // The record without the metadata reader (issue 11), to see the model fields alone.
    const { code, stdout, stderr } = await run('score', large, IMAGE, '--json', '--no-provenance', '-q');
    expect(code, stderr).toBe(0);
    const records = JSON.parse(stdout) as Array<{ file: string; score: number; evidence: string; crops: Array<Record<string, number>> }>;
    expect(records.map((record) => Object.keys(record).sort())).toEqual([
      ['crops', 'evidence', 'file', 'isFake', 'score', 'scores'],
      ['crops', 'evidence', 'file', 'isFake', 'score', 'scores'],
    ]);
    const manifest = await readManifest();
    const spec = manifest.input.crops;
    const detector = await createNodeDetector();
    try {
      for (const [file, record] of [[large, records[0]!], [IMAGE, records[1]!]] as const) {
        const expected = await detector.scoreFile(file);
        expect(record.evidence).toBe(expected.scoredView);
        expect(record.crops.map((crop) => Object.keys(crop).sort())).toEqual(expected.crops.map(() => ['left', 'score', 'size', 'top']));
        record.crops.forEach((crop, i) => {
          expect(crop).toMatchObject({ left: expected.crops[i]!.left, top: expected.crops[i]!.top, size: expected.crops[i]!.size });
          expect(Math.abs(crop.score! - expected.crops[i]!.score)).toBeLessThan(1e-6);
        });
      }
    } finally {
      await detector.dispose();
    }
    // The small picture is judged as a whole; the large one on its crops too, when the models have a trace view.
    expect(records[1]).toMatchObject({ evidence: 'image', crops: [] });
    if (!spec) {
      expect(records[0]!.crops).toEqual([]);
      return;
    }
    expect(records[0]!.crops.length).toBeGreaterThan(0);
    expect(records[0]!.crops.length).toBeLessThanOrEqual(spec.maxCrops);
    for (const crop of records[0]!.crops) {
      expect(crop.size).toBe(spec.size);
      expect(crop.left! + crop.size!).toBeLessThanOrEqual(400);
      expect(crop.top! + crop.size!).toBeLessThanOrEqual(300);
      expect(crop.score).toBeGreaterThanOrEqual(0);
      expect(crop.score).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
