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

/** Files of one kind: a folder, or absolute URLs by name (with `base`, the folder new names resolve in). */
export interface ResolvedFiles {
  baseUrl: string;
  files?: Record<string, string>;
}

/** What relative URLs are relative to: the page, or, where there is no document, the script's location. */
export function pageUrl(): string {
  const document = (globalThis as { document?: { baseURI?: string } }).document;
  const location = (globalThis as { location?: { href?: string } }).location;
  const base = document?.baseURI ?? location?.href;
  if (!base) throw new Error('the detector runs in a page or a worker: there is no location to resolve URLs against');
  return base;
}

const folder = (url: string | URL, base: string) => new URL(url, base).href.replace(/\/?$/, '/');

/**
 * A folder given for this detector, else env's folder, else env's single files (which must name `required`);
 * `setting` names the option in the error when there is none of them.
 */
export function resolveFiles(option: string | URL | undefined, envFolder: string | URL | undefined, envFiles: Record<string, string | URL>, required: readonly string[], setting: 'modelsBaseUrl' | 'ortBaseUrl'): ResolvedFiles {
  const base = pageUrl();
  const chosen = option ?? envFolder;
  if (chosen !== undefined) return { baseUrl: folder(chosen, base) };
  const names = Object.keys(envFiles);
  const missing = required.filter((name) => !names.includes(name));
  if (names.length === 0 || missing.length > 0) {
    const lacking = names.length > 0 ? ` (env's files lack ${missing.join(', ')})` : '';
    throw new Error(`no location for the detector's ${setting === 'modelsBaseUrl' ? 'models' : 'ONNX Runtime files'}: pass the ${setting} option or set env.${setting}${lacking}`);
  }
  const files = Object.fromEntries(Object.entries(envFiles).map(([name, url]) => [name, new URL(url, base).href]));
  return { baseUrl: new URL('./', files[required[0]!]!).href, files };
}
