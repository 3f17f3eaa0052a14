/**
 * `npm run build:package`: the npm package's files, in lib/ (the page's build is dist/, vite.config.ts):
 *
 * - lib/browser/index.js: the library (src/package/browser.ts), one ES module with its dependencies inside;
 *   lib/browser/detector.worker.js and provenance.worker.js: its two workers, each one self-contained ES module;
 *   lib/browser/ort/: onnxruntime-web's plain WASM and JSEP builds' runtime files; lib/browser/c2pa.wasm. The
 *   library reaches all of them, and the models, through `new URL('…', import.meta.url)` (src/package/), which an
 *   embedder's bundler follows.
 * - lib/models/: manifest.json and the two .onnx files (public/models), for the browser library and the CLI.
 * - lib/node/: the Node entry (src/package/node.ts), the CLI (src/node/cli.ts) and the metadata reader's thread
 *   (src/detector/provenance/node.ts), ES modules for Node ≥ 20 that import their dependencies (onnxruntime-node,
 *   sharp, …: package.json's dependencies) from node_modules. No tsx at run time.
 * - lib/types/: .d.ts files for both entries (tsc, tsconfig.package.json).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';
import { ORT_JSEP_SCRIPTS, ORT_WASM_FILES, ortLoaderFile } from '../src/detector/worker/ort-builds';

const ROOT = path.resolve(import.meta.dirname, '..');
export const LIB = path.join(ROOT, 'lib');
const ortDist = path.join(ROOT, 'node_modules/onnxruntime-web/dist');
/** Both builds' files, as vite.config.ts copies them for the page (ORT_RUNTIME_FILES there). */
const ORT_RUNTIME_FILES = [...new Set([...ORT_JSEP_SCRIPTS, ortLoaderFile('wasm'), ...Object.values(ORT_WASM_FILES)])];

/** The repository's Vite-only modules, and what the package has in their place (src/package/). */
function packageModules(): Plugin {
  const fromRoot = (file: string) => ({ path: path.join(ROOT, file) });
  return {
    name: 'package-modules',
    setup(context) {
      // The workers: each spawn-worker.ts names a .ts source for Vite; the package's name the compiled workers.
      context.onResolve({ filter: /^\.\/spawn-worker$/ }, (args) =>
        fromRoot(path.basename(args.resolveDir) === 'provenance' ? 'src/package/spawn-provenance-worker.ts' : 'src/package/spawn-worker.ts'),
      );
      // Vite's `?url` import of the C2PA WebAssembly.
      context.onResolve({ filter: /^@contentauth\/c2pa-wasm\/c2pa\.wasm\?url$/ }, () => fromRoot('src/package/c2pa-wasm-url.ts'));
      // The ESM build that loads its .mjs/.wasm from ort.env.wasm.wasmPaths, as vite.config.ts aliases it.
      context.onResolve({ filter: /^onnxruntime-web\/wasm$/ }, () => ({ path: path.join(ortDist, 'ort.wasm.min.mjs') }));
    },
  };
}

async function buildBrowser(): Promise<void> {
  const out = path.join(LIB, 'browser');
  const entries: Record<string, string> = {
    index: 'src/package/browser.ts',
    'detector.worker': 'src/detector/worker/detector.worker.ts',
    'provenance.worker': 'src/detector/provenance/provenance.worker.ts',
  };
  // One bundle per file, no shared chunks: a worker is one self-contained module, which any bundler can take.
  for (const [name, entry] of Object.entries(entries)) {
    await build({
      entryPoints: { [name]: path.join(ROOT, entry) },
      outdir: out,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      define: { __FAULT_HOOKS__: 'false' },
      // Drops the fault-hook branches (and their simulate.ts import); names stay readable.
      minifySyntax: true,
      plugins: [packageModules()],
      legalComments: 'none',
      logLevel: 'warning',
    });
  }
  mkdirSync(path.join(out, 'ort'), { recursive: true });
  for (const file of ORT_RUNTIME_FILES) copyFileSync(path.join(ortDist, file), path.join(out, 'ort', file));
  copyFileSync(path.join(ROOT, 'node_modules/@contentauth/c2pa-wasm/pkg/c2pa_bg.wasm'), path.join(out, 'c2pa.wasm'));
}

function copyModels(): void {
  const out = path.join(LIB, 'models');
  mkdirSync(out, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'public/models/manifest.json'), 'utf8')) as { models: Record<string, { file: string }> };
  for (const file of ['manifest.json', ...Object.values(manifest.models).map((model) => model.file)]) copyFileSync(path.join(ROOT, 'public/models', file), path.join(out, file));
}

async function buildNode(): Promise<void> {
  await build({
    entryPoints: {
      index: path.join(ROOT, 'src/package/node.ts'),
      cli: path.join(ROOT, 'src/node/cli.ts'),
      // node-isolate.ts starts this file on a worker thread (threadSource).
      'provenance-thread': path.join(ROOT, 'src/detector/provenance/node.ts'),
    },
    outdir: path.join(LIB, 'node'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies stay imports, installed with the package (package.json dependencies).
    packages: 'external',
    define: { __FAULT_HOOKS__: 'false' },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** tsc writes extensionless relative imports (the sources' style); Node-style resolution wants the file's name. */
function addDeclarationExtensions(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      addDeclarationExtensions(full);
      continue;
    }
    if (!entry.name.endsWith('.d.ts')) continue;
    const text = readFileSync(full, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g, (match, lead: string, quote: string, specifier: string) => {
      if (/\.(js|json)$/.test(specifier)) return match;
      const target = path.resolve(path.dirname(full), specifier);
      if (existsSync(`${target}.d.ts`)) return `${lead}${quote}${specifier}.js${quote}`;
      if (existsSync(path.join(target, 'index.d.ts'))) return `${lead}${quote}${specifier}/index.js${quote}`;
      throw new Error(`${full}: cannot resolve ${specifier}`);
    });
    writeFileSync(full, text);
  }
}

function buildTypes(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.package.json')], { stdio: 'inherit' });
  addDeclarationExtensions(path.join(LIB, 'types'));
}

/** Bytes of every file under `folder`. */
export function folderBytes(folder: string): number {
  return readdirSync(folder, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(folder, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : statSync(full).size);
  }, 0);
}

export async function buildPackage(): Promise<void> {
  rmSync(LIB, { recursive: true, force: true });
  await buildBrowser();
  copyModels();
  await buildNode();
  buildTypes();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const started = performance.now();
  await buildPackage();
  process.stderr.write(`lib/: ${(folderBytes(LIB) / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
