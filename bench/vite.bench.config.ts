/**
 * Builds bench/browser/bench.html into bench/.dist with the same onnxruntime-web build the app uses
 * (ort.min.mjs + the JSEP .mjs/.wasm, self-hosted under ort/) and the shipped models under models/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

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
  resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: path.join(ortDist, 'ort.min.mjs') }] },
  plugins: [selfHostedOrt()],
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: path.join(root, 'bench/.dist'),
    emptyOutDir: true,
    rollupOptions: { input: { bench: path.join(root, 'bench/browser/bench.html') } },
  },
});
