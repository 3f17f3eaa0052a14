/**
 * Issue 7 in the built app, Debian's Chromium, real models, served with the shipped headers (public/_headers,
 * strict CSP included):
 * - the hostile corpus (tests/fixtures/hostile.ts) in one drop: every file gets a verdict or a clear message,
 *   the batch finishes, the page keeps painting (a timer / animation-frame heartbeat), no unhandled rejection or
 *   page error, the SVG's script never runs;
 * - privacy: once the models are loaded, scoring makes zero network requests, and every request of the visit
 *   stays on the app's origin; dist/ names no third-party URL but a short, exact list of documentation links;
 * - the CSP: the app loads, scores and exports under it with zero violations.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_FILES, writeHostileCorpus } from '../fixtures/hostile';
import type { StaticServer } from './harness';
import { DIST, launchChromium, openApp, readCards, serveDist } from './harness';

let dir: string;
let files: Map<string, string>;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-hostile-e2e-'));
  files = await writeHostileCorpus(dir);
  server = await serveDist();
  browser = await launchChromium({ webgpu: false });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Everything that went wrong on a page that should not have: page errors, unhandled rejections, CSP violations. */
async function watchForTrouble(context: BrowserContext, page: Page): Promise<{ problems: string[]; requests: string[] }> {
  const problems: string[] = [];
  const requests: string[] = [];
  await context.addInitScript(() => {
    const report = (text: string) => ((window as unknown as { __trouble: string[] }).__trouble ??= []).push(text);
    window.addEventListener('unhandledrejection', (event) => report(`unhandled rejection: ${String(event.reason)}`));
    document.addEventListener('securitypolicyviolation', (event) => report(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Violations in workers (which have their own policy) only show up as console errors.
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  context.on('request', (request) => requests.push(request.url()));
  return { problems, requests };
}

/** The metadata reader's lazily loaded code (src/detector/provenance/): the provenance worker, the C2PA glue and .wasm. */
const PROVENANCE_CODE = /^\/assets\/(provenance\.worker|c2pa-glue|c2pa_bg)-[\w-]+\.(js|wasm)$/;

const trouble = async (page: Page, problems: string[]) => [...problems, ...(await page.evaluate(() => (window as unknown as { __trouble?: string[] }).__trouble ?? []))];

describe('the hostile corpus in the page', () => {
  it('gives every file a verdict or a clear message, stays responsive, makes no request, breaks no rule', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const { problems, requests } = await watchForTrouble(context, page);
      await openApp(page, server.origin, '?ep=wasm');
      const served = server.requests.length;
      const seen = requests.length;

      // A heartbeat on the page: the longest gap between timer ticks and the number of animation frames.
      await page.evaluate(() => {
        const beat = { maxGapMs: 0, frames: 0, last: performance.now(), running: true };
        (window as unknown as { __beat: typeof beat }).__beat = beat;
        const tick = () => {
          const now = performance.now();
          beat.maxGapMs = Math.max(beat.maxGapMs, now - beat.last);
          beat.last = now;
          if (beat.running) setTimeout(tick, 20);
        };
        const frame = () => {
          beat.frames++;
          if (beat.running) requestAnimationFrame(frame);
        };
        setTimeout(tick, 20);
        requestAnimationFrame(frame);
      });

      await page.locator('#file-input').setInputFiles(HOSTILE_FILES.map(({ name }) => files.get(name)!));
      await page.waitForFunction((count) => document.querySelectorAll('#results .card[data-verdict]').length >= count, HOSTILE_FILES.length, { timeout: 180_000 });
      const beat = await page.evaluate(() => {
        const value = (window as unknown as { __beat: { maxGapMs: number; frames: number; running: boolean } }).__beat;
        value.running = false;
        return value;
      });
      console.log(`hostile corpus: longest main-thread gap ${beat.maxGapMs.toFixed(0)} ms, ${beat.frames} animation frames during the batch`);
      expect(beat.frames).toBeGreaterThan(5);
      expect(beat.maxGapMs).toBeLessThan(2000);

      const cards = await readCards(page);
      expect(cards.map((card) => card.name)).toEqual(HOSTILE_FILES.map(({ name }) => name));
      for (const [i, expected] of HOSTILE_FILES.entries()) {
        const card = cards[i]!;
        const label = `${expected.name} (${expected.why}): ${JSON.stringify(card)}`;
        if (expected.expect === 'score') {
          expect(['real', 'fake'], label).toContain(card.verdict);
          expect(card.score, label).toBeGreaterThanOrEqual(0);
          expect(card.score, label).toBeLessThanOrEqual(1);
        } else {
          expect(card.verdict, label).toBe('error');
          expect(card.error, label).toMatch(/^Could not check this file: /);
          expect(card.error, label).toMatch(expected.message!);
        }
      }
      // Alpha is composited on the manifest's background (white): a fully transparent picture is a white one.
      const byName = new Map(cards.map((card) => [card.name, card]));
      expect(byName.get('transparent.png')!.score).toBeCloseTo(byName.get('white.png')!.score, 3);
      // The table and the export carry the same messages.
      expect(Number(await page.locator('#results-table-section').getAttribute('data-finished'))).toBe(HOSTILE_FILES.length);

      // The SVG was never rendered, as a thumbnail or in any element that could run it, and its script never ran.
      // (The payload is live: the same file opened as a document runs it, checked at the end.)
      expect(await page.locator('#results .card', { hasText: 'script.svg' }).locator('.thumb').getAttribute('class')).toContain('thumb-missing');
      expect(await page.locator('iframe, object, embed').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __svgRan?: boolean }).__svgRan)).toBeUndefined();
      // Only an animated GIF's first frame counts: it scores as that frame alone, written as a PNG (GIF frames are
      // lossless palette pictures; 1e-6 allows for ORT summing a batch of 1 in another order).
      const firstFrame = path.join(dir, 'first-frame.png');
      await sharp(files.get('animated.gif')!, { pages: 1 }).png().toFile(firstFrame);
      await page.locator('#file-input').setInputFiles(firstFrame);
      await page.waitForFunction((count) => document.querySelectorAll('#results .card[data-verdict]').length >= count, HOSTILE_FILES.length + 1);
      const frame = (await readCards(page)).find((card) => card.name === 'first-frame.png')!;
      expect(Math.abs(frame.score - byName.get('animated.gif')!.score)).toBeLessThan(1e-6);
      // The page is still usable: the slider re-judges.
      await page.locator('#threshold').fill('0');
      expect(await page.locator('#results .card[data-verdict="fake"]').count()).toBe(cards.filter((card) => card.verdict !== 'error').length + 1);

      // Privacy: scoring made no request at all, and nothing ever left the app's origin. The one exception is the
      // app's own metadata reader (issue 11), a script loaded from this origin the first time a file carries
      // metadata (the EXIF-rotated JPEG): code coming in, nothing about the images going out.
      expect(server.requests.slice(served).filter((url) => !PROVENANCE_CODE.test(url))).toEqual([]);
      expect(requests.slice(seen).filter((url) => !url.startsWith('blob:') && !PROVENANCE_CODE.test(new URL(url).pathname))).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);

      expect(await trouble(page, problems)).toEqual([]);

      // The control: opened as a document of its own, the SVG's script does run, so the check above can fail.
      const probe = await context.newPage();
      await probe.goto(pathToFileURL(files.get('script.svg')!).href);
      expect(await probe.evaluate(() => (window as unknown as { __svgRan?: boolean }).__svgRan)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('scores N images after the models are loaded with zero network requests, under the CSP, on WebGPU too', async () => {
    const gpuBrowser = await launchChromium();
    const context = await gpuBrowser.newContext();
    try {
      const page = await context.newPage();
      const { problems, requests } = await watchForTrouble(context, page);
      const response = await page.goto(`${server.origin}/`);
      const policy = (await response!.allHeaders())['content-security-policy'] ?? '';
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      await openApp(page, server.origin);
      const served = server.requests.length;
      const seen = requests.length;
      const good = ['one-pixel.png', 'palette.png', 'photo.webp', 'cmyk.jpg', 'photo.avif', 'animated.gif'];
      await page.locator('#file-input').setInputFiles(good.map((name) => files.get(name)!));
      await page.waitForFunction((count) => document.querySelectorAll('#results .card[data-verdict]').length >= count, good.length, { timeout: 180_000 });
      const cards = await readCards(page);
      expect(cards.every((card) => card.verdict === 'real' || card.verdict === 'fake')).toBe(true);
      // Exporting is a download from a blob: URL, still no request to any server.
      const download = page.waitForEvent('download');
      await page.locator('#export-csv').click();
      expect((await download).suggestedFilename()).toMatch(/\.csv$/);
      expect(server.requests.slice(served).filter((url) => !PROVENANCE_CODE.test(url))).toEqual([]);
      expect(requests.slice(seen).filter((url) => !url.startsWith('blob:') && !PROVENANCE_CODE.test(new URL(url).pathname))).toEqual([]);
      expect(await trouble(page, problems)).toEqual([]);
    } finally {
      await context.close();
      await gpuBrowser.close();
    }
  });
});

describe('the built app', () => {
  it('names no third-party URL in any text file of dist/ other than these few, never fetched', () => {
    // Exact URLs, not hosts: a new link to any host (a CDN, a telemetry endpoint, a second github.com page) fails
    // this test until someone reads it and adds it here with the reason it is never fetched.
    const allowed = new Set([
      'http://www.w3.org/2000/svg', // the SVG namespace (icons, the page's charts)
      'https://a.example', // RFC 2606 example origin in a comment of _headers
      'http://www.apache.org/licenses/LICENSE-2.0', // ORT's licence header
      'https://web.dev/cross-origin-isolation-guide/', // ORT's error message when threads are unavailable
      'https://rolldown.rs/in-depth/bundling-cjs#require-external-modules', // the bundler's error message text
      'https://bit.ly/wb-precache', // Workbox's error message text
      // XML namespace names (identifiers, never fetched) in the metadata readers: xmldom's built-ins, ExifReader's
      // XMP namespaces (src/detector/provenance/metadata.ts).
      'http://www.w3.org/1999/xhtml',
      'http://www.w3.org/XML/1998/namespace',
      'http://www.w3.org/2000/xmlns/',
      'http://ns.adobe.com/xap/1.0/',
      'http://ns.adobe.com/xmp/extension/',
      'http://ns.adobe.com/tiff/1.0/',
      'http://ns.adobe.com/exif/1.0/',
      'http://purl.org/dc/elements/1.1/',
      'http://ns.adobe.com/xap/1.0/mm/',
      'http://ns.adobe.com/xap/1.0/sType/ResourceEvent#',
      'http://ns.adobe.com/xap/1.0/sType/ResourceRef#',
      'http://ns.adobe.com/photoshop/1.0/',
      'http://fallback.namespace/',
    ]);
    const offenders = new Map<string, string[]>();
    const walk = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const file = path.join(folder, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.(html|js|mjs|css|json|webmanifest|svg|txt)$/.test(name) || name === '_headers') {
          for (const [url] of readFileSync(file, 'utf8').matchAll(/https?:\/\/[^\s"'`)<>\\]+/g)) {
            if (/^https?:\/\/(127\.0\.0\.1|localhost)\b/.test(url) || allowed.has(url)) continue;
            offenders.set(path.relative(DIST, file), [...(offenders.get(path.relative(DIST, file)) ?? []), url]);
          }
        }
      }
    };
    walk(DIST);
    expect(Object.fromEntries(offenders)).toEqual({});
  });
});
