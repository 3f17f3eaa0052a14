/** Cache policy of the model store, with an in-memory stand-in for idb-keyval and a scripted fetch. */
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/detector/manifest';
import type { DownloadProgress, KeyValueStore } from '../../src/detector/model-store';
import { ModelDownloadError, ModelIntegrityError, ModelStore, sha256Hex } from '../../src/detector/model-store';
import { manifestJson } from './helpers';

const BASE = 'https://app.example/models/';

class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  async get(key: string) {
    return this.map.get(key);
  }
  async set(key: string, value: unknown) {
    this.map.set(key, value);
  }
  async del(key: string) {
    this.map.delete(key);
  }
  async keys() {
    return [...this.map.keys()];
  }
}

class BrokenStore implements KeyValueStore {
  get = () => Promise.reject(new Error('The user denied permission to access the database.'));
  set = this.get;
  del = this.get;
  keys = this.get;
}

/** A server holding a manifest and model files; records what was asked. */
class FakeServer {
  files = new Map<string, Uint8Array>();
  manifest: Record<string, any> = {};
  requests: Array<{ url: string; cache: RequestCache | undefined }> = [];
  offline = false;

  fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    this.requests.push({ url, cache: init?.cache });
    if (this.offline) throw new TypeError('Failed to fetch');
    if (url === `${BASE}manifest.json`) return Response.json(this.manifest);
    const bytes = this.files.get(url.slice(BASE.length));
    if (!bytes) return new Response('not found', { status: 404 });
    return new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength) } });
  };

  modelRequests() {
    return this.requests.filter((request) => request.url.endsWith('.onnx')).map((request) => request.url.slice(BASE.length));
  }

  /** Publishes a model set: random bytes per file, manifest hashes to match. */
  async publish(version: string, seed: number): Promise<ModelManifest> {
    const json = manifestJson();
    json.version = version;
    for (const [index, key] of (['svdd', 'autoencoder'] as const).entries()) {
      const bytes = Uint8Array.from({ length: 3000 + index * 17 }, (_, i) => (i * 31 + seed * 7 + index) % 251);
      json.models[key].file = `${key}-${version}.onnx`;
      json.models[key].bytes = bytes.byteLength;
      json.models[key].sha256 = await sha256Hex(bytes);
      this.files.set(json.models[key].file, bytes);
    }
    this.manifest = json;
    return json as ModelManifest;
  }
}

async function load(store: ModelStore, progress: DownloadProgress[] = []) {
  const manifest = await store.loadManifest(`${BASE}manifest.json`);
  return { manifest, loaded: await store.loadModels(manifest, BASE, (event) => progress.push(event)) };
}

describe('ModelStore', () => {
  it('downloads both models once, verifies and stores them under the manifest version, and reports byte progress', async () => {
    const server = new FakeServer();
    const published = await server.publish('v1', 1);
    const storage = new MemoryStore();
    const progress: DownloadProgress[] = [];
    const { loaded } = await load(new ModelStore({ storage, fetch: server.fetch }), progress);

    expect(loaded.sources).toEqual({ svdd: 'network', autoencoder: 'network' });
    expect(loaded.bytes.svdd).toEqual(server.files.get(published.models.svdd.file));
    expect(server.modelRequests()).toEqual([published.models.svdd.file, published.models.autoencoder.file]);
    expect([...storage.map.keys()].filter((key) => key.includes('/model/')).every((key) => key.includes('/v1/'))).toBe(true);
    for (const key of ['svdd', 'autoencoder'] as const) {
      const events = progress.filter((event) => event.file === published.models[key].file);
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(Object.keys(events[0]!).sort()).toEqual(['file', 'loaded', 'total']);
      expect(events.at(-1)).toEqual({ file: published.models[key].file, loaded: published.models[key].bytes, total: published.models[key].bytes });
    }
  });

  it('reads a second load from the cache without fetching model bytes, but always asks for the manifest past the HTTP cache', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const storage = new MemoryStore();
    await load(new ModelStore({ storage, fetch: server.fetch }));
    server.requests = [];
    const progress: DownloadProgress[] = [];
    const { loaded } = await load(new ModelStore({ storage, fetch: server.fetch }), progress);
    expect(loaded.sources).toEqual({ svdd: 'cache', autoencoder: 'cache' });
    expect(server.modelRequests()).toEqual([]);
    expect(server.requests).toEqual([{ url: `${BASE}manifest.json`, cache: 'no-cache' }]);
    expect(progress.every((event) => event.loaded === event.total)).toBe(true);
  });

  it('fetches again when a cached file is corrupt', async () => {
    const server = new FakeServer();
    const published = await server.publish('v1', 1);
    const storage = new MemoryStore();
    await load(new ModelStore({ storage, fetch: server.fetch }));
    const key = [...storage.map.keys()].find((name) => name.endsWith(published.models.autoencoder.file))!;
    const entry = storage.map.get(key) as { bytes: ArrayBuffer };
    const corrupt = new Uint8Array(entry.bytes);
    corrupt[10] = corrupt[10]! ^ 0xff;
    server.requests = [];

    const { loaded } = await load(new ModelStore({ storage, fetch: server.fetch }));
    expect(loaded.sources).toEqual({ svdd: 'cache', autoencoder: 'network' });
    expect(server.modelRequests()).toEqual([published.models.autoencoder.file]);
    expect(await sha256Hex(new Uint8Array((storage.map.get(key) as { bytes: ArrayBuffer }).bytes))).toBe(published.models.autoencoder.sha256);
    expect(loaded.repaired).toEqual([published.models.autoencoder.file]);
  });

  it('fetches again when the cached entry is stale (other hash) and removes entries of older versions', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const storage = new MemoryStore();
    await load(new ModelStore({ storage, fetch: server.fetch }));
    const published = await server.publish('v2', 2);
    server.requests = [];

    const { manifest, loaded } = await load(new ModelStore({ storage, fetch: server.fetch }));
    expect(manifest.version).toBe('v2');
    expect(loaded.sources).toEqual({ svdd: 'network', autoencoder: 'network' });
    expect(server.modelRequests()).toEqual([published.models.svdd.file, published.models.autoencoder.file]);
    const modelKeys = [...storage.map.keys()].filter((key) => key.includes('/model/'));
    expect(modelKeys).toHaveLength(2);
    expect(modelKeys.every((key) => key.includes('/v2/'))).toBe(true);

    // Same version, same file name, but the manifest now names other bytes: the cached copy is not used.
    server.files.set(published.models.svdd.file, Uint8Array.from([1, 2, 3]));
    server.manifest.models.svdd.sha256 = await sha256Hex(Uint8Array.from([1, 2, 3]));
    server.manifest.models.svdd.bytes = 3;
    const again = await load(new ModelStore({ storage, fetch: server.fetch }));
    expect(again.loaded.sources.svdd).toBe('network');
    expect(Array.from(again.loaded.bytes.svdd)).toEqual([1, 2, 3]);
  });

  it('refuses downloaded bytes that do not match the manifest', async () => {
    const server = new FakeServer();
    const published = await server.publish('v1', 1);
    server.files.set(published.models.svdd.file, Uint8Array.from([9, 9, 9]));
    const storage = new MemoryStore();
    await expect(load(new ModelStore({ storage, fetch: server.fetch }))).rejects.toThrow(ModelIntegrityError);
    expect([...storage.map.keys()].some((key) => key.includes('/model/'))).toBe(false);
  });

  it('reports HTTP errors as download errors', async () => {
    const server = new FakeServer();
    const published = await server.publish('v1', 1);
    server.files.delete(published.models.autoencoder.file);
    await expect(load(new ModelStore({ storage: new MemoryStore(), fetch: server.fetch }))).rejects.toThrow(/HTTP 404/);
  });

  it('works without a cache when IndexedDB throws, and says so', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const store = new ModelStore({ storage: new BrokenStore(), fetch: server.fetch });
    const { loaded } = await load(store);
    expect(loaded.sources).toEqual({ svdd: 'network', autoencoder: 'network' });
    expect(store.cacheStatus.enabled).toBe(false);
    expect(store.cacheStatus.reason).toMatch(/denied permission/);
  });

  it('works without a cache when the storage quota is exceeded, and says the storage is full', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const storage = new MemoryStore();
    storage.set = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const store = new ModelStore({ storage, fetch: server.fetch });
    const { loaded } = await load(store);
    expect(loaded.sources).toEqual({ svdd: 'network', autoencoder: 'network' });
    expect(loaded.bytes.svdd.byteLength).toBeGreaterThan(0);
    expect(store.cacheStatus.enabled).toBe(false);
    expect(store.cacheStatus.reason).toMatch(/storage is full .*quota has been exceeded.*not kept for next time/);
  });

  it('keeps working when IndexedDB starts throwing half-way (reads work, deleting old versions throws)', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const storage = new MemoryStore();
    await load(new ModelStore({ storage, fetch: server.fetch }));
    await server.publish('v2', 2);
    storage.keys = () => Promise.reject(new DOMException('Connection to Indexed Database server lost.', 'UnknownError'));
    const store = new ModelStore({ storage, fetch: server.fetch });
    const { manifest, loaded } = await load(store);
    expect(manifest.version).toBe('v2');
    expect(loaded.sources).toEqual({ svdd: 'network', autoencoder: 'network' });
    expect(store.cacheStatus).toEqual({ enabled: false, reason: 'IndexedDB failed: Connection to Indexed Database server lost.' });
  });

  it('works without a cache when there is no IndexedDB', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const store = new ModelStore({ storage: null, fetch: server.fetch });
    await load(store);
    await load(store);
    expect(server.modelRequests()).toHaveLength(4);
    expect(store.cacheStatus).toEqual({ enabled: false, reason: 'IndexedDB is not available' });
  });

  it('uses the last good manifest and cached models when offline', async () => {
    const server = new FakeServer();
    await server.publish('v1', 1);
    const storage = new MemoryStore();
    await load(new ModelStore({ storage, fetch: server.fetch }));
    server.offline = true;
    const { manifest, loaded } = await load(new ModelStore({ storage, fetch: server.fetch }));
    expect(manifest.version).toBe('v1');
    expect(loaded.sources).toEqual({ svdd: 'cache', autoencoder: 'cache' });

    await expect(load(new ModelStore({ storage: new MemoryStore(), fetch: server.fetch }))).rejects.toThrow(ModelDownloadError);
  });
});
