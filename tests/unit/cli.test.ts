/**
 * The CLI's handling of a models folder it cannot use, run in-process (main() with captured output): a usage
 * error, exit 2, one line on stderr, no stack trace. (The CLI on real images: tests/models/cli.test.ts.)
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli';

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
