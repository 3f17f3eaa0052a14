/**
 * The npm package as its users get it: packed (`npm pack`, whose prepack step builds lib/), then installed from
 * the tarball into new projects in a temporary folder, which do exactly what docs/package.md ("Using the npm
 * package in your own app") shows (readme-steps.ts): a Vite app that type-checks under a strict tsconfig, builds,
 * and scores photos in Chromium through the library's public API on WASM; a Node project whose CLI scores a photo
 * and a folder and whose Node API type-checks under NodeNext; and `npx` on the tarball in an empty folder. Only
 * the npm registry is reached (installs prefer npm's cache). Chromium runs here: run this file under the machine's
 * browser lock, like the e2e suite.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackInfo, PackageSize } from '../../scripts/package-size';
import { PACKAGE_SIZE_FILE, describePack, megabytes, npmPack } from '../../scripts/package-size';
import { createNodeDetector } from '../../src/node/node-detector';
import { FIXTURES, ROOT, launchChromium, serveDist } from '../e2e/harness';
import { provenanceDir } from '../fixtures/provenance';
import type { ConsumerName } from './readme-steps';
import { commandKey, readmeConsumers } from './readme-steps';

/** The page whose steps this test carries out. */
const GUIDE = path.join(ROOT, 'docs/package.md');
const steps = readmeConsumers(GUIDE);
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'public/models/manifest.json'), 'utf8')) as { version: string };

let work: string;
let pack: PackInfo;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'detector-package-'));
  pack = npmPack(['--pack-destination', work]);
});

afterAll(() => {
  // KEEP_PACKAGE_TEST=1 keeps the projects for a look after a failure.
  if (work && process.env.KEEP_PACKAGE_TEST !== '1') rmSync(work, { recursive: true, force: true });
});

/**
 * The environment of a user's shell: none of the npm_* variables of the `npm test` this may run under (an inner
 * npm would take this repository for its project), installs from npm's cache where it has the package.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** A consumer's folder, with the tarball (and the photos its commands name), after every step docs/package.md gives it. */
function consume(name: ConsumerName, photos: Record<string, string> = {}): { dir: string; outputs: Map<string, string> } {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(work, pack.filename), path.join(dir, pack.filename));
  for (const [target, source] of Object.entries(photos)) {
    mkdirSync(path.dirname(path.join(dir, target)), { recursive: true });
    copyFileSync(source, path.join(dir, target));
  }
  const outputs = new Map<string, string>();
  for (const step of steps[name]) {
    if (step.kind === 'file') {
      writeFileSync(path.join(dir, step.path), step.text);
      continue;
    }
    try {
      outputs.set(commandKey(step.line), execFileSync('sh', ['-c', step.line], { cwd: dir, env: userEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }));
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      throw new Error(`${name}: \`${step.line}\` exited ${failed.status}\n${failed.stdout}\n${failed.stderr}`);
    }
  }
  return { dir, outputs };
}

const output = (outputs: Map<string, string>, command: string) => {
  const text = outputs.get(command);
  if (text === undefined) throw new Error(`docs/package.md's steps have no \`${command}\` (it has: ${[...outputs.keys()].join('; ')})`);
  return text;
};

describe('the npm package', () => {
  it('packs the compiled library, CLI, types and models, and weighs what bench/results/package-size.json says', () => {
    const paths = pack.files.map((file) => file.path);
    expect(pack.filename).toBe(`${packageJson.name}-${packageJson.version}.tgz`);
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'bin/deepfake-detector.mjs', 'lib/browser/index.js', 'lib/browser/detector.worker.js', 'lib/browser/provenance.worker.js', 'lib/browser/c2pa.wasm', 'lib/browser/ort/ort-wasm-simd-threaded.wasm', 'lib/browser/ort/ort-wasm-simd-threaded.jsep.wasm', 'lib/models/manifest.json', 'lib/models/svdd.onnx', 'lib/models/autoencoder.onnx', 'lib/node/index.js', 'lib/node/cli.js', 'lib/node/provenance-thread.js', 'lib/types/src/package/browser.d.ts', 'lib/types/src/package/node.d.ts']) {
      expect(paths, file).toContain(file);
    }
    // Only what runs: no sources, tests, training code or data.
    expect(paths.filter((file) => /^(src|tests|training|public|bench|scripts)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')))).toEqual([]);
    const recorded = JSON.parse(readFileSync(PACKAGE_SIZE_FILE, 'utf8')) as PackageSize;
    const measured = describePack(pack);
    expect(recorded.version).toBe(packageJson.version);
    expect(recorded.modelVersion).toBe(manifest.version);
    expect(recorded.files).toBe(measured.files);
    // Within 1%: documentation edits (README.md and CHANGELOG.md are packed) move the compressed size a little; a new model or runtime moves it more.
    expect(Math.abs(measured.tarballBytes - recorded.tarballBytes) / recorded.tarballBytes).toBeLessThan(0.01);
    expect(Math.abs(measured.unpackedBytes - recorded.unpackedBytes) / recorded.unpackedBytes).toBeLessThan(0.01);
    expect(measured.parts.models).toBe(recorded.parts.models);
    const readme = readFileSync(GUIDE, 'utf8').replace(/\s*\n\s*/g, ' ');
    expect(readme).toContain(`The tarball weighs ${megabytes(recorded.tarballBytes)} MB (${megabytes(recorded.unpackedBytes)} MB unpacked, ${recorded.files} files), models included (${megabytes(recorded.parts.models)} MB of them)`);
    expect(readFileSync(GUIDE, 'utf8')).toContain(`npm install ./${pack.filename}`);
    const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
    const { before, after } = recorded.pagePrecache!;
    const grouped = (bytes: number) => bytes.toLocaleString('en-US');
    expect(changelog).toContain(`precaches the same ${after.files} files as before`);
    expect(before.files).toBe(after.files);
    const change = after.bytes - before.bytes;
    const moreOrLess = `${grouped(Math.abs(change))} bytes ${change > 0 ? 'more' : 'less'} code`;
    expect(readme).toContain(`first visit precaches the same files as before, none of the package's, ${moreOrLess}`);
    expect(changelog).toContain(`${grouped(before.bytes)} bytes before this version, ${grouped(after.bytes)} after (${change > 0 ? '+' : '-'}${grouped(Math.abs(change))} bytes`);
    expect(changelog).toContain(`The tarball weighs ${megabytes(recorded.tarballBytes)} MB** (${megabytes(recorded.unpackedBytes)} MB unpacked, ${recorded.files} files), models included (${megabytes(recorded.parts.models)} MB)`);
  });

  it('in a Vite app: type-checks under a strict tsconfig, builds, and scores photos in Chromium on WASM', async () => {
    const { dir } = consume('web');
    // Scores as the Node path does for the same PNG (the same WASM build, the same pixels): the library works.
    const png = path.join(FIXTURES, 'cifar10_test_0.png');
    const node = await createNodeDetector({ backend: 'wasm' });
    const expected = (await node.scoreFile(png)).score;
    await node.dispose();
    const server = await serveDist(path.join(dir, 'dist'));
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.origin}/`);
      const text = () => page.locator('output').textContent();
      await page.waitForFunction(() => /^Ready/.test(document.querySelector('output')?.textContent ?? ''), null, { timeout: 180_000 });
      expect(await text()).toBe(`Ready (library ${packageJson.version}, models ${manifest.version})`);
      await page.locator('input').setInputFiles(png);
      await page.waitForFunction(() => /score/.test(document.querySelector('output')?.textContent ?? ''), null, { timeout: 120_000 });
      expect(await text()).toMatch(new RegExp(`^cifar10_test_0\\.png: score ${expected.toFixed(4)}, (not )?flagged \\(wasm\\)\\. No provenance metadata`));
      // A photo with Content Credentials: the provenance worker and the C2PA WebAssembly came along too.
      await page.locator('input').setInputFiles(path.join(provenanceDir(), 'c2pa_ai_created__ingredient-with-data-types.jpg'));
      await page.waitForFunction(() => /^c2pa_ai_created/.test(document.querySelector('output')?.textContent ?? ''), null, { timeout: 120_000 });
      expect(await text()).toMatch(/score 0\.\d{4}, (not )?flagged \(wasm\)\. Content Credentials signed by Adobe Inc\..*created by AI \(Adobe Firefly\)/);
      expect(errors).toEqual([]);
      // A second visit: the models from IndexedDB (sha256-checked) and the ORT .wasm from Cache Storage, as in the app.
      const before = server.requests.length;
      await page.reload();
      await page.waitForFunction(() => /^Ready/.test(document.querySelector('output')?.textContent ?? ''), null, { timeout: 180_000 });
      expect(server.requests.slice(before).filter((request) => /\.(onnx|wasm)$/.test(request))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
      await server.close();
    }
    // Every file came from the app's own build (the bundler emitted them), and WASM needed only the plain build.
    const fetched = server.requests.filter((request) => request !== '/' && request !== '/favicon.ico');
    expect(fetched.every((request) => request.startsWith('/assets/'))).toBe(true);
    expect(fetched.some((request) => /\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(request))).toBe(true);
    expect(fetched.filter((request) => request.includes('jsep'))).toEqual([]);
    expect(fetched.filter((request) => /\.onnx$/.test(request))).toHaveLength(2);
    expect(fetched.filter((request) => /\.wasm$/.test(request))).toHaveLength(2); // ORT's plain build, and C2PA's
  });

  it('in a Node project: the CLI scores a photo and a folder, reports both versions, and the Node API type-checks', () => {
    const photos = provenanceDir();
    const { dir, outputs } = consume('node', {
      'photo.jpg': path.join(photos, 'camera__IMG_0003.jpg'),
      'photos/c2pa_valid__CA.jpg': path.join(photos, 'c2pa_valid__CA.jpg'),
      'photos/sdparams__SD.png': path.join(photos, 'sdparams__SD.png'),
      'photos/more/cifar10_test_0.png': path.join(FIXTURES, 'cifar10_test_0.png'),
    });
    // Compiled JavaScript only: no TypeScript runner was installed with the package; its run-time dependencies were.
    expect(existsSync(path.join(dir, 'node_modules/tsx'))).toBe(false);
    for (const dependency of ['onnxruntime-node', 'sharp', 'onnxruntime-web']) expect(existsSync(path.join(dir, 'node_modules', dependency, 'package.json')), dependency).toBe(true);

    const table = output(outputs, 'npx deepfake-detector score photo.jpg');
    const row = table.match(/^photo\.jpg\s+(0\.\d{4}|1\.0000)\s.*$/m);
    expect(row, table).not.toBeNull();
    const score = Number(row![1]);
    const flagged = /Likely generated/.test(row![0]);
    expect(table).toMatch(/metadata: Camera: Canon EOS REBEL T3/);

    const records = JSON.parse(output(outputs, 'npx deepfake-detector score photos/ --json')) as Array<{ file: string; score: number; provenance?: { summary: string } }>;
    expect(records.map((record) => record.file)).toEqual(['photos/c2pa_valid__CA.jpg', 'photos/more/cifar10_test_0.png', 'photos/sdparams__SD.png']);
    for (const record of records) expect(record.score).toBeGreaterThanOrEqual(0);
    // The metadata thread runs the compiled reader, C2PA WebAssembly included.
    expect(records[0]!.provenance?.summary).toMatch(/^Content Credentials signed by C2PA Test Signing Cert/);
    expect(records[2]!.provenance?.summary).toMatch(/^Stable Diffusion parameters found/);

    expect(output(outputs, 'npx deepfake-detector --version')).toBe(`ensemble-deepfake-detector ${packageJson.version}\nmodels ${manifest.version}\n`);
    expect(output(outputs, 'node score.mjs photo.jpg')).toBe(`photo.jpg: ${score.toFixed(4)}, ${flagged ? 'flagged' : 'not flagged'} (package ${packageJson.version}, models ${manifest.version})\n`);
    // `npx tsc` exited 0 (consume throws otherwise): the Node entry's types hold under NodeNext and strict.
    expect(outputs.has('npx tsc')).toBe(true);
  });

  it('runs from the tarball with npx in an empty folder', () => {
    const { outputs } = consume('npx', { 'photo.jpg': path.join(provenanceDir(), 'camera__IMG_0003.jpg') });
    const [command] = [...outputs.keys()];
    expect(output(outputs, command!)).toMatch(/^photo\.jpg\s+(0\.\d{4}|1\.0000)\s/m);
  });
});
