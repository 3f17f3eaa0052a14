/** Where fromPretrained finds the models and ORT files (src/detector/env.ts): an option, env's folder, or env's files. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveFiles } from '../../src/detector/env';

afterEach(() => vi.unstubAllGlobals());

describe('resolveFiles', () => {
  it('takes a folder, relative to the page, with a trailing slash', () => {
    vi.stubGlobal('document', { baseURI: 'https://example.test/app/page.html' });
    expect(resolveFiles('models', { 'manifest.json': 'https://cdn.test/m.json' }, 'manifest.json', 'modelsBaseUrl')).toEqual({ baseUrl: 'https://example.test/app/models/' });
    expect(resolveFiles(new URL('https://cdn.test/ort/'), {}, 'ort-wasm-simd-threaded.wasm', 'ortBaseUrl')).toEqual({ baseUrl: 'https://cdn.test/ort/' });
  });

  it('takes single files by name when no folder is set, as absolute URLs', () => {
    vi.stubGlobal('document', { baseURI: 'https://example.test/app/' });
    const resolved = resolveFiles(undefined, { 'manifest.json': './assets/manifest-1a2b.json', 'svdd.onnx': new URL('https://cdn.test/svdd.onnx') }, 'manifest.json', 'modelsBaseUrl');
    expect(resolved.files).toEqual({ 'manifest.json': 'https://example.test/app/assets/manifest-1a2b.json', 'svdd.onnx': 'https://cdn.test/svdd.onnx' });
  });

  it('says which option to give when there is neither a folder nor the required file', () => {
    vi.stubGlobal('document', { baseURI: 'https://example.test/' });
    expect(() => resolveFiles(undefined, {}, 'manifest.json', 'modelsBaseUrl')).toThrow('no manifest.json: give the modelsBaseUrl option or set env.modelsBaseUrl');
    expect(() => resolveFiles(undefined, { 'ort.min.mjs': 'https://x.test/ort.min.mjs' }, 'ort-wasm-simd-threaded.wasm', 'ortBaseUrl')).toThrow(/give the ortBaseUrl option/);
  });

  it('resolves against the script location where there is no document (a worker)', () => {
    vi.stubGlobal('document', undefined);
    vi.stubGlobal('location', { href: 'https://example.test/assets/worker.js' });
    expect(resolveFiles('../models/', {}, 'manifest.json', 'modelsBaseUrl')).toEqual({ baseUrl: 'https://example.test/models/' });
  });
});
