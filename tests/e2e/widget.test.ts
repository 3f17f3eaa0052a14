/**
 * The embeddable widget in Chromium, framed by pages on other origins (other ports of 127.0.0.1): the example host
 * page (examples/host.html) drives it through postMessage; a page on an origin that is not allowed gets nothing
 * and changes nothing; blocked storage still scores; a cross-origin isolated host gives it WASM threads; the
 * app page itself refuses to be framed. The app is served with the headers of public/_headers.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WidgetDebug } from '../../src/embed/main';
import type { ResultMessage, WidgetMessage } from '../../src/embed/protocol';
import { EVIDENCE_SHORT, EVIDENCE_WORDS } from '../../src/detector/evidence';
import type { ModelManifest } from '../../src/detector/manifest';
import { parseManifest } from '../../src/detector/manifest';
import type { Judgement } from '../../src/detector/scoring';
import { createNodeDetector } from '../../src/node/node-detector';
import type { StaticServer } from './harness';
import { CHROMIUM_ARGS, DIST, FIXTURES, ROOT, launchChromium, serveDist } from './harness';
import { PROVENANCE_EXPECTATIONS, provenanceDir, provenanceMismatches } from '../fixtures/provenance';

const REAL = 'cifar10_test_0.png';
const FAKE = 'mnist_test_0.png';
const TOLERANCE = 1e-3;
/** A photograph larger than the 128 px crops: 481x321, BSDS500 validation (../shared/data). */
const LARGE = path.join(ROOT, '../shared/data/photos/val/bsds_100007.jpg');

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves fixed HTML pages (path → HTML) with the given headers: the other sites that embed the widget. */
async function servePages(pages: Record<string, string>, headers: Record<string, string> = {}): Promise<PageServer> {
  const server = createServer((request, response) => {
    const html = pages[new URL(request.url ?? '/', 'http://x').pathname];
    if (html === undefined) return void response.writeHead(404).end('not found');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...headers }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const hostHtml = readFileSync(path.join(ROOT, 'examples/host.html'), 'utf8');

/** A page on an origin the widget does not trust: frames it, records what it gets, can post to it. */
const strangerHtml = `<!doctype html><title>stranger</title><iframe id="widget" style="width:320px;height:240px"></iframe>
<script>
  window.received = [];
  addEventListener('message', (event) => window.received.push(event.data));
  document.getElementById('widget').src = new URLSearchParams(location.search).get('widget');
</script>`;

const messages = (page: Page) => page.evaluate(() => (window as unknown as { widgetMessages: WidgetMessage[] }).widgetMessages);

async function waitForMessage<T extends WidgetMessage>(page: Page, predicate: string, timeout = 180_000): Promise<T> {
  const handle = await page.waitForFunction(
    (test) => (window as unknown as { widgetMessages: WidgetMessage[] }).widgetMessages.find((message) => new Function('m', `return ${test}`)(message)),
    predicate,
    { timeout },
  );
  return (await handle.jsonValue()) as T;
}

function widgetFrame(page: Page): Frame {
  const frame = page.frames().find((candidate) => candidate.url().includes('/embed.html'));
  if (!frame) throw new Error('no widget frame');
  return frame;
}

const widgetDebug = (frame: Frame) => frame.evaluate(() => window.__widgetDebug as WidgetDebug);

let app: StaticServer;
let host: PageServer;
let isolatedHost: PageServer;
let stranger: PageServer;
let browser: Browser;
let manifest: ModelManifest;
const nodeScores = new Map<string, Judgement>();
let nodeLarge: Judgement;

beforeAll(async () => {
  manifest = parseManifest(JSON.parse(readFileSync(path.join(DIST, 'models/manifest.json'), 'utf8')));
  const node = await createNodeDetector({ backend: 'node' });
  for (const file of [REAL, FAKE]) nodeScores.set(file, await node.scoreFile(path.join(FIXTURES, file)));
  nodeLarge = await node.scoreFile(LARGE);
  await node.dispose();
  app = await serveDist();
  host = await servePages({ '/host.html': hostHtml });
  // What a host needs for WASM threads in the frame: COOP + COEP on itself, allow="cross-origin-isolated" on the
  // iframe (host.html has it), and CORP cross-origin on embed.html (public/_headers has it).
  isolatedHost = await servePages(
    { '/host.html': hostHtml },
    { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  );
  stranger = await servePages({ '/stranger.html': strangerHtml, '/frames-app.html': strangerHtml });
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), host?.close(), isolatedHost?.close(), stranger?.close()]);
});

describe('the widget framed by a page on another origin', () => {
  let page: Page;

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    page = await context.newPage();
    await page.goto(`${host.origin}/host.html?widget=${encodeURIComponent(`${app.origin}/embed.html`)}&ep=wasm`);
  });

  it('posts progress, then ready, to the host origin', async () => {
    const ready = await waitForMessage<WidgetMessage & { type: 'ready' }>(page, "m.type === 'ready' || m.type === 'error'");
    expect(ready.type).toBe('ready');
    expect(ready.modelVersion).toBe(manifest.version);
    expect(ready.executionProvider).toBe('wasm');
    expect(ready.threshold).toBe(manifest.thresholds.default);
    // A plain host page is not cross-origin isolated, so neither is its frame: one WASM thread.
    expect(ready.crossOriginIsolated).toBe(false);
    expect(ready.wasmThreads).toBe(1);
    // Partitioned storage still works for a third-party frame.
    expect(ready.cache.enabled).toBe(true);
    const all = await messages(page);
    const progress = all.filter((message) => message.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(all.indexOf(progress[0]!)).toBeLessThan(all.indexOf(all.find((message) => message.type === 'ready')!));
  });

  it('scores an image sent as a transferred ArrayBuffer, with the Node path\'s scores', async () => {
    await page.locator('#image').setInputFiles(path.join(FIXTURES, REAL));
    const result = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.id === '1' || m.type === 'error'");
    expect(result).toMatchObject({ type: 'result', id: '1', fileName: REAL, isFake: false, threshold: manifest.thresholds.default, rejudged: false });
    const expected = nodeScores.get(REAL)!;
    expect(Math.abs(result.score - expected.score)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.scores.svdd - expected.scores.svdd)).toBeLessThan(TOLERANCE);
    expect(Math.abs(result.scores.autoencoder - expected.scores.autoencoder)).toBeLessThan(TOLERANCE);
    expect(await widgetFrame(page).locator('#verdict').textContent()).toBe('No sign of generation found');
  });

  it('adds the file\'s provenance to the result message and shows its line (issue 11)', async () => {
    const bytes = [...readFileSync(path.join(provenanceDir(), 'c2pa_ai_created__ingredient-with-data-types.jpg'))];
    await page.evaluate(
      ({ bytes, widgetOrigin }) => {
        const frame = document.getElementById('widget') as HTMLIFrameElement;
        const buffer = new Uint8Array(bytes).buffer;
        frame.contentWindow!.postMessage({ type: 'analyze', image: buffer, fileName: 'firefly.jpg', id: 'provenance' }, widgetOrigin, [buffer]);
      },
      { bytes, widgetOrigin: app.origin },
    );
    const result = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.id === 'provenance' || m.type === 'error'");
    expect(result.type).toBe('result');
    expect(provenanceMismatches('firefly.jpg', result.provenance!, PROVENANCE_EXPECTATIONS['c2pa_ai_created__ingredient-with-data-types.jpg']!)).toEqual([]);
    expect(await widgetFrame(page).locator('.provenance-summary').textContent()).toBe(result.provenance!.summary);
  });

  it('scores a Blob, and the ArrayBuffer really is transferred', async () => {
    const bytes = [...readFileSync(path.join(FIXTURES, FAKE))];
    const transferredLength = await page.evaluate(
      ({ bytes, widgetOrigin }) => {
        const frame = document.getElementById('widget') as HTMLIFrameElement;
        const image = new Blob([new Uint8Array(bytes)], { type: 'image/png' });
        frame.contentWindow!.postMessage({ type: 'analyze', image, fileName: 'digit.png', id: 'blob' }, widgetOrigin);
        const buffer = new Uint8Array(bytes).buffer;
        frame.contentWindow!.postMessage({ type: 'analyze', image: buffer, id: 'buffer' }, widgetOrigin, [buffer]);
        return buffer.byteLength;
      },
      { bytes, widgetOrigin: app.origin },
    );
    expect(transferredLength).toBe(0);
    const fromBlob = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.id === 'blob' || m.type === 'error'");
    const fromBuffer = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.id === 'buffer' || m.type === 'error'");
    expect(fromBlob).toMatchObject({ type: 'result', fileName: 'digit.png', isFake: true });
    expect(fromBuffer).toMatchObject({ type: 'result', fileName: 'image', isFake: true });
    expect(fromBuffer.score).toBe(fromBlob.score);
    expect(Math.abs(fromBlob.score - nodeScores.get(FAKE)!.score)).toBeLessThan(TOLERANCE);
  });

  it('setPreset and setThreshold re-judge the last image and report the threshold', async () => {
    const before = (await messages(page)).length;
    await page.locator('button[data-preset="conservative"]').click();
    const conservative = manifest.thresholds.presets.conservative.threshold;
    const thresholdMessage = await waitForMessage<WidgetMessage & { type: 'threshold' }>(page, `m.type === 'threshold' && m.preset === 'conservative'`);
    expect(thresholdMessage.threshold).toBe(conservative);
    await page.evaluate((widgetOrigin) => {
      const frame = document.getElementById('widget') as HTMLIFrameElement;
      frame.contentWindow!.postMessage({ type: 'setThreshold', threshold: 0 }, widgetOrigin);
    }, app.origin);
    const rejudged = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.rejudged && m.threshold === 0");
    // Every score is at or above 0, so the last image (the digit) is flagged.
    expect(rejudged.isFake).toBe(true);
    const after = (await messages(page)).slice(before);
    expect(after.some((message) => message.type === 'result' && message.rejudged && message.threshold === conservative)).toBe(true);
    expect(await widgetFrame(page).locator('#threshold').inputValue()).toBe('0');
  });

  it('ignores malformed messages from the allowed origin, and counts them', async () => {
    const frame = widgetFrame(page);
    const debugBefore = await widgetDebug(frame);
    const before = (await messages(page)).length;
    await page.evaluate((widgetOrigin) => {
      const target = (document.getElementById('widget') as HTMLIFrameElement).contentWindow!;
      target.postMessage({ type: 'analyze', image: 'not a blob' }, widgetOrigin);
      target.postMessage({ type: 'setThreshold', threshold: 7 }, widgetOrigin);
      target.postMessage({ type: 'setPreset', preset: 'reckless' }, widgetOrigin);
      target.postMessage('hello', widgetOrigin);
      target.postMessage({ type: 'format-disk' }, widgetOrigin);
    }, app.origin);
    await frame.waitForFunction((count) => window.__widgetDebug.malformed >= count, debugBefore.malformed + 5);
    await page.waitForTimeout(300);
    expect((await messages(page)).length).toBe(before);
    expect(await frame.locator('#threshold').inputValue()).toBe('0');
  });

  it('answers a file it cannot read with an error for that request', async () => {
    await page.evaluate((widgetOrigin) => {
      const frame = document.getElementById('widget') as HTMLIFrameElement;
      frame.contentWindow!.postMessage({ type: 'analyze', image: new Blob(['not an image']), id: 'bad' }, widgetOrigin);
    }, app.origin);
    const error = await waitForMessage<WidgetMessage & { type: 'error' }>(page, "m.type === 'error' && m.id === 'bad'");
    expect(error.code).toBe('bad-image');
  });

  it('says which evidence carried the score: in every result message, and in words under the verdict (issue 10)', async () => {
    const frame = widgetFrame(page);
    const bytes = [...readFileSync(LARGE)];
    await page.evaluate(
      ({ bytes, widgetOrigin }) => {
        const buffer = new Uint8Array(bytes).buffer;
        const widget = (document.getElementById('widget') as HTMLIFrameElement).contentWindow!;
        // At threshold 0 every picture is flagged: the line says what fired.
        widget.postMessage({ type: 'setThreshold', threshold: 0 }, widgetOrigin);
        widget.postMessage({ type: 'analyze', image: buffer, fileName: 'photo.jpg', id: 'large' }, widgetOrigin, [buffer]);
      },
      { bytes, widgetOrigin: app.origin },
    );
    const result = await waitForMessage<ResultMessage>(page, "m.id === 'large' && (m.type === 'result' || m.type === 'error')");
    expect(result.type).toBe('result');
    expect(result.evidence).toBe(nodeLarge.scoredView);
    expect(Math.abs(result.score - nodeLarge.score)).toBeLessThan(TOLERANCE);
    // Flagged at threshold 0, so the line names what fired; its title is the full sentence.
    expect(result).toMatchObject({ isFake: true, threshold: 0 });
    const line = frame.locator('#evidence');
    expect(await line.getAttribute('data-evidence')).toBe(result.evidence);
    expect(await line.getAttribute('data-fired')).toBe('true');
    expect(await line.locator('[aria-hidden="true"]').textContent()).toBe(EVIDENCE_SHORT[result.evidence]);
    expect(await line.getAttribute('title')).toBe(EVIDENCE_WORDS[result.evidence]);
    expect(await line.locator('.sr-only').textContent()).toBe(EVIDENCE_WORDS[result.evidence]);

    // Not flagged: a quieter line saying which view the score rests on.
    await page.evaluate((widgetOrigin) => {
      (document.getElementById('widget') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'setThreshold', threshold: 1 }, widgetOrigin);
    }, app.origin);
    const quiet = await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.rejudged && m.threshold === 1");
    expect(quiet).toMatchObject({ id: 'large', isFake: false, evidence: nodeLarge.scoredView });
    expect(await line.getAttribute('data-fired')).toBe('false');
    expect(await line.locator('[aria-hidden="true"]').textContent()).toBe(nodeLarge.scoredView === 'traces' ? 'Judged on fine-detail crops' : 'Judged as a whole');
    expect(nodeLarge.crops.length > 0).toBe(manifest.input.crops !== undefined);

    // Every result carries it; the 32x32 pictures (when this runs after the tests above) were judged as a whole.
    const results = (await messages(page)).filter((message): message is ResultMessage => message.type === 'result');
    for (const message of results) expect(['traces', 'image']).toContain(message.evidence);
    for (const message of results.filter((m) => m.id === '1' || m.id === 'blob')) expect(message.evidence).toBe('image');
    await page.evaluate((widgetOrigin) => {
      (document.getElementById('widget') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'setThreshold', threshold: 0 }, widgetOrigin);
    }, app.origin);
    await waitForMessage<ResultMessage>(page, "m.type === 'result' && m.rejudged && m.threshold === 0 && m.id === 'large'");
  });

  it('fits a 320x240 frame without scrolling, and grows with it', async () => {
    const frame = widgetFrame(page);
    const fits = () => frame.evaluate(() => ({
      overflowY: document.documentElement.scrollHeight - document.documentElement.clientHeight,
      overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      dropZoneHeight: document.getElementById('drop-zone')!.getBoundingClientRect().height,
    }));
    const small = await fits();
    expect(small.overflowY).toBeLessThanOrEqual(0);
    expect(small.overflowX).toBeLessThanOrEqual(0);
    await page.locator('#widget').screenshot({ path: path.join(ROOT, 'test-results/widget-320x240.png') });
    await page.evaluate(() => Object.assign((document.getElementById('widget') as HTMLIFrameElement).style, { width: '560px', height: '420px' }));
    await frame.waitForFunction(() => window.innerHeight >= 400);
    const large = await fits();
    expect(large.overflowY).toBeLessThanOrEqual(0);
    expect(large.dropZoneHeight).toBeGreaterThan(small.dropZoneHeight * 1.5);
  });
});

describe('origins the widget does not trust', () => {
  it('a page on another origin gets no message and cannot drive the widget', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The widget trusts the host page's origin only; the stranger frames it and talks to it.
    const widgetUrl = `${app.origin}/embed.html?ep=wasm&origins=${encodeURIComponent(host.origin)}`;
    await page.goto(`${stranger.origin}/stranger.html?widget=${encodeURIComponent(widgetUrl)}`);
    const frame = await (async () => {
      for (;;) {
        const found = page.frames().find((candidate) => candidate.url().includes('/embed.html'));
        if (found) return found;
        await page.waitForTimeout(100);
      }
    })();
    await frame.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 180_000 });
    const bytes = [...readFileSync(path.join(FIXTURES, FAKE))];
    await page.evaluate(
      ({ bytes, widgetOrigin }) => {
        const target = (document.getElementById('widget') as HTMLIFrameElement).contentWindow!;
        const buffer = new Uint8Array(bytes).buffer;
        target.postMessage({ type: 'analyze', image: buffer, id: 'x' }, widgetOrigin, [buffer]);
        target.postMessage({ type: 'setThreshold', threshold: 0 }, widgetOrigin);
      },
      { bytes, widgetOrigin: app.origin },
    );
    await frame.waitForFunction(() => window.__widgetDebug.ignoredOrigin >= 2);
    await page.waitForTimeout(1000);
    // Not even `ready`: the widget never posts to an origin outside its list.
    expect(await page.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual([]);
    const debug = await widgetDebug(frame);
    expect(debug.accepted).toBe(0);
    expect(debug.log.at(-1)).toContain(stranger.origin);
    expect(await frame.locator('#result').isHidden()).toBe(true);
    expect(Number(await frame.locator('#threshold').inputValue())).toBe(manifest.thresholds.default);
    await context.close();
  });

  it('the app page itself cannot be framed by another origin (CSP frame-ancestors)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked = new Promise<string>((resolve) => page.on('console', (message) => message.text().includes('frame-ancestors') && resolve(message.text())));
    await page.goto(`${stranger.origin}/frames-app.html?widget=${encodeURIComponent(`${app.origin}/`)}`);
    expect(await blocked).toContain('frame-ancestors');
    await context.close();
  });
});

describe('the widget where storage is blocked', () => {
  it('still scores, and says there is no cache', async () => {
    // Blocking all site data (cookies: block) is what makes IndexedDB refuse, in workers too.
    const profile = mkdtempSync(path.join(tmpdir(), 'widget-blocked-'));
    mkdirSync(path.join(profile, 'Default'));
    writeFileSync(path.join(profile, 'Default/Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'),
    });
    try {
      const page = await context.newPage();
      await page.goto(`${host.origin}/host.html?widget=${encodeURIComponent(`${app.origin}/embed.html`)}&ep=wasm`);
      const ready = await waitForMessage<WidgetMessage & { type: 'ready' }>(page, "m.type === 'ready' || m.type === 'error'");
      expect(ready.type).toBe('ready');
      expect(ready.cache.enabled).toBe(false);
      expect(ready.cache.reason).toMatch(/IndexedDB/);
      expect(await widgetFrame(page).locator('#note').textContent()).toContain('No model cache');
      const notice = await waitForMessage<WidgetMessage & { type: 'notice' }>(page, "m.type === 'notice' && m.kind === 'cache-off'", 10_000);
      expect(notice.message).toMatch(/IndexedDB|cache/i);
      await page.locator('#image').setInputFiles(path.join(FIXTURES, FAKE));
      const result = await waitForMessage<ResultMessage>(page, "m.type === 'result' || m.type === 'error'");
      expect(result).toMatchObject({ type: 'result', isFake: true });
      expect(Math.abs(result.score - nodeScores.get(FAKE)!.score)).toBeLessThan(TOLERANCE);
    } finally {
      await context.close();
    }
  });
});

describe('the widget in a cross-origin isolated host', () => {
  it('gets WASM threads through allow="cross-origin-isolated"', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${isolatedHost.origin}/host.html?widget=${encodeURIComponent(`${app.origin}/embed.html`)}&ep=wasm`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const ready = await waitForMessage<WidgetMessage & { type: 'ready' }>(page, "m.type === 'ready' || m.type === 'error'");
    expect(ready).toMatchObject({ type: 'ready', crossOriginIsolated: true, wasmThreads: 2 });
    await page.locator('#image').setInputFiles(path.join(FIXTURES, REAL));
    const result = await waitForMessage<ResultMessage>(page, "m.type === 'result' || m.type === 'error'");
    expect(result).toMatchObject({ type: 'result', isFake: false });
    await context.close();
  });
});
