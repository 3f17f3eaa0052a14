/**
 * The files the npm package carries, found the way bundlers find files: `new URL('literal', import.meta.url)`,
 * which Vite, webpack 5, Parcel and others emit as assets of the embedder's build (under names of their own) and
 * which works unbundled too (a page importing lib/browser/index.js from a server). The paths are relative to the
 * built file, lib/browser/index.js (scripts/build-package.ts lays out lib/browser/ort/ and lib/models/), not to
 * this source file; esbuild leaves these expressions as they are. tests/unit/package-layout.test.ts checks that
 * each names a file the build writes.
 */
export function bundledModelFiles(): Record<string, string> {
  return {
    'manifest.json': new URL('../models/manifest.json', import.meta.url).href,
    'svdd.onnx': new URL('../models/svdd.onnx', import.meta.url).href,
    'autoencoder.onnx': new URL('../models/autoencoder.onnx', import.meta.url).href,
  };
}

export function bundledOrtFiles(): Record<string, string> {
  return {
    'ort-wasm-simd-threaded.mjs': new URL('./ort/ort-wasm-simd-threaded.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.wasm': new URL('./ort/ort-wasm-simd-threaded.wasm', import.meta.url).href,
    'ort.min.mjs': new URL('./ort/ort.min.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.jsep.mjs': new URL('./ort/ort-wasm-simd-threaded.jsep.mjs', import.meta.url).href,
    'ort-wasm-simd-threaded.jsep.wasm': new URL('./ort/ort-wasm-simd-threaded.jsep.wasm', import.meta.url).href,
  };
}
