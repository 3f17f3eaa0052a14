/**
 * Builds bench/browser/index.html into bench/.dist with the same onnxruntime-web builds the app uses
 * (plain WASM for the WASM EP, JSEP for WebGPU; self-hosted under ort/) and the shipped models under models/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');
// The app's two builds: plain WASM (no WebGPU) and JSEP (WebGPU), each loaded only when that EP is used.
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

function selfHostedOrt(): Plugin {
  return {
    name: 'bench-self-hosted-onnxruntime',
    generateBundle() {
      for (const name of ORT_RUNTIME_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(path.join(ortDist, name)) });
      }
    },
  };
}

export default defineConfig({
  root: path.join(root, 'bench/browser'),
  base: './',
  publicDir: path.join(root, 'public'),
  resolve: {
    alias: [
      { find: /^onnxruntime-web$/, replacement: path.join(ortDist, 'ort.min.mjs') },
      { find: /^onnxruntime-web\/wasm$/, replacement: path.join(ortDist, 'ort.wasm.min.mjs') },
    ],
  },
  plugins: [selfHostedOrt()],
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: path.join(root, 'bench/.dist'),
    emptyOutDir: true,
    rollupOptions: { input: { bench: path.join(root, 'bench/browser/index.html') } },
  },
});
