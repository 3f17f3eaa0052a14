/**
 * End-to-end harness: serves the built app (dist/) with COOP/COEP from a plain Node HTTP server, records every
 * request path, and drives Debian's Chromium through playwright-core.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { headersFor, readHeaderRules } from '../../src/deploy/headers';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST = path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServer {
  origin: string;
  /** Paths of every request served, in order. */
  requests: string[];
  /** Serves another build from now on, at the same origin: a new deploy. */
  setRoot(root: string): void;
  close(): Promise<void>;
}

/** Serves a build with the headers of its _headers file (public/_headers), as a static host would. */
export async function serveDist(initialRoot = DIST): Promise<StaticServer> {
  let root = initialRoot;
  if (!existsSync(path.join(root, 'index.html'))) throw new Error(`${root} has no index.html: run npm run build first`);
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(pathname);
    const file = path.join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    const rules = existsSync(path.join(root, '_headers')) ? readHeaderRules(path.join(root, '_headers')) : [];
    for (const [name, value] of Object.entries(headersFor(rules, pathname))) response.setHeader(name, value);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    response.setHeader('Content-Length', statSync(file).size);
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    setRoot: (next) => {
      root = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open, and keep the origin reachable.
        server.closeAllConnections();
      }),
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/**
 * With RECORD_RESULTS=1, writes what a test measured (heap, throughput) to bench/results/<date>.<name>.json, beside
 * `npm run bench`'s files, with the machine, browser and model version: the README quotes these files, never a
 * console line, and tests/unit/readme-figures.test.ts checks that it does. Without it (every ordinary run) nothing
 * is written, so a test run never changes the files the README quotes. Returns the file written, or null.
 */
export function writeResults(name: string, browser: Browser, figures: Record<string, unknown>): string | null {
  if (process.env.RECORD_RESULTS !== '1') return null;
  const date = new Date().toISOString();
  const manifest = JSON.parse(readFileSync(path.join(DIST, 'models/manifest.json'), 'utf8')) as { version: string };
  const file = path.join(ROOT, 'bench/results', `${date.slice(0, 10)}.${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, browser: `Chromium ${browser.version()}` };
  writeFileSync(file, `${JSON.stringify({ date, machine, modelVersion: manifest.version, ...figures }, null, 2)}\n`);
  return file;
}

export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = options.webgpu === false ? CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu') : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

/**
 * Counts messages the page posts to any Worker: the detector only talks to its worker to load or score, so
 * zero new messages means zero inference.
 */
export async function countWorkerMessages(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const original = Worker.prototype.postMessage;
    (window as unknown as { __workerMessages: number }).__workerMessages = 0;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      (window as unknown as { __workerMessages: number }).__workerMessages++;
      return original.apply(this, args as never);
    } as Worker['postMessage'];
  });
}

export const workerMessages = (page: Page) => page.evaluate(() => (window as unknown as { __workerMessages: number }).__workerMessages);

/** Opens the app and waits until both models are loaded and warmed up. */
export async function openApp(page: Page, origin: string, query = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || !document.getElementById('fatal-error')!.hidden, null, {
    timeout: 180_000,
  });
  const fatal = await page.locator('#fatal-error').textContent();
  if (await page.locator('#fatal-error').isVisible()) throw new Error(`app failed to start: ${fatal} ${errors.join('; ')}`);
}

export interface CardResult {
  name: string;
  verdict: string;
  score: number;
  svdd: number;
  autoencoder: number;
  executionProvider: string;
  threshold: number;
  error: string | null;
}

/** Adds files through the file picker and waits until every card has a verdict or an error. */
export async function checkFiles(page: Page, files: string[]): Promise<CardResult[]> {
  const before = await page.locator('#results .card').count();
  await page.locator('#file-input').setInputFiles(files.map((file) => path.resolve(FIXTURES, file)));
  const expected = before + files.length;
  await page.waitForFunction(
    (count) => {
      const done = document.querySelectorAll('#results .card[data-verdict]');
      return done.length >= count;
    },
    expected,
    { timeout: 180_000 },
  );
  return readCards(page);
}

export function readCards(page: Page): Promise<CardResult[]> {
  return page.$$eval('#results .card', (cards) =>
    cards.map((card) => {
      const element = card as HTMLElement;
      return {
        name: element.querySelector('.card-title')?.textContent ?? '',
        verdict: element.dataset.verdict ?? '',
        score: Number(element.dataset.score),
        svdd: Number(element.dataset.svdd),
        autoencoder: Number(element.dataset.autoencoder),
        executionProvider: element.dataset.executionProvider ?? '',
        threshold: Number(element.dataset.threshold),
        error: element.querySelector('.card-error')?.textContent ?? null,
      };
    }),
  );
}

/**
 * The page's JS heap in MB after a garbage collection, through the Chrome DevTools Protocol
 * (`Performance.getMetrics`, JSHeapUsedSize). Enables the Performance domain on first use.
 */
export async function pageHeapReader(context: BrowserContext, page: Page): Promise<() => Promise<number>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value / 1e6;
  };
}
