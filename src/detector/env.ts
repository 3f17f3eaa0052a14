/**
 * Where the detector finds its files, for every detector made afterwards: an `env` object like transformers.js's.
 * fromPretrained's options win over it for one detector.
 *
 * - A folder (`modelsBaseUrl`, `ortBaseUrl`): manifest.json and the model files it names; onnxruntime-web's
 *   .mjs/.wasm files (node_modules/onnxruntime-web/dist/ copied to a folder of the site, for example).
 * - Or, when no folder is set, single files by name (`modelFiles`, `ortFiles`): the npm package fills these in
 *   with its own copies through `new URL('…', import.meta.url)` (src/package/bundled-assets.ts), which the
 *   embedder's bundler emits as assets, under whatever names it gives them.
 *
 * Relative URLs are resolved against the page (document.baseURI) when fromPretrained is called. Nothing here
 * reads a bundler's globals: this repository's own page and widget set their folders themselves
 * (src/ui/app-assets.ts).
 */
export interface DetectorEnv {
  /** Folder with manifest.json and the model files it names. */
  modelsBaseUrl: string | URL | undefined;
  /** Model files by name (`manifest.json` and each model's `file`), used when no models folder is set. */
  modelFiles: Record<string, string | URL>;
  /** Folder with onnxruntime-web's .mjs/.wasm files (ort.min.mjs, ort-wasm-simd-threaded[.jsep].{mjs,wasm}). */
  ortBaseUrl: string | URL | undefined;
  /** onnxruntime-web's files by name, used when no ORT folder is set. */
  ortFiles: Record<string, string | URL>;
}

export const env: DetectorEnv = {
  modelsBaseUrl: undefined,
  modelFiles: {},
  ortBaseUrl: undefined,
  ortFiles: {},
};

/** What relative URLs are relative to: the page, or, where there is no document, the script's location. */
export const pageUrl = (): string => globalThis.document?.baseURI ?? location.href;

/**
 * A folder given for this detector, else env's folder, else env's single files, which must name `required`
 * (what the worker cannot start without). Absolute URLs: `{ baseUrl, files? }` for the worker.
 */
export function resolveFiles(folder: string | URL | undefined, files: Record<string, string | URL>, required: string, setting: string): { baseUrl: string; files?: Record<string, string> } {
  const base = pageUrl();
  if (folder !== undefined) return { baseUrl: new URL(folder, base).href.replace(/\/?$/, '/') };
  if (!files[required]) throw new Error(`no ${required}: give the ${setting} option or set env.${setting}`);
  return { baseUrl: base, files: Object.fromEntries(Object.entries(files).map(([name, url]) => [name, new URL(url, base).href])) };
}
