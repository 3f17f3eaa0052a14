/**
 * The C2PA WebAssembly in the browser: self-hosted (Vite emits the SDK's .wasm as an asset of this app, never a
 * CDN), fetched only when a file carries a C2PA marker, and kept in Cache Storage like the ORT runtime
 * (worker/ort-builds.ts, cachedWasmBinary), so it is downloaded once and works offline. The service worker does not
 * precache it (9 MB that most visitors never need); it answers the provenance scripts from this same cache
 * (vite.config.ts, runtimeCaching), since a worker cannot hand its own module imports to itself.
 */
import c2paWasmUrl from '@contentauth/c2pa-wasm/c2pa.wasm?url';
import type { C2paWasm } from './c2pa';

/** Cache Storage name shared with the service worker's runtime route (vite.config.ts). */
export const PROVENANCE_CACHE = 'deepfake-detector-provenance';

const isWasm = (bytes: ArrayBuffer) => bytes.byteLength > 8 && new Uint32Array(bytes, 0, 1)[0] === 0x6d736100; // "\0asm"

/** Files of an older build of the same kind as `url` (same name before the content hash). */
function sameKind(a: string, b: string): boolean {
  const stem = (url: string) => new URL(url).pathname.replace(/-[\w-]{8,}(\.\w+)$/, '$1');
  return stem(a) === stem(b);
}

/**
 * Puts `urls` (already fetched by the browser, so from the HTTP cache) into the provenance cache and drops older
 * builds of the same files. Best effort: a full quota or no Cache Storage only costs the offline copy.
 */
export async function keepForOffline(urls: string[]): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const cache = await caches.open(PROVENANCE_CACHE);
    const kept = await cache.keys();
    await Promise.all(kept.filter((request) => urls.some((url) => request.url !== url && sameKind(request.url, url))).map((request) => cache.delete(request)));
    for (const url of urls) {
      if (!(await cache.match(url))) await cache.add(url);
    }
  } catch {
    // Offline copy only.
  }
}

async function wasmBytes(url: string): Promise<ArrayBuffer> {
  if (typeof caches !== 'undefined') {
    try {
      const hit = await (await caches.open(PROVENANCE_CACHE)).match(url);
      if (hit?.ok) {
        const bytes = await hit.arrayBuffer();
        if (isWasm(bytes)) return bytes;
      }
    } catch {
      // Fetch it instead.
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the Content Credentials reader could not be loaded (HTTP ${response.status})`);
  const bytes = await response.arrayBuffer();
  if (!isWasm(bytes)) throw new Error('the Content Credentials reader could not be loaded (not WebAssembly)');
  if (typeof caches !== 'undefined') {
    caches
      .open(PROVENANCE_CACHE)
      .then(async (cache) => {
        await cache.put(url, new Response(bytes.slice(0), { headers: { 'Content-Type': 'application/wasm' } }));
        await keepForOffline([url]);
      })
      .catch(() => undefined);
  }
  return bytes;
}

let loading: Promise<C2paWasm> | null = null;

export function loadC2paBrowser(): Promise<C2paWasm> {
  loading ??= (async () => {
    const url = new URL(c2paWasmUrl, self.location.href).href;
    const [glue, bytes] = await Promise.all([import('./c2pa-glue'), wasmBytes(url)]);
    await glue.default({ module_or_path: bytes });
    void keepForOffline([glue.GLUE_URL]);
    return glue as unknown as C2paWasm;
  })();
  loading.catch(() => (loading = null));
  return loading;
}
