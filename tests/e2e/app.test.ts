/**
 * The built app in Debian's Chromium, real models, no mocks: verdicts, threshold re-judging without inference,
 * the IndexedDB model cache, WebGPU vs WASM, and browser vs Node scores.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_WORDS, cropCounted, cropCountedWords, cropsByScore, evidenceLine, viewWeightWords } from '../../src/detector/evidence';
import type { ModelManifest } from '../../src/detector/manifest';
import { parseManifest } from '../../src/detector/manifest';
import type { Judgement } from '../../src/detector/scoring';
import { VERDICT_WORDS, unseenGeneratorsLine } from '../../src/detector/verdict';
import { createNodeDetector } from '../../src/node/node-detector';
import type { CardResult, StaticServer } from './harness';
import { DIST, FIXTURES, ROOT, checkFiles, countWorkerMessages, launchChromium, openApp, readCards, serveDist, workerMessages } from './harness';

const REAL = 'cifar10_test_0.png';
const FAKE = 'mnist_test_0.png';
const OTHERS = ['cifar10_test_1.png', 'exif_rotated.jpg'];
const BAD = 'not-an-image.png';
const TOLERANCE = 1e-3;
/** A photograph larger than the 128 px crops: 481x321, BSDS500 validation (../shared/data, as the batch e2e reads it). */
const LARGE = path.join(ROOT, '../shared/data/photos/val/bsds_100007.jpg');

let server: StaticServer;
let browser: Browser;
let manifest: ModelManifest;
const nodeScores = new Map<string, Judgement>();
let nodeLarge: Judgement;
/** Scores from the WASM run, for the WebGPU comparison. */
const wasmCards = new Map<string, CardResult>();

beforeAll(async () => {
  manifest = parseManifest(JSON.parse(readFileSync(path.join(DIST, 'models/manifest.json'), 'utf8')));
  const node = await createNodeDetector({ backend: 'node' });
  for (const file of [REAL, FAKE, ...OTHERS]) nodeScores.set(file, await node.scoreFile(path.join(FIXTURES, file)));
  nodeLarge = await node.scoreFile(LARGE);
  await node.dispose();
  server = await serveDist();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const byName = (cards: CardResult[]) => new Map(cards.map((card) => [card.name, card]));

function expectSameScores(actual: CardResult, expected: { score: number; scores: { svdd: number; autoencoder: number } }) {
  expect(Math.abs(actual.score - expected.score)).toBeLessThan(TOLERANCE);
  expect(Math.abs(actual.svdd - expected.scores.svdd)).toBeLessThan(TOLERANCE);
  expect(Math.abs(actual.autoencoder - expected.scores.autoencoder)).toBeLessThan(TOLERANCE);
}

describe('the app on WASM, one browser profile', () => {
  let context: BrowserContext;
  let page: Page;
  let cards: Map<string, CardResult>;
  /** Every URL the pages and workers of this profile asked for. */
  const requested: string[] = [];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('request', (request) => requested.push(request.url()));
    await countWorkerMessages(context);
    page = await context.newPage();
    await openApp(page, server.origin, '?ep=wasm');
    cards = byName(await checkFiles(page, [REAL, FAKE, ...OTHERS, BAD]));
  });

  afterAll(async () => {
    await context?.close();
  });

  it('runs WASM with 2 threads on the cross-origin isolated page, and fetched the models', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('#execution-provider').textContent()).toContain('2 threads');
    expect(server.requests.filter((request) => request.endsWith('.onnx')).sort()).toEqual(
      [manifest.models.autoencoder.file, manifest.models.svdd.file].map((file) => `/models/${file}`).sort(),
    );
    // The plain WASM build (14 MB), never the JSEP one (28 MB) that only WebGPU needs.
    expect(server.requests.filter((request) => request.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
    expect(server.requests).not.toContain('/ort/ort-wasm-simd-threaded.jsep.wasm');
  });

  it('fetched one ORT bundle and one .wasm on this WebAssembly first visit, nothing of the WebGPU (JSEP) build', async () => {
    // The service worker's precache is part of a first visit: wait until it is complete.
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
    const ortFiles = [...new Set(server.requests.filter((request) => /\/ort[./-]|\/ort\//.test(request)))].sort();
    expect(ortFiles).toEqual([
      expect.stringMatching(/^\/assets\/ort\.wasm\.min-[\w-]+\.js$/),
      '/ort/ort-wasm-simd-threaded.mjs',
      '/ort/ort-wasm-simd-threaded.wasm',
    ]);
    expect(server.requests.filter((request) => /jsep|ort\.min\.|\/ort\.min-/.test(request))).toEqual([]);
  });

  it('loads everything from its own origin (no CDN)', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(`${server.origin}/`) && !/^(blob|data):/.test(url))).toEqual([]);
    expect(requested.some((url) => url.includes('/ort/ort-wasm'))).toBe(true);
  });

  it('judges a CIFAR-10 test image real and an MNIST digit fake at the default threshold', async () => {
    for (const card of cards.values()) if (card.verdict !== 'error') expect(card.threshold).toBe(manifest.thresholds.default);
    expect(cards.get(REAL)?.verdict).toBe('real');
    expect(cards.get(FAKE)?.verdict).toBe('fake');
    for (const card of cards.values()) expect(card.executionProvider === 'wasm' || card.error !== null).toBe(true);
    // In words that do not overclaim: a score under the threshold is no sign of generation, never "real".
    const verdictOf = (name: string) => page.locator('#results .card', { has: page.locator('.card-title', { hasText: name }) }).locator('.card-body .verdict').textContent();
    expect(await verdictOf(REAL)).toBe(VERDICT_WORDS.notFlagged);
    expect(await verdictOf(FAKE)).toBe(VERDICT_WORDS.flagged);
    expect(await page.locator('#results-table td.verdict-real').first().textContent()).toBe(VERDICT_WORDS.notFlagged);
    expect(await page.locator('#drop-zone .hint').textContent()).toMatch(/Large pictures are judged on their whole image and on native-resolution crops/);
  });

  it('gives a bad file its own clear error while the others are judged', () => {
    expect(cards.get(BAD)?.verdict).toBe('error');
    expect(cards.get(BAD)?.error).toMatch(/this is a text file, not an image/);
    expect([...cards.values()].filter((card) => card.verdict !== 'error')).toHaveLength(4);
  });

  it('gives the same scores as the Node path (sharp + onnxruntime-node) within 1e-3, EXIF JPEG included', () => {
    for (const [file, expected] of nodeScores) expectSameScores(cards.get(file)!, expected);
    for (const [name, card] of cards) wasmCards.set(name, card);
  });

  it('re-judges every card from the slider and the presets without running the models again', async () => {
    const before = await workerMessages(page);
    const slider = page.locator('#threshold');
    await slider.focus();
    await page.keyboard.press('Home');
    let now = await readCards(page);
    expect(now.filter((card) => card.verdict !== 'error').every((card) => card.verdict === 'fake')).toBe(true);
    expect(await page.locator('#threshold-summary').textContent()).toContain('4 of 4');

    await page.keyboard.press('End');
    now = await readCards(page);
    expect(await page.locator('#threshold-value').textContent()).toBe('1.0000');
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#threshold-value').textContent()).toBe('0.9990');
    await page.keyboard.press('End');
    // Only a score of exactly 1 stays flagged at threshold 1.
    for (const card of now.filter((entry) => entry.verdict !== 'error')) expect(card.verdict).toBe(card.score >= 1 ? 'fake' : 'real');
    expect(now.find((card) => card.name === REAL)?.verdict).toBe('real');

    // Halfway between the two test images' scores: one real, one fake, whatever the current model's numbers.
    const between = (cards.get(REAL)!.score + cards.get(FAKE)!.score) / 2;
    await slider.fill(String(between));
    now = await readCards(page);
    for (const card of now.filter((entry) => entry.verdict !== 'error')) {
      expect(card.threshold).toBe(Number(await slider.inputValue()));
      expect(card.verdict).toBe(card.score >= card.threshold ? 'fake' : 'real');
    }
    expect(now.find((card) => card.name === REAL)?.verdict).toBe('real');
    expect(now.find((card) => card.name === FAKE)?.verdict).toBe('fake');

    for (const name of ['sensitive', 'conservative', 'balanced'] as const) {
      await page.locator(`button[data-preset="${name}"]`).click();
      expect(await page.locator(`button[data-preset="${name}"]`).getAttribute('aria-pressed')).toBe('true');
      const threshold = manifest.thresholds.presets[name].threshold;
      for (const card of await readCards(page)) {
        if (card.verdict === 'error') continue;
        expect(card.threshold).toBe(threshold);
        expect(card.verdict).toBe(card.score >= threshold ? 'fake' : 'real');
      }
      const rate = manifest.thresholds.presets[name].falseAlarmRate * 100;
      expect(await page.locator(`button[data-preset="${name}"]`).textContent()).toContain(`${+rate.toFixed(2)}%`);
    }
    // What the default caught of generators never trained on: one line when the evaluation measured it, else nothing.
    const caught = unseenGeneratorsLine(manifest.metrics);
    expect(await page.locator('#threshold-caught').isHidden()).toBe(caught === null);
    expect(await page.locator('#threshold-caught').textContent()).toBe(caught ?? '');
    now = await readCards(page);
    for (const card of now) expect(card.verdict).toBe(cards.get(card.name)!.verdict);
    expect(await workerMessages(page)).toBe(before);
  });

  it('says which evidence fired on each card, and outlines a large photo\'s judged crops with their scores, highest first (issue 10)', async () => {
    const name = path.basename(LARGE);
    const large = byName(await checkFiles(page, [LARGE])).get(name)!;
    expectSameScores(large, nodeLarge);
    const card = page.locator('#results .card', { has: page.locator('.card-title', { hasText: name }) });
    const spec = manifest.input.crops;
    // The thumbnail under the rectangles is drawn after the card; wait for it.
    await card.locator('.explain-crops').waitFor();
    if (nodeLarge.crops.length > 0) await page.waitForFunction((n) => [...document.querySelectorAll<HTMLCanvasElement>('.crops-thumbnail')].some((c) => c.width > 0 && c.closest('.card')?.querySelector('.card-title')?.textContent === n), name);
    const shown = await card.evaluate((item) => {
      const picture = item.querySelector<HTMLElement>('.crops-picture');
      const frame = picture?.getBoundingClientRect();
      const thumbnail = picture?.querySelector('canvas');
      let painted = 0;
      if (thumbnail && thumbnail.width > 0) {
        const { data } = thumbnail.getContext('2d')!.getImageData(0, 0, thumbnail.width, thumbnail.height);
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      }
      return {
        evidence: (item as HTMLElement).dataset.evidence,
        crops: Number((item as HTMLElement).dataset.crops),
        line: item.querySelector('.card-body .evidence')?.textContent ?? '',
        fired: item.querySelector<HTMLElement>('.card-body .evidence')?.dataset.fired,
        none: item.querySelector('.crops-none')?.textContent ?? null,
        label: picture?.getAttribute('aria-label') ?? null,
        describedBy: picture ? document.getElementById(picture.getAttribute('aria-describedby') ?? '')?.tagName : null,
        picture: frame ? { width: frame.width, height: frame.height } : null,
        painted,
        boxes: [...item.querySelectorAll<HTMLElement>('.crop-box')].map((box) => {
          const rect = box.getBoundingClientRect();
          return { rank: Number(box.dataset.rank), score: Number(box.dataset.score), counted: box.dataset.counted, text: box.textContent, left: rect.left - frame!.left, top: rect.top - frame!.top, width: rect.width, height: rect.height };
        }),
        weights: {
          traces: item.querySelector('.explain-crops .view-weight-traces')?.textContent ?? null,
          image: item.querySelector('.view-weight-image')?.textContent ?? null,
        },
        list: [...item.querySelectorAll<HTMLElement>('.crop-list li')].map((li) => ({ text: li.textContent ?? '', score: Number(li.dataset.score) })),
      };
    });
    expect(shown.evidence).toBe(nodeLarge.scoredView);
    expect(shown.crops).toBe(nodeLarge.crops.length);
    // The evidence line: what fired when flagged, the judging view's score (quieter) when not.
    expect(shown.fired).toBe(String(large.verdict === 'fake'));
    if (large.verdict === 'fake') expect(shown.line.startsWith(`Why flagged: ${EVIDENCE_WORDS[nodeLarge.scoredView]}`), shown.line).toBe(true);
    else {
      // The same sentence as the Node path's, numbers to the third decimal (a trace weight under 1 names both views).
      const pattern = (text: string) => new RegExp(`^${text.replace(/[()]/g, '\\$&').replace(/\d\.\d{3}/g, '\\d\\.\\d{3}')}$`);
      expect(shown.line).toMatch(pattern(evidenceLine(nodeLarge).text));
    }
    // What was judged, each view with its weight in the models' scores (the whole picture: 1 - traceWeight).
    expect(shown.weights).toEqual(spec ? viewWeightWords(nodeLarge) : { traces: null, image: viewWeightWords(nodeLarge).image });

    if (!spec) {
      // One-view models: no crops, and the explanation says so.
      expect(shown.boxes).toEqual([]);
      expect(shown.none).toBe('These models judge the picture as a whole only (no crops).');
    } else {
      expect(shown.crops).toBeGreaterThan(0);
      expect(shown.crops).toBeLessThanOrEqual(spec.maxCrops);
      expect(shown.boxes).toHaveLength(shown.crops);
      expect(shown.list).toHaveLength(shown.crops);
      expect(shown.label).toMatch(new RegExp(`^${name.replace('.', '\\.')} \\(481x321 px\\) with the ${shown.crops} judged crops outlined`));
      expect(shown.describedBy).toBe('OL');
      expect(shown.painted).toBeGreaterThan(0);
      // Highest first, each the Node path's crop at the same place with the same score; rectangles scaled to the thumbnail.
      const ranked = cropsByScore(nodeLarge.crops);
      const scale = shown.picture!.width / 481;
      expect(shown.picture!.height).toBeCloseTo(321 * scale, 0);
      for (const [i, item] of shown.list.entries()) {
        if (i > 0) expect(item.score).toBeLessThanOrEqual(shown.list[i - 1]!.score);
        const [, rank, x, y, counted] = /^(\d+)\. score \d\.\d{3}: 128x128 px at x (\d+), y (\d+)(?:, (.+))?$/.exec(item.text)!;
        expect(Number(rank)).toBe(i + 1);
        const expected = nodeLarge.crops.find((crop) => crop.left === Number(x) && crop.top === Number(y))!;
        expect(expected, item.text).toBeDefined();
        // Under top-k, whether it counted towards each model's trace score; nothing to say under the geometric mean.
        expect(counted ?? null).toBe(cropCountedWords(expected, spec));
        expect(Math.abs(item.score - expected.score)).toBeLessThan(TOLERANCE);
        expect(Math.abs(item.score - ranked[i]!.score)).toBeLessThan(TOLERANCE);
        const box = shown.boxes.find((b) => b.rank === i + 1)!;
        expect(box.counted).toBe(cropCounted(expected));
        expect(box.text).toBe(`${i + 1} · ${item.score.toFixed(2)}${box.counted === 'none' ? ' · not counted' : ''}`);
        expect(Math.abs(box.left - expected.left * scale)).toBeLessThan(1.5);
        expect(Math.abs(box.top - expected.top * scale)).toBeLessThan(1.5);
        expect(Math.abs(box.width - 128 * scale)).toBeLessThan(1.5);
        expect(Math.abs(box.height - 128 * scale)).toBeLessThan(1.5);
      }
      await card.screenshot({ path: path.join(ROOT, 'test-results/card-crops-desktop.png') });
    }

    // Small pictures say they were judged as a whole; the flagged digit names the whole picture and its statistics.
    const small = page.locator('#results .card', { has: page.locator('.card-title', { hasText: REAL }) });
    expect(await small.locator('.crops-none').textContent()).toMatch(spec ? /^Small picture: judged as a whole/ : /^These models judge the picture as a whole only/);
    const digit = page.locator('#results .card', { has: page.locator('.card-title', { hasText: FAKE }) });
    expect(await digit.getAttribute('data-evidence')).toBe('image');
    if ((await digit.getAttribute('data-verdict')) === 'fake') {
      const words = await digit.locator('.card-body .evidence').textContent();
      expect(words).toMatch(/^Why flagged: The picture as a whole is unlike a photograph/);
      if (manifest.models.svdd.statisticsOutput) expect(words).toMatch(/: .*σ\)/);
    }

    // The table's Why? says the same, with the same crops.
    const index = await page.locator(`#results-table tbody tr`, { has: page.locator('td.file-name', { hasText: name }) }).locator('button[data-explain]').getAttribute('data-explain');
    await page.locator(`#results-table button[data-explain="${index}"]`).click();
    await page.waitForSelector('#explain-panel:not([hidden]) .explain-crops', { timeout: 60_000 });
    const why = page.locator('#explain-panel');
    expect(await why.locator('.explain-evidence').getAttribute('data-evidence')).toBe(nodeLarge.scoredView);
    expect(await why.locator('.explain-evidence').textContent()).toMatch(/(not proof|proves nothing either)\.$/);
    expect(await why.locator('.crop-list li').count()).toBe(nodeLarge.crops.length);
    expect(await why.locator('.crop-box').count()).toBe(nodeLarge.crops.length);
    await page.locator('#explain-close').click();
  });

  it('takes files from drag and drop and from paste, and announces results to screen readers', async () => {
    await page.locator('#clear-results').click();
    expect(await page.locator('#results .card').count()).toBe(0);
    const fixture = readFileSync(path.join(FIXTURES, FAKE)).toString('base64');
    await page.evaluate((base64) => {
      const file = () => new File([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))], 'dropped.png', { type: 'image/png' });
      const dropped = new DataTransfer();
      dropped.items.add(file());
      const zone = document.getElementById('drop-zone')!;
      zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      const pasted = new DataTransfer();
      pasted.items.add(new File([file()], 'pasted.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
    }, fixture);
    await page.waitForFunction(() => document.querySelectorAll('#results .card[data-verdict]').length === 2, null, { timeout: 120_000 });
    const dropped = byName(await readCards(page));
    expect(dropped.get('dropped.png')!.score).toBe(cards.get(FAKE)!.score);
    expect(dropped.get('pasted.png')!.score).toBe(cards.get(FAKE)!.score);
    await page.waitForFunction(() => /Likely generated/.test(document.getElementById('announcer')!.textContent ?? ''), null, { timeout: 10_000 });
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
  });

  it('fetches no model bytes on a second page load (IndexedDB) and gives the same scores', async () => {
    const onnxRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.onnx')) onnxRequests.push(request.url());
    });
    const served = server.requests.length;
    await openApp(page, server.origin, '?ep=wasm');
    expect(await page.locator('#cache-status').textContent()).toContain('loaded from this device');
    const again = byName(await checkFiles(page, [REAL, FAKE]));
    expect(onnxRequests).toEqual([]);
    expect(server.requests.slice(served).filter((request) => request.endsWith('.onnx'))).toEqual([]);
    expect(server.requests.slice(served)).toContain('/models/manifest.json');
    expect(again.get(REAL)!.score).toBe(cards.get(REAL)!.score);
    expect(again.get(FAKE)!.score).toBe(cards.get(FAKE)!.score);
  });
});

describe('WebGPU (SwiftShader on this machine)', () => {
  it('gives the same scores as WASM within 1e-3 on a tiny batch', async () => {
    const context = await browser.newContext();
    const before = server.requests.length;
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=webgpu');
      expect(await page.locator('#execution-provider').textContent()).toMatch(/^WebGPU/);
      // WebGPU needs the JSEP build: its .wasm, not the plain one.
      expect(server.requests.slice(before).filter((request) => request.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.jsep.wasm']);
      const cards = byName(await checkFiles(page, [REAL, FAKE]));
      for (const name of [REAL, FAKE]) {
        const card = cards.get(name)!;
        expect(card.executionProvider).toBe('webgpu');
        expect(wasmCards.has(name)).toBe(true);
        const wasm = wasmCards.get(name)!;
        expectSameScores(card, { score: wasm.score, scores: { svdd: wasm.svdd, autoencoder: wasm.autoencoder } });
      }
      expect(cards.get(REAL)!.verdict).toBe('real');
      expect(cards.get(FAKE)!.verdict).toBe('fake');
    } finally {
      await context.close();
    }
  });
});

describe('a browser without a WebGPU adapter', () => {
  it('falls back to WASM by itself when WebGPU is asked for, and says why', async () => {
    const plain = await launchChromium({ webgpu: false });
    const before = server.requests.length;
    try {
      const page = await plain.newPage();
      await openApp(page, server.origin, '?ep=webgpu');
      // No adapter: the plain WASM build only, even though WebGPU was asked for.
      expect(server.requests.slice(before).filter((request) => request.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
      expect(server.requests.slice(before)).not.toContain('/ort/ort-wasm-simd-threaded.jsep.wasm');
      const engine = page.locator('#execution-provider');
      expect(await engine.textContent()).toContain('WebAssembly');
      expect(await engine.textContent()).toContain('WebGPU unavailable');
      expect(await engine.getAttribute('title')).toMatch(/adapter|WebGPU/);
      const cards = byName(await checkFiles(page, [REAL]));
      expect(cards.get(REAL)!.executionProvider).toBe('wasm');
      // Scored alone here and in a batch there: ORT may sum in another order (the CLI test allows the same 1e-6).
      expect(Math.abs(cards.get(REAL)!.score - wasmCards.get(REAL)!.score)).toBeLessThan(1e-6);
    } finally {
      await plain.close();
    }
  });
});

describe('phone width', () => {
  it('lays out without horizontal scrolling and keeps the controls reachable by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=wasm&cache=off');
      expect(await page.locator('#cache-status').textContent()).toContain('off');
      // The large photo's card has its crops outlined: the phone layout must hold that too.
      await checkFiles(page, [REAL, FAKE, LARGE]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const focusable: string[] = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        focusable.push(await page.evaluate(() => document.activeElement?.id || (document.activeElement as HTMLElement | null)?.dataset.preset || ''));
      }
      expect(focusable).toEqual(expect.arrayContaining(['choose-files', 'sensitive', 'balanced', 'conservative', 'threshold']));
    } finally {
      await context.close();
    }
  });
});
