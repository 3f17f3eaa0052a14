/// <reference types="vitest/config" />
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { headersFor, readHeaderRules } from './src/deploy/headers.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');

/** WASM threads (SharedArrayBuffer) need a cross-origin isolated page. */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The runtime files onnxruntime-web loads at run time, for its two builds the worker chooses between
 * (src/detector/worker/ort-builds.ts): the plain WASM build (14 MB .wasm) whenever WASM runs, the JSEP build (28 MB
 * .wasm, WebGPU and WASM EPs) only when WebGPU is tried. A browser downloads one of the two .wasm files, not both.
 * They are served from our own origin under ort/ (never a CDN) so the app works offline and under COEP. The JSEP
 * build's entry (ort.min.mjs) is here too, not bundled: the worker imports it by URL, so that only a browser that
 * tries WebGPU fetches it (a bundled chunk would be in every first visit's precache).
 */
const ORT_RUNTIME_FILES = [
  'ort.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

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

/** Sends the headers of public/_headers from the dev and preview servers, as a static host would. */
function deployHeaders(): Plugin {
  const apply = (request: { url?: string | undefined }, response: { setHeader(name: string, value: string): unknown }, options: { csp: boolean }) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    for (const [name, value] of Object.entries(headersFor(readHeaderRules(path.join(root, 'public/_headers')), pathname))) {
      if (name === 'Content-Security-Policy' && !options.csp) continue;
      response.setHeader(name, value);
    }
  };
  return {
    name: 'deploy-headers',
    // The dev server injects styles inline and talks to its HMR websocket: the CSP is for the built app (preview).
    configureServer(server) {
      server.middlewares.use((request, response, next) => (apply(request, response, { csp: false }), next()));
    },
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => (apply(request, response, { csp: true }), next()));
    },
  };
}

/**
 * Sets __FAULT_HOOKS__ (src/env.d.ts): the simulated WebGPU faults are compiled in on the dev server and when
 * DETECTOR_FAULT_HOOKS=1 (tests/e2e/faults.test.ts builds such a copy), never in a plain production build.
 */
function faultHooks(): Plugin {
  return {
    name: 'fault-hooks',
    config: (_, { command }) => ({
      define: { __FAULT_HOOKS__: JSON.stringify(command === 'serve' || process.env.DETECTOR_FAULT_HOOKS === '1') },
    }),
  };
}

/**
 * Names the service worker's caches: a deploy with a new version precaches into new caches and deletes the old
 * ones once the user accepts the reload. Within one version, Workbox still updates changed files by revision.
 */
const appVersion = process.env.APP_VERSION ?? (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** Names the worker's ORT cache (ort-builds.ts, ORT_CACHE_PREFIX + ort.env.versions.web). */
const ortVersion = (JSON.parse(readFileSync(path.join(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as { version: string }).version;

/**
 * The page's offline copy: app shell, JS (the plain WASM build's ORT chunk among it), CSS, icons, web manifest
 * and the plain build's small .mjs loader: what every visit runs. Nothing of the JSEP build (WebGPU): its entry and
 * loader (0.4 MB) and its 28 MB .wasm are fetched only by a worker that tries WebGPU, which keeps them in its ORT
 * cache (ort-builds.ts); the service worker answers the scripts from that cache (runtimeCaching below), the worker
 * reads the .wasm from it itself. So a first visit without WebGPU fetches one ORT bundle and one .wasm.
 */
function offlineApp() {
  return VitePWA({
    registerType: 'prompt',
    // src/app/offline.ts registers it, and only the app page does: the widget runs in other sites' frames.
    injectRegister: false,
    filename: 'sw.js',
    manifestFilename: 'manifest.webmanifest',
    // The glob below already has the icons; the plugin adds manifest.webmanifest itself.
    includeAssets: [],
    includeManifestIcons: false,
    manifest: {
      id: './',
      name: 'Deepfake detector',
      short_name: 'Deepfake check',
      description: 'Checks images for signs of generation or manipulation, entirely on this device.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#f6f7f9',
      theme_color: '#2f5bd3',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      ],
    },
    workbox: {
      cacheId: `deepfake-detector-${appVersion}`,
      cleanupOutdatedCaches: true,
      // The models are not here: the detector keeps them in IndexedDB, checked by sha256, per manifest version.
      globPatterns: ['**/*.{html,js,css,png,svg}', 'ort/ort-wasm-simd-threaded.mjs'],
      // The provenance readers (ExifReader, xmldom, the C2PA SDK's glue) load only for a file with metadata, and the
      // 9 MB C2PA .wasm only for one with Content Credentials: not precached, so a first visit stays small. The
      // provenance worker keeps what it loaded in its own cache (src/detector/provenance/browser.ts); this route
      // answers the scripts from there, like the JSEP ORT scripts (runtimeCaching below).
      globIgnores: ['models/**', 'assets/provenance.worker-*.js', 'assets/c2pa-glue-*.js'],
      // embed.html?origins=… and /?ep=wasm are the same precached files.
      ignoreURLParametersMatching: [/.*/],
      navigateFallback: 'index.html',
      // A model file or manifest opened in a tab is that file, not the app.
      navigateFallbackDenylist: [/\/models\//],
      runtimeCaching: [
        {
          urlPattern: /\/ort\/(?:ort\.min\.mjs|ort-wasm-simd-threaded\.jsep\.mjs)$/,
          handler: 'CacheFirst',
          options: { cacheName: `deepfake-detector-ort-${ortVersion}` },
        },
        {
          urlPattern: /\/assets\/(?:provenance\.worker|c2pa-glue)-[\w-]+\.js$/,
          handler: 'CacheFirst',
          // src/detector/provenance/browser.ts, PROVENANCE_CACHE.
          options: { cacheName: 'deepfake-detector-provenance' },
        },
      ],
    },
  });
}

export default defineConfig({
  // Relative URLs, so dist/ can be served from any folder.
  base: './',
  resolve: {
    // The ESM builds that load their .mjs/.wasm from ort.env.wasm.wasmPaths (ours, same origin) instead of the
    // "bundle" builds, whose threads re-import the bundling chunk itself. The app's worker bundles only the plain
    // WASM one (it imports the JSEP entry from ort/ by URL); the bench page (bench/vite.bench.config.ts) both.
    alias: [
      { find: /^onnxruntime-web$/, replacement: path.join(ortDist, 'ort.min.mjs') },
      { find: /^onnxruntime-web\/wasm$/, replacement: path.join(ortDist, 'ort.wasm.min.mjs') },
    ],
  },
  plugins: [selfHostedOrt(), deployHeaders(), faultHooks(), offlineApp()],
  // Pre-bundle the worker's dependencies up front, so the dev server never reloads the page to add them.
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['comlink', 'idb-keyval'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // No module-preload polyfill in the first visit's JavaScript: every browser this app runs in (ES2022 module
    // workers) either preloads modules itself or, without the hint, simply loads them when imported.
    modulePreload: { polyfill: false },
    rollupOptions: {
      // One entry per page; embed.html joins here.
      input: { index: path.join(root, 'index.html'), embed: path.join(root, 'embed.html') },
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
      {
        test: {
          // The packed npm package in new projects (tests/package/): installs, builds, Chromium.
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
