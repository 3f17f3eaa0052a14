/**
 * The C2PA SDK's wasm-bindgen glue, as one lazily imported chunk of the provenance worker (browser.ts imports it
 * only for a file with a C2PA marker). Its own URL is exported so the worker can keep the chunk for offline use.
 */
export { WasmReader, default } from '@contentauth/c2pa-wasm';
export const GLUE_URL = import.meta.url;
