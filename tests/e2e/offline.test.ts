/**
 * Offline use of the built app in Chromium: after one visit the service worker has the app shell, the JS/CSS and
 * the plain ORT build's small .mjs loader, the worker has kept the one ORT .wasm it ran (the plain WASM build here:
 * no WebGPU) in Cache Storage (with WebGPU: the JSEP build's .wasm and both its scripts), IndexedDB has the models, and a reload with the network gone still scores an image. A deploy
 * with a new version precaches into new caches, offers a reload (never forces one) and then drops the old caches.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/detector/manifest';
import type { StaticServer } from './harness';
import { DIST, ROOT, checkFiles, launchChromium, openApp, serveDist } from './harness';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

/** Resolves once the service worker is active, i.e. everything it precaches is in the cache. */
const serviceWorkerReady = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.state;
  });

const cacheNames = (page: Page) => page.evaluate(() => caches.keys());

/** URL paths in one cache. */
const cachedPaths = (page: Page, name: string) =>
  page.evaluate(async (cacheName) => (await (await caches.open(cacheName)).keys()).map((request) => new URL(request.url).pathname), name);

describe('offline after the first visit', () => {
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveDist();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reloads and scores an image with the network gone', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openApp(page, server.origin, '?ep=wasm');
    expect(await serviceWorkerReady(page)).toBe('activated');
    await page.waitForFunction(() => document.body.dataset.offlineReady === 'true');
    expect(await page.locator('#offline-banner').textContent()).toContain('offline');

    const names = await cacheNames(page);
    const precache = names.find((name) => /^deepfake-detector-.+-precache-v2-/.test(name));
    expect(precache, names.join(', ')).toBeDefined();
    const cached = await cachedPaths(page, precache!);
    // The app shell, the worker and the plain ORT build's .mjs loader, no ORT .wasm (28 MB for JSEP, 14 MB plain):
    // the worker keeps the one it runs; nothing of the JSEP build (WebGPU); models stay in IndexedDB only.
    for (const file of ['/index.html', '/embed.html', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png']) {
      expect(cached).toContain(file);
    }
    expect(cached.some((file) => /\/assets\/detector\.worker-.+\.js$/.test(file))).toBe(true);
    expect(cached.filter((file) => file.startsWith('/ort/')).sort()).toEqual(['/ort/ort-wasm-simd-threaded.mjs']);
    expect(cached.filter((file) => /ort\.min|jsep/.test(file))).toEqual([]);
    expect(cached.filter((file) => file.startsWith('/models/'))).toEqual([]);
    // The worker's own cache of the .wasm it ran: the plain WASM build; a WASM-only visit never asks for the JSEP one.
    const ortCaches = names.filter((name) => name.startsWith('deepfake-detector-ort-'));
    expect(ortCaches).toHaveLength(1);
    expect(await cachedPaths(page, ortCaches[0]!)).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
    expect(server.requests.filter((request) => request.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);

    // Installable: a linked web manifest with 192 and 512 px PNG icons.
    const webManifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? ((await (await fetch(link.href)).json()) as { display: string; icons: Array<{ sizes: string; type: string }> }) : null;
    });
    expect(webManifest?.display).toBe('standalone');
    expect(webManifest?.icons.filter((icon) => icon.type === 'image/png').map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    // Both: DevTools' offline emulation does not cover the browser's own service worker update checks.
    await context.setOffline(true);
    await server.close();
    const failed: string[] = [];
    context.on('requestfailed', (request) => failed.push(new URL(request.url()).pathname));
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true' || !document.getElementById('fatal-error')!.hidden, null, { timeout: 180_000 });
    expect(await page.locator('#fatal-error').isHidden()).toBe(true);
    // The page came from the service worker, the models from IndexedDB, and the manifest from the model store's
    // last good copy: its network fetch failed.
    expect(failed).toContain('/models/manifest.json');
    expect(await page.locator('#cache-status').textContent()).toContain('loaded from this device');
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(DIST, 'models/manifest.json'), 'utf8')));
    expect(await page.locator('#model-version').textContent()).toBe(manifest.version);

    const [card] = await checkFiles(page, ['cifar10_test_0.png']);
    expect(card).toMatchObject({ verdict: 'real', executionProvider: 'wasm', error: null });
    // Query strings still find the precached page (embed.html?origins=… works offline too).
    await page.goto(`${server.origin}/embed.html?ep=wasm&theme=dark`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 180_000 });
    expect(await page.locator('#status').textContent()).toMatch(/^WASM/);
    await context.close();
  });
});

describe('offline after a first visit on WebGPU (SwiftShader here)', () => {
  it('keeps the JSEP build the worker ran, and reloads on WebGPU with the network gone', async () => {
    const server = await serveDist();
    const gpuBrowser = await launchChromium();
    try {
      const context = await gpuBrowser.newContext();
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=webgpu');
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebGPU/);
      expect(await serviceWorkerReady(page)).toBe('activated');
      const ortCaches = (await cacheNames(page)).filter((name) => name.startsWith('deepfake-detector-ort-'));
      expect(ortCaches).toHaveLength(1);
      // The JSEP build's .wasm and both its scripts (not precached): the worker kept them for offline use.
      expect((await cachedPaths(page, ortCaches[0]!)).sort()).toEqual(['/ort/ort-wasm-simd-threaded.jsep.mjs', '/ort/ort-wasm-simd-threaded.jsep.wasm', '/ort/ort.min.mjs']);
      expect(server.requests.filter((request) => request.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.jsep.wasm']);

      await context.setOffline(true);
      await server.close();
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true' || !document.getElementById('fatal-error')!.hidden, null, { timeout: 180_000 });
      expect(await page.locator('#fatal-error').isHidden()).toBe(true);
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebGPU/);
      const [card] = await checkFiles(page, ['cifar10_test_0.png']);
      expect(card).toMatchObject({ verdict: 'real', executionProvider: 'webgpu', error: null });
      await context.close();
    } finally {
      await gpuBrowser.close();
      await server.close().catch(() => undefined);
    }
  });
});

describe('a deploy with a new version', () => {
  let server: StaticServer;
  let nextBuild: string;

  beforeAll(async () => {
    // The same sources built as another version: only the cache names (and the service worker) differ.
    nextBuild = mkdtempSync(path.join(tmpdir(), 'deepfake-next-'));
    execFileSync('npx', ['vite', 'build', '--outDir', nextBuild, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      env: { ...process.env, APP_VERSION: 'e2e-next', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      stdio: 'inherit',
    });
    server = await serveDist();
  });

  afterAll(async () => {
    await server?.close();
    rmSync(nextBuild, { recursive: true, force: true });
  });

  it('precaches into new caches, offers a reload instead of forcing it, then deletes the old caches', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openApp(page, server.origin, '?ep=wasm');
    await serviceWorkerReady(page);
    // A returning visitor: the page is controlled by the service worker.
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && navigator.serviceWorker.controller !== null, null, { timeout: 180_000 });
    const oldCaches = (await cacheNames(page)).filter((name) => name.includes('-precache-'));
    expect(oldCaches.length).toBeGreaterThan(0);
    expect(oldCaches.some((name) => name.includes('e2e-next'))).toBe(false);

    server.setRoot(nextBuild);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const banner = page.locator('#update-banner');
    await banner.waitFor({ state: 'visible', timeout: 120_000 });
    expect(await banner.textContent()).toContain('new version');
    // Offered, not forced: the page has not reloaded and the old caches still serve it.
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('true');
    const whileWaiting = await cacheNames(page);
    for (const name of oldCaches) expect(whileWaiting).toContain(name);
    expect(whileWaiting.some((name) => name.startsWith('deepfake-detector-e2e-next-precache-v2-'))).toBe(true);

    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await banner.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 180_000 });
    const after = (await cacheNames(page)).filter((name) => name.includes('-precache-'));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((name) => name.startsWith('deepfake-detector-e2e-next-precache-v2-'))).toBe(true);
    for (const name of oldCaches) expect(after).not.toContain(name);
    expect(await page.locator('#update-banner').count()).toBe(0);
    await context.close();
  });
});
