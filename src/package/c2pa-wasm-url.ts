/**
 * In the npm package, in place of `@contentauth/c2pa-wasm/c2pa.wasm?url` (a Vite import): the C2PA SDK's
 * WebAssembly copied beside lib/browser/provenance.worker.js (scripts/build-package.ts).
 */
export default new URL('./c2pa.wasm', import.meta.url).href;
