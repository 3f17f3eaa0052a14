/**
 * onnxruntime-web's two builds in the worker, imported only when needed: the plain WASM build (ort.wasm.min.mjs +
 * ort-wasm-simd-threaded.wasm, 14 MB) whenever WASM is the choice, and the JSEP build (ort.min.mjs +
 * ort-wasm-simd-threaded.jsep.wasm, 28 MB) only when a WebGPU adapter exists and WebGPU is tried. The .wasm is kept
 * in Cache Storage (see cachedWasmBinary) so that it is downloaded once and the app works offline with whichever
 * build this browser used.
 *
 * The plain build is bundled (a chunk the service worker precaches: every visit may need it); the JSEP build's
 * entry is not: it is imported by URL from the ORT folder, so that no first visit without WebGPU fetches it, and
 * kept for offline use next to its .wasm (see keepJsepForOffline).
 *
 * Where the files are: a folder (`ortBaseUrl`, the app's self-hosted ort/) or, per file, `ortFiles` (the package,
 * whose files a bundler renames: src/package/bundled-assets.ts). Each file's URL is `ortFiles[name]` when given,
 * else `name` under `ortBaseUrl`.
 */
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelKey } from '../manifest';
import type { OrtModuleLike, OrtSessionLike } from '../model-run';
import { createSessions as createModelSessions } from '../model-run';
import type { ExecutionProvider } from '../protocol';

/** One of onnxruntime-web's ESM entry points (vite.config.ts aliases both to the non-bundled builds). */
export type Ort = typeof import('onnxruntime-web');
export type Sessions = Record<ModelKey, InferenceSession>;
export type OrtModule = OrtModuleLike<InferenceSession & OrtSessionLike>;

/** 'wasm': WASM EP only; 'jsep': WebGPU and WASM EPs. */
export type OrtBuild = 'wasm' | 'jsep';

/** The .wasm each build loads from the ORT folder. */
export const ORT_WASM_FILES = {
  wasm: 'ort-wasm-simd-threaded.wasm',
  jsep: 'ort-wasm-simd-threaded.jsep.wasm',
} as const satisfies Record<OrtBuild, string>;

/** The .mjs loader each build imports for its .wasm: the same name, .mjs (found by the build from wasmPaths). */
export const ortLoaderFile = <Build extends OrtBuild>(build: Build) => ORT_WASM_FILES[build].replace(/wasm$/, 'mjs') as OrtLoaderFiles[Build];
type OrtLoaderFiles = { wasm: 'ort-wasm-simd-threaded.mjs'; jsep: 'ort-wasm-simd-threaded.jsep.mjs' };

/**
 * The JSEP build's two JavaScript files in the ORT folder (vite.config.ts copies them there): its entry, and the
 * loader the entry imports for its .wasm. Neither is precached; the worker keeps them in the ORT cache and the
 * service worker answers them from there (vite.config.ts, runtimeCaching).
 */
export const ORT_JSEP_SCRIPTS = ['ort.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs'] as const;

/** Every file of the ORT folder, by name: what `ortFiles` may name. */
export type OrtFileName = (typeof ORT_JSEP_SCRIPTS)[number] | OrtLoaderFiles[OrtBuild] | (typeof ORT_WASM_FILES)[OrtBuild];

/** Cache Storage name for the ORT .wasm files, per ORT version; older versions' caches are deleted. */
export const ORT_CACHE_PREFIX = 'deepfake-detector-ort-';

export interface OrtLoadOptions {
  /** Absolute URL of the folder with onnxruntime-web's .mjs/.wasm files. */
  ortBaseUrl: string;
  /** Absolute URLs of single files, overriding the folder. */
  ortFiles?: Partial<Record<OrtFileName, string>>;
  wasmThreads?: number;
  /** false: never keep the ORT .wasm in Cache Storage (the page's `?cache=off`). */
  cache?: boolean;
}

/** Where one ORT file is: its own URL when given, else its name in the ORT folder. */
export function ortFileUrl(name: OrtFileName, options: Pick<OrtLoadOptions, 'ortBaseUrl' | 'ortFiles'>): string {
  return options.ortFiles?.[name] ?? new URL(name, options.ortBaseUrl).href;
}

/**
 * WASM threads: the request (default 2), at least 1 and at most the device's cores, since each is a pthread worker
 * and `?threads=500` in a link must not start hundreds of them. More than 1 needs SharedArrayBuffer, i.e. a
 * cross-origin isolated page.
 */
export function wasmThreadCount(requested: number | undefined, crossOriginIsolated: boolean, cores: number): number {
  if (!crossOriginIsolated) return 1;
  const wanted = Number.isFinite(requested) ? Math.floor(requested!) : 2;
  return Math.max(1, Math.min(wanted, Math.max(1, cores || 1)));
}

export function threadCount(options: Pick<OrtLoadOptions, 'wasmThreads'>): number {
  return wasmThreadCount(options.wasmThreads, self.crossOriginIsolated, navigator.hardwareConcurrency);
}

const ortBuilds = new Map<OrtBuild, Promise<Ort>>();

/** Imports one ORT build and sets its env (read when its first session is created), once per worker. */
export function loadOrt(build: OrtBuild, options: OrtLoadOptions): Promise<Ort> {
  let loading = ortBuilds.get(build);
  if (!loading) {
    loading = (async () => {
      const ort: Ort =
        build === 'jsep'
          ? ((await import(/* @vite-ignore */ ortFileUrl(ORT_JSEP_SCRIPTS[0], options))) as Ort)
          : await import('onnxruntime-web/wasm');
      // A folder, or this build's two files by their own URLs.
      ort.env.wasm.wasmPaths = options.ortFiles ? { mjs: ortFileUrl(ortLoaderFile(build), options), wasm: ortFileUrl(ORT_WASM_FILES[build], options) } : options.ortBaseUrl;
      ort.env.wasm.numThreads = threadCount(options);
      // Already in a worker: no second proxy worker.
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      const version = ort.env.versions.web ?? 'unversioned';
      const [binary] = options.cache === false
        ? [undefined]
        : await Promise.all([
            cachedWasmBinary(ortFileUrl(ORT_WASM_FILES[build], options), version),
            build === 'jsep' ? keepJsepForOffline(options, version) : undefined,
          ]);
      if (binary) ort.env.wasm.wasmBinary = binary;
      return ort;
    })();
    loading.catch(() => ortBuilds.delete(build));
    ortBuilds.set(build, loading);
  }
  return loading;
}

const isWasm = (bytes: ArrayBuffer) => bytes.byteLength > 8 && new Uint32Array(bytes, 0, 1)[0] === 0x6d736100; // "\0asm"

/**
 * The ORT .wasm from Cache Storage, else downloaded once and put there. The worker does this itself rather than
 * leaving it to the service worker: on the first visit the page (and so this worker) is not yet controlled by it,
 * and the service worker precaches no .wasm, so each browser keeps only the build it runs. Offline, this same cache
 * answers. Undefined (ORT then fetches the file itself, as usual) where Cache Storage is missing or failing.
 */
async function cachedWasmBinary(url: string, ortVersion: string): Promise<ArrayBuffer | undefined> {
  if (typeof caches === 'undefined') return undefined;
  const name = `${ORT_CACHE_PREFIX}${ortVersion}`;
  try {
    const cache = await caches.open(name);
    void caches
      .keys()
      .then((names) => Promise.all(names.filter((other) => other.startsWith(ORT_CACHE_PREFIX) && other !== name).map((other) => caches.delete(other))))
      .catch(() => undefined);
    const hit = await cache.match(url);
    if (hit?.ok) {
      const bytes = await hit.arrayBuffer();
      if (isWasm(bytes)) return bytes;
      await cache.delete(url);
    }
    const response = await fetch(url);
    if (!response.ok) return undefined;
    const bytes = await response.arrayBuffer();
    if (!isWasm(bytes)) return undefined;
    // A full quota only costs the offline copy.
    await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } })).catch(() => undefined);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * Puts the JSEP build's scripts in the ORT cache, where the service worker finds them offline. Only the worker can
 * do this on the first visit: the page, and so this worker, is not controlled by the service worker yet. Costs
 * one more request per script, once per browser and ORT version (the import above fetched them already, outside
 * Cache Storage). Best effort: a failure only costs the offline copy.
 */
async function keepJsepForOffline(options: OrtLoadOptions, ortVersion: string): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const cache = await caches.open(`${ORT_CACHE_PREFIX}${ortVersion}`);
    for (const name of ORT_JSEP_SCRIPTS) {
      const url = ortFileUrl(name, options);
      if (!(await cache.match(url))) await cache.add(url);
    }
  } catch {
    // No Cache Storage, a full quota, or offline: the online path is unaffected.
  }
}

/** Both models' sessions on one build and execution provider. */
export function createSessions(ort: Ort, modelBytes: Record<ModelKey, Uint8Array>, provider: ExecutionProvider): Promise<Sessions> {
  return createModelSessions(ort as unknown as OrtModule, modelBytes, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Errors only: ORT warns about shape ops it places on the CPU on purpose.
    logSeverityLevel: 3,
  });
}
