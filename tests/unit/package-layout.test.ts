/**
 * The npm package's layout agrees with itself without building it: what src/package/ points at through
 * `new URL('…', import.meta.url)` (relative to lib/browser/, scripts/build-package.ts) is what the build writes
 * there, and package.json's exports, types, bin and files name those outputs. The packed package itself is
 * tested in tests/package/consumer.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORT_JSEP_SCRIPTS, ORT_WASM_FILES, ortLoaderFile } from '../../src/detector/worker/ort-builds';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const urlsIn = (file: string) => [...read(file).matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)].map((match) => match[1]!);

describe('the package layout', () => {
  it('bundles the manifest and every model it names, and both ORT builds, by their own names', () => {
    const manifest = JSON.parse(read('public/models/manifest.json')) as { models: Record<string, { file: string }> };
    const urls = urlsIn('src/package/bundled-assets.ts');
    expect(urls.filter((url) => url.startsWith('../models/')).sort()).toEqual(['manifest.json', ...Object.values(manifest.models).map((model) => model.file)].map((file) => `../models/${file}`).sort());
    const ort = [...new Set([...ORT_JSEP_SCRIPTS, ortLoaderFile('wasm'), ...Object.values(ORT_WASM_FILES)])];
    expect(urls.filter((url) => url.startsWith('./ort/')).sort()).toEqual(ort.map((file) => `./ort/${file}`).sort());
    // Each entry of the map is keyed by the file's own name.
    for (const [, name, url] of read('src/package/bundled-assets.ts').matchAll(/'([^']+)': new URL\('([^']+)'/g)) expect(path.basename(url!)).toBe(name);
  });

  it('points the workers and the C2PA WebAssembly at the files the build writes beside them', () => {
    const build = read('scripts/build-package.ts');
    expect(urlsIn('src/package/spawn-worker.ts')).toEqual(['./detector.worker.js']);
    expect(urlsIn('src/package/spawn-provenance-worker.ts')).toEqual(['./provenance.worker.js']);
    expect(build).toMatch(/'detector\.worker': 'src\/detector\/worker\/detector\.worker\.ts'/);
    expect(build).toMatch(/'provenance\.worker': 'src\/detector\/provenance\/provenance\.worker\.ts'/);
    expect(urlsIn('src/package/c2pa-wasm-url.ts')).toEqual(['./c2pa.wasm']);
    expect(build).toMatch(/path\.join\(out, 'c2pa\.wasm'\)/);
  });

  it('declares the entries, types, bin and files of lib/, and the CLI run-time dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as Record<string, unknown> & { exports: Record<string, { types: string; default: string }>; files: string[]; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.private).toBeUndefined();
    expect(pkg.exports['.']).toEqual({ types: './lib/types/src/package/browser.d.ts', default: './lib/browser/index.js' });
    expect(pkg.exports['./node']).toEqual({ types: './lib/types/src/package/node.d.ts', default: './lib/node/index.js' });
    expect(pkg.bin).toEqual({ 'deepfake-detector': 'bin/deepfake-detector.mjs' });
    expect(pkg.files).toEqual(['lib/browser/', 'lib/models/', 'lib/node/', 'lib/types/', 'bin/deepfake-detector.mjs', 'CHANGELOG.md']);
    for (const dependency of ['onnxruntime-node', 'sharp', 'onnxruntime-web', 'bmp-ts', '@contentauth/c2pa-wasm']) expect(pkg.dependencies, dependency).toHaveProperty(dependency);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect((pkg.allowScripts as Record<string, boolean>)['onnxruntime-node']).toBe(false);
  });
});
