/// <reference types="vitest/config" />
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');

/** WASM threads (SharedArrayBuffer) need a cross-origin isolated page. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The runtime files onnxruntime-web loads at run time: the JSEP build serves both the WebGPU and the WASM EPs.
 * They are served from our own origin under ort/ (never a CDN) so the app works offline and under COEP.
 */
const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

function selfHostedOrt(): Plugin {
  return {
    name: 'self-hosted-onnxruntime',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.split('?')[0]?.match(/\/ort\/([^/]+)$/)?.[1];
        if (!name || !ORT_RUNTIME_FILES.includes(name)) return next();
        response.setHeader('Content-Type', name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        // The .mjs also starts the WASM threads' workers, which a cross-origin isolated page only runs with COEP.
        for (const [header, value] of Object.entries(isolationHeaders)) response.setHeader(header, value);
        createReadStream(path.join(ortDist, name)).pipe(response);
      });
    },
    generateBundle() {
      for (const name of ORT_RUNTIME_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(path.join(ortDist, name)) });
      }
    },
  };
}

export default defineConfig({
  // Relative URLs, so dist/ can be served from any folder.
  base: './',
  resolve: {
    // The ESM build that loads its .mjs/.wasm from ort.env.wasm.wasmPaths (ours, same origin) instead of the
    // "bundle" build, whose threads re-import the bundling chunk itself.
    alias: [{ find: /^onnxruntime-web$/, replacement: path.join(ortDist, 'ort.min.mjs') }],
  },
  plugins: [selfHostedOrt()],
  // Pre-bundle the worker's dependencies up front, so the dev server never reloads the page to add them.
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['comlink', 'idb-keyval'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      // One entry per page; embed.html joins here.
      input: { index: path.join(root, 'index.html') },
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // The real models: ONNX vs PyTorch parity, a smoke retrain, an evaluation subset.
          name: 'models',
          include: ['tests/models/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
