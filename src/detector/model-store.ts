/**
 * Model files: fetched once from the app's own origin, kept in IndexedDB under the manifest version, checked
 * against the manifest's sha256 before every use. Storage that is missing or throws (private windows, some
 * iframes, a full disk) degrades to "no cache", never to a failure.
 *
 * Storage, fetch and hashing are injected so the cache policy can be unit-tested without a browser.
 */
import type { ModelKey, ModelManifest } from './manifest';
import { MODEL_KEYS, parseManifest } from './manifest';

/** The one progress shape for every download, so any UI can draw a bar. Bytes. */
export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number;
}
export type ProgressCallback = (progress: DownloadProgress) => void;

/** The subset of idb-keyval the store needs. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<IDBValidKey[]>;
}

export interface CacheStatus {
  /** Whether model files are being read from / written to IndexedDB. */
  enabled: boolean;
  /** Why not, when not. */
  reason?: string;
}

export type ModelSource = 'cache' | 'network';

export interface LoadedModels {
  bytes: Record<ModelKey, Uint8Array>;
  sources: Record<ModelKey, ModelSource>;
  /** Files whose cached copy failed its sha256 check (corrupt) and was downloaded again. */
  repaired: string[];
}

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError';
}

interface CachedModel {
  sha256: string;
  bytes: ArrayBuffer;
}

const KEY_PREFIX = 'ensemble-deepfake-detector';
const modelKey = (version: string, file: string) => `${KEY_PREFIX}/model/${version}/${file}`;
const manifestKey = (manifestUrl: string) => `${KEY_PREFIX}/manifest/${manifestUrl}`;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export interface ModelStoreOptions {
  /** null: run without a cache. */
  storage: KeyValueStore | null;
  /** Why there is no storage, for cacheStatus. */
  noStorageReason?: string;
  fetch?: typeof fetch;
  sha256?: (bytes: Uint8Array) => Promise<string>;
}

export class ModelStore {
  readonly #fetch: typeof fetch;
  readonly #sha256: (bytes: Uint8Array) => Promise<string>;
  #storage: KeyValueStore | null;
  #status: CacheStatus;

  constructor(options: ModelStoreOptions) {
    this.#storage = options.storage;
    this.#fetch = options.fetch ?? ((...args) => fetch(...args));
    this.#sha256 = options.sha256 ?? sha256Hex;
    this.#status = options.storage ? { enabled: true } : { enabled: false, reason: options.noStorageReason ?? 'IndexedDB is not available' };
  }

  get cacheStatus(): CacheStatus {
    return { ...this.#status };
  }

  /**
   * The manifest, always asked from the server past the HTTP cache; the last good copy is used only when the
   * server cannot be reached (offline).
   */
  async loadManifest(manifestUrl: string): Promise<ModelManifest> {
    let response: Response;
    try {
      response = await this.#fetch(manifestUrl, { cache: 'no-cache' });
    } catch (networkError) {
      const cached = await this.#read(manifestKey(manifestUrl));
      if (cached !== undefined) return parseManifest(cached);
      throw new ModelDownloadError(`could not fetch ${manifestUrl}: ${String(networkError)}`);
    }
    if (!response.ok) throw new ModelDownloadError(`could not fetch ${manifestUrl}: HTTP ${response.status}`);
    const json: unknown = await response.json();
    const manifest = parseManifest(json);
    await this.#write(manifestKey(manifestUrl), json);
    return manifest;
  }

  /**
   * Both model files for this manifest: cached copies that still match their sha256, else downloads, from the
   * folder `models` or from where `models(file)` says.
   */
  async loadModels(manifest: ModelManifest, models: string | ((file: string) => string), onProgress?: ProgressCallback): Promise<LoadedModels> {
    const urlOf = typeof models === 'string' ? (file: string) => new URL(file, models).href : models;
    const bytes = {} as Record<ModelKey, Uint8Array>;
    const sources = {} as Record<ModelKey, ModelSource>;
    const repaired: string[] = [];
    for (const key of MODEL_KEYS) {
      const facts = manifest.models[key];
      const storageKey = modelKey(manifest.version, facts.file);
      const cached = (await this.#read(storageKey)) as CachedModel | undefined;
      if (cached && cached.sha256 === facts.sha256 && cached.bytes instanceof ArrayBuffer) {
        const cachedBytes = new Uint8Array(cached.bytes);
        if ((await this.#sha256(cachedBytes)) === facts.sha256) {
          bytes[key] = cachedBytes;
          sources[key] = 'cache';
          onProgress?.({ file: facts.file, loaded: cachedBytes.byteLength, total: cachedBytes.byteLength });
          continue;
        }
        repaired.push(facts.file);
      }
      // Missing, stale (other hash) or corrupt: fetch again and replace.
      if (cached !== undefined) await this.#delete(storageKey);
      const downloaded = await this.#download(urlOf(facts.file), facts.file, facts.bytes, onProgress);
      const digest = await this.#sha256(downloaded);
      if (digest !== facts.sha256) {
        throw new ModelIntegrityError(
          `${facts.file}: downloaded bytes have sha256 ${digest}, the manifest says ${facts.sha256}. ` +
            'The model files and manifest.json on the server do not belong together.',
        );
      }
      await this.#write(storageKey, { sha256: facts.sha256, bytes: downloaded.slice().buffer } satisfies CachedModel);
      bytes[key] = downloaded;
      sources[key] = 'network';
    }
    await this.#removeOtherVersions(manifest);
    return { bytes, sources, repaired };
  }

  async #download(url: string, file: string, expectedBytes: number, onProgress?: ProgressCallback): Promise<Uint8Array> {
    let response: Response;
    try {
      // The URL is versioned only through the manifest; skip the HTTP cache so a retrained model is seen.
      response = await this.#fetch(url, { cache: 'no-cache' });
    } catch (networkError) {
      throw new ModelDownloadError(`could not fetch ${url}: ${String(networkError)}`);
    }
    if (!response.ok) throw new ModelDownloadError(`could not fetch ${url}: HTTP ${response.status}`);
    const header = Number(response.headers.get('content-length'));
    const total = Number.isFinite(header) && header > 0 ? header : expectedBytes;
    onProgress?.({ file, loaded: 0, total });
    if (!response.body) {
      const whole = new Uint8Array(await response.arrayBuffer());
      onProgress?.({ file, loaded: whole.byteLength, total: Math.max(total, whole.byteLength) });
      return whole;
    }
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ file, loaded, total: Math.max(total, loaded) });
    }
    const whole = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return whole;
  }

  async #removeOtherVersions(manifest: ModelManifest): Promise<void> {
    if (!this.#storage) return;
    const current = `${KEY_PREFIX}/model/${manifest.version}/`;
    try {
      for (const key of await this.#storage.keys()) {
        if (typeof key === 'string' && key.startsWith(`${KEY_PREFIX}/model/`) && !key.startsWith(current)) {
          await this.#storage.del(key);
        }
      }
    } catch (error) {
      this.#disable(error);
    }
  }

  async #read(key: string): Promise<unknown> {
    if (!this.#storage) return undefined;
    try {
      return await this.#storage.get(key);
    } catch (error) {
      this.#disable(error);
      return undefined;
    }
  }

  async #write(key: string, value: unknown): Promise<void> {
    if (!this.#storage) return;
    try {
      await this.#storage.set(key, value);
    } catch (error) {
      this.#disable(error);
    }
  }

  async #delete(key: string): Promise<void> {
    if (!this.#storage) return;
    try {
      await this.#storage.del(key);
    } catch (error) {
      this.#disable(error);
    }
  }

  #disable(error: unknown): void {
    this.#storage = null;
    const detail = error instanceof Error ? error.message : String(error);
    const full = error instanceof Error && (error.name === 'QuotaExceededError' || /quota/i.test(detail));
    this.#status = {
      enabled: false,
      reason: full ? `the browser's storage is full (${detail}): the models are not kept for next time` : `IndexedDB failed: ${detail}`,
    };
  }
}

/** The browser's IndexedDB through idb-keyval, or null and the reason where it cannot be used. */
export async function openBrowserStorage(): Promise<{ storage: KeyValueStore | null; reason?: string }> {
  if (typeof indexedDB === 'undefined') return { storage: null, reason: 'IndexedDB is not available' };
  const idb = await import('idb-keyval');
  try {
    const store = idb.createStore(KEY_PREFIX, 'files');
    // Opening is lazy; touch it once so a blocked database shows up here rather than mid-load.
    await idb.get('probe', store);
    return {
      storage: {
        get: (key) => idb.get(key, store),
        set: (key, value) => idb.set(key, value, store),
        del: (key) => idb.del(key, store),
        keys: () => idb.keys(store),
      },
    };
  } catch (error) {
    return { storage: null, reason: `IndexedDB could not be opened: ${error instanceof Error ? error.message : String(error)}` };
  }
}
