/** Provenance in Node (CLI, tests): the C2PA WebAssembly read from the npm package on disk, no network. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { C2paWasm } from './c2pa';
import type { ReadProvenanceOptions } from './read';
import { readProvenance } from './read';
import type { Provenance } from './types';

let loading: Promise<C2paWasm> | null = null;

/** The same @contentauth/c2pa-wasm module the browser uses, initialised once from its .wasm file. */
export function loadC2paNode(): Promise<C2paWasm> {
  loading ??= (async () => {
    const module = await import('@contentauth/c2pa-wasm');
    const wasmPath = createRequire(import.meta.url).resolve('@contentauth/c2pa-wasm/c2pa.wasm');
    module.initSync({ module: await readFile(wasmPath) });
    return module as unknown as C2paWasm;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

export function readProvenanceNode(bytes: Uint8Array, options: Partial<ReadProvenanceOptions> = {}): Promise<Provenance> {
  return readProvenance(bytes, { loadC2pa: loadC2paNode, ...options });
}
