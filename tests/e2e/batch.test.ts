/**
 * Issue 5 in the built app, Debian's Chromium, real models: a 200-image batch whose CSV and JSON exports are
 * checked field by field against the Node path, evaluation mode reproducing the Node AUROC, the
 * reconstruction / error heat map (drawn, toggled), and memory staying flat over a 1,000-image batch.
 * Fixtures are written from ../shared/data with sharp into a temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/detector/export';
import { EVIDENCE_SHORT } from '../../src/detector/evidence';
import type { ModelManifest } from '../../src/detector/manifest';
import { parseManifest } from '../../src/detector/manifest';
import { auroc } from '../../src/detector/metrics';
import type { FileOutcome } from '../../src/node/node-detector';
import { createNodeDetector } from '../../src/node/node-detector';
import { loadImageSet } from '../../src/node/datasets';
import type { StaticServer } from './harness';
import { DIST, FIXTURES, launchChromium, openApp, pageHeapReader, serveDist, writeResults } from './harness';

const TOLERANCE = 1e-3;
const BIG_BATCH = 1000;

let dir: string;
let server: StaticServer;
let browser: Browser;
let manifest: ModelManifest;
/** The 200-image batch: 196 images and 4 files that are not images. */
const batchFiles: string[] = [];
const badNames = new Set(['bad-000.png', 'bad-001.jpg', 'bad-002.webp', 'bad-003.png']);
const evalReal: string[] = [];
const evalFake: string[] = [];
const bigFiles: string[] = [];
const nodeScores = new Map<string, FileOutcome>();

async function writeSetImages(set: string, first: number, count: number, folder: string, format: 'png' | 'jpg', into: string[]): Promise<void> {
  const images = (await loadImageSet(set, { limit: first + count })).images.slice(first);
  mkdirSync(folder, { recursive: true });
  for (const [i, image] of images.entries()) {
    const file = path.join(folder, `${set}-${String(first + i).padStart(5, '0')}.${format}`);
    const pipeline = sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 4 } }).removeAlpha();
    await (format === 'png' ? pipeline.png() : pipeline.jpeg({ quality: 92 })).toFile(file);
    into.push(file);
  }
}

beforeAll(async () => {
  manifest = parseManifest(JSON.parse(readFileSync(path.join(DIST, 'models/manifest.json'), 'utf8')));
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-batch-'));
  const batchDir = path.join(dir, 'batch');
  await writeSetImages('cifar10_test', 0, 120, batchDir, 'png', batchFiles);
  await writeSetImages('cifar10_test', 120, 20, batchDir, 'jpg', batchFiles);
  await writeSetImages('mnist_test', 0, 30, batchDir, 'png', batchFiles);
  await writeSetImages('fake_cifar_like', 0, 26, batchDir, 'png', batchFiles);
  for (const name of badNames) {
    writeFileSync(path.join(batchDir, name), name.endsWith('3.png') ? readFileSync(batchFiles[0]!).subarray(0, 60) : 'not an image\n');
    batchFiles.push(path.join(batchDir, name));
  }
  // Labelled sets: real CIFAR-10 photos against generated CIFAR-like images (a hard pair: AUROC well below 1).
  await writeSetImages('cifar10_test', 500, 12, path.join(dir, 'real'), 'png', evalReal);
  await writeSetImages('fake_cifar_like', 300, 12, path.join(dir, 'fake'), 'png', evalFake);

  const node = await createNodeDetector({ backend: 'node' });
  for (const outcome of await node.scoreFiles([...batchFiles, ...evalReal, ...evalFake])) nodeScores.set(outcome.file, outcome);
  await node.dispose();

  server = await serveDist();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitForFinished(page: Page, count: number, timeout = 240_000): Promise<void> {
  await page.waitForFunction((expected) => Number(document.getElementById('results-table-section')!.dataset.finished) >= expected, count, { timeout });
}

async function downloadText(page: Page, button: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

describe('batch, evaluation and explanations on WASM', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    await openApp(page, server.origin, '?ep=wasm');
  });

  afterAll(async () => {
    await context?.close();
  });

  it('scores a 200-file batch into the table (no cards), with a progress bar, and exports CSV and JSON field by field', async () => {
    const started = Date.now();
    await page.locator('#file-input').setInputFiles(batchFiles);
    await page.waitForFunction(() => !document.getElementById('batch-progress-panel')!.hidden, null, { timeout: 60_000 });
    await waitForFinished(page, batchFiles.length);
    const seconds = (Date.now() - started) / 1000;
    console.log(`200-file batch: ${seconds.toFixed(1)} s, ${(batchFiles.length / seconds).toFixed(1)} files/s`);
    expect(await page.locator('#results .card').count()).toBe(0);
    expect(await page.locator('#card-note').isVisible()).toBe(true);
    expect(await page.locator('#results-table tbody tr').count()).toBe(100);
    expect(await page.locator('#table-page').textContent()).toContain('of 200');
    // Each scored row says which evidence fired (flagged) or which view it was judged on, and what the metadata says.
    // Highest scores first, so the first page holds flagged pictures (the MNIST digits) and real ones alike: in the
    // order added it is the first 100 files, CIFAR-10 photos, which may all be judged real.
    await page.locator('#table-sort').selectOption('score-desc');
    const tableRows = await page.$$eval('#results-table tbody tr[data-score]', (rows) =>
      rows.map((row) => ({ verdict: (row as HTMLElement).dataset.verdict, evidence: (row as HTMLElement).dataset.evidence, cells: [...row.querySelectorAll('td')].map((td) => td.textContent) })));
    expect(tableRows.length).toBeGreaterThan(50);
    expect(tableRows.some((row) => row.verdict === 'fake') && tableRows.some((row) => row.verdict === 'real')).toBe(true);
    for (const row of tableRows) {
      expect(row.evidence).toBe('image'); // 32x32 pictures: judged as a whole
      expect(row.cells[6]).toBe(row.verdict === 'fake' ? EVIDENCE_SHORT.image : 'Judged as a whole');
      expect(row.cells[7]).toMatch(/^No provenance metadata/);
    }
    await page.locator('#table-sort').selectOption('added');

    const threshold = manifest.thresholds.default;
    const byName = (file: string) => nodeScores.get(batchFiles.find((f) => path.basename(f) === file)!)!;
    const csv = parseCsv(await downloadText(page, '#export-csv'));
    const json = JSON.parse(await downloadText(page, '#export-json')) as Array<Record<string, any>>;
    expect(csv).toHaveLength(200);
    expect(json).toHaveLength(200);
    expect(csv.map((row) => row.file)).toEqual(batchFiles.map((file) => path.basename(file)));
    expect(json.map((row) => row.file)).toEqual(batchFiles.map((file) => path.basename(file)));
    for (const [i, row] of csv.entries()) {
      const record = json[i]!;
      const expected = byName(row.file!);
      expect(row.modelVersion).toBe(manifest.version);
      expect(record.modelVersion).toBe(manifest.version);
      expect(Number(row.threshold)).toBe(threshold);
      expect(record.threshold).toBe(threshold);
      if (badNames.has(row.file!)) {
        expect(expected.ok).toBe(false);
        expect(row.verdict).toBe('error');
        expect(row.score).toBe('');
        expect(row.error).not.toBe('');
        expect(row.evidence).toBe('');
        expect(Object.keys(record).sort()).toEqual(['error', 'file', 'modelVersion', 'threshold']);
        continue;
      }
      if (!expected.ok) throw new Error(`Node could not read ${row.file}`);
      const { judgement } = expected;
      expect(Math.abs(Number(row.score) - judgement.score)).toBeLessThan(TOLERANCE);
      expect(Math.abs(Number(row.svdd) - judgement.scores.svdd)).toBeLessThan(TOLERANCE);
      expect(Math.abs(Number(row.autoencoder) - judgement.scores.autoencoder)).toBeLessThan(TOLERANCE);
      expect(row.verdict).toBe(Number(row.score) >= threshold ? 'fake' : 'real');
      expect(row.error).toBe('');
      expect(Object.keys(record).sort()).toEqual(['crops', 'evidence', 'file', 'isFake', 'modelVersion', 'provenance', 'score', 'scores', 'threshold']);
      // 32x32 pictures: judged as a whole, no crops; the view that carried the score as the Node path says.
      expect(row.evidence).toBe(judgement.scoredView);
      expect(record.evidence).toBe(judgement.scoredView);
      expect(record.crops).toEqual([]);
      // These test images carry no metadata: the export says so in words, and the metadata columns are empty.
      expect(row.provenance).toMatch(/^No provenance metadata/);
      expect([row.c2pa, row.metadataAi, row.generator, row.camera]).toEqual(['', '', '', '']);
      expect(record.score).toBe(Number(row.score));
      expect(record.scores).toEqual({ svdd: Number(row.svdd), autoencoder: Number(row.autoencoder) });
      expect(record.isFake).toBe(row.verdict === 'fake');
    }
    // The digits are flagged at the default threshold.
    expect(csv.filter((row) => row.file!.startsWith('mnist_test') && row.verdict === 'fake').length).toBeGreaterThan(25);
  });

  it('sorts the table by score and filters it to flagged images; a preset re-judges the export without inference', async () => {
    await page.locator('#table-sort').selectOption('score-desc');
    const scores = await page.$$eval('#results-table tbody tr[data-score]', (rows) => rows.map((row) => Number((row as HTMLElement).dataset.score)));
    expect(scores.length).toBeGreaterThan(50);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]!);
    await page.locator('#table-flagged-only').check();
    const verdicts = await page.$$eval('#results-table tbody tr', (rows) => rows.map((row) => (row as HTMLElement).dataset.verdict));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(new Set(verdicts)).toEqual(new Set(['fake']));
    await page.locator('#table-flagged-only').uncheck();
    await page.locator('#table-sort').selectOption('added');

    await page.locator('button[data-preset="sensitive"]').click();
    const csv = parseCsv(await downloadText(page, '#export-csv'));
    const sensitive = manifest.thresholds.presets.sensitive.threshold;
    for (const row of csv.filter((r) => r.verdict !== 'error')) {
      expect(Number(row.threshold)).toBe(sensitive);
      expect(row.verdict).toBe(Number(row.score) >= sensitive ? 'fake' : 'real');
    }
    await page.locator(`button[data-preset="${manifest.thresholds.defaultPreset}"]`).click();
  });

  it('shows the reconstruction and error heat map from a table row, and on the cards of a small drop, with a working toggle', async () => {
    await page.locator('#results-table tbody button[data-explain]').first().click();
    await page.waitForSelector('#explain-panel:not([hidden]) canvas.explain-heatmap', { timeout: 60_000 });
    expect(await page.locator('#explain-title').textContent()).toContain(path.basename(batchFiles[0]!));

    await page.locator('#clear-results').click();
    await page.locator('#file-input').setInputFiles([evalReal[0]!, evalFake[0]!]);
    await page.waitForFunction(() => document.querySelectorAll('#results .card .explain canvas.explain-heatmap').length === 2, null, { timeout: 120_000 });
    const drawn = await page.$$eval('#results .card', (cards) =>
      cards.map((card) => {
        const painted = (canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          let opaque = 0;
          const distinct = new Set<number>();
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! > 0) opaque++;
            distinct.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          }
          return { width: canvas.width, opaque, colours: distinct.size };
        };
        const thumbnail = card.querySelector<HTMLCanvasElement>('.thumb canvas')!;
        return {
          input: painted(card.querySelector<HTMLCanvasElement>('canvas.explain-input')!),
          heatmap: painted(card.querySelector<HTMLCanvasElement>('canvas.explain-heatmap')!),
          reconstruction: painted(card.querySelector<HTMLCanvasElement>('canvas.explain-reconstruction')!),
          thumbnail: { width: thumbnail.width, height: thumbnail.height },
          meanError: Number((card.querySelector('.explain') as HTMLElement).dataset.meanError),
        };
      }),
    );
    for (const card of drawn) {
      expect(card.input).toMatchObject({ width: 128, opaque: 128 * 128 });
      expect(card.input.colours).toBeGreaterThan(50);
      expect(card.reconstruction).toMatchObject({ width: 32, opaque: 32 * 32 });
      expect(card.reconstruction.colours).toBeGreaterThan(20);
      expect(card.heatmap.width).toBe(32);
      // See-through where the error is low, coloured where it is high.
      expect(card.heatmap.opaque).toBeGreaterThan(100);
      expect(card.heatmap.colours).toBeGreaterThan(20);
      expect(card.meanError).toBeGreaterThan(0);
      // Thumbnails are small bitmaps, not the pictures.
      expect(Math.max(card.thumbnail.width, card.thumbnail.height)).toBeLessThanOrEqual(96);
    }
    const heatmap = page.locator('#results .card').first().locator('canvas.explain-heatmap');
    const toggle = page.locator('#results .card').first().locator('input.heatmap-toggle');
    expect(await heatmap.isVisible()).toBe(true);
    await toggle.uncheck();
    expect(await heatmap.isVisible()).toBe(false);
    await toggle.check();
    expect(await heatmap.isVisible()).toBe(true);

    // A digit reconstructs well; the explanation names what is unnatural about it instead (Deep SVDD's statistics).
    await page.locator('#clear-results').click();
    await page.locator('#file-input').setInputFiles([evalReal[0]!, path.join(FIXTURES, 'mnist_test_0.png')]);
    await page.waitForFunction(() => document.querySelectorAll('#results .card .explain .explain-statistics').length === 2, null, { timeout: 120_000 });
    const statistics = await page.$$eval('#results .card .explain-statistics', (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(statistics[0]).toContain('within the range of natural photos');
    expect(statistics[1]).toMatch(/^Unlike natural photos: .*less colour than photos have/);
    await page.locator('#clear-results').click();
  });

  it('evaluation mode on labelled sets gives the AUROC the Node evaluation computes, and applies a suggested threshold', async () => {
    await page.locator('#eval-real-input').setInputFiles(evalReal);
    await page.locator('#eval-fake-input').setInputFiles(evalFake);
    await page.waitForFunction(() => document.getElementById('evaluation-results')!.dataset.auroc !== undefined && /^12 scored$/.test(document.getElementById('eval-fake-count')!.textContent ?? '') && /^12 scored$/.test(document.getElementById('eval-real-count')!.textContent ?? ''), null, { timeout: 120_000 });
    const score = (file: string) => {
      const outcome = nodeScores.get(file)!;
      if (!outcome.ok) throw new Error(outcome.error);
      return outcome.judgement.score;
    };
    const nodeAuroc = auroc(evalReal.map(score), evalFake.map(score));
    const browserAuroc = Number(await page.locator('#evaluation-results').getAttribute('data-auroc'));
    console.log(`evaluation AUROC: browser ${browserAuroc}, Node ${nodeAuroc}`);
    expect(Math.abs(browserAuroc - nodeAuroc)).toBeLessThan(1e-3);
    expect(Number(await page.locator('#eval-auroc').getAttribute('data-value'))).toBe(browserAuroc);

    // Charts: ROC polyline and histogram bars in SVG with labelled axes.
    expect(await page.locator('#evaluation-results svg .chart-roc').count()).toBe(1);
    expect(await page.locator('#evaluation-results svg .chart-bar-real, #evaluation-results svg .chart-bar-fake').count()).toBeGreaterThan(2);
    const titles = await page.$$eval('#evaluation-results svg .chart-title', (nodes) => nodes.map((n) => n.textContent));
    expect(titles).toEqual(expect.arrayContaining(['False positive rate (real images flagged)', 'True positive rate (fakes caught)', 'Ensemble score', 'Images']));
    // Confusion matrix sums to the images; preset table has a row per preset.
    const cells = (await page.$$eval('#eval-confusion tbody td', (nodes) => nodes.map((n) => Number(n.textContent))));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(24);
    expect(await page.locator('#eval-presets tbody tr').count()).toBe(3);

    const apply = page.locator('#evaluation-results button[data-criterion="f1"]');
    const suggested = Number(await apply.getAttribute('data-threshold'));
    await apply.click();
    expect(Number(await page.locator('#threshold').inputValue())).toBeCloseTo(suggested, 4);
    expect(await page.locator('#eval-confusion caption').textContent()).toContain(suggested.toFixed(4));
    await page.locator(`button[data-preset="${manifest.thresholds.defaultPreset}"]`).click();

    // At phone width the wide tables scroll on their own; the page does not.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe(`a ${BIG_BATCH}-image batch`, () => {
  it('keeps page memory flat, shows progress with a rate, and can be cancelled', async () => {
    const folder = path.join(dir, 'big');
    await writeSetImages('cifar10_test', 1000, BIG_BATCH, folder, 'png', bigFiles);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openApp(page, server.origin, '?ep=wasm');
      const heap = await pageHeapReader(context, page);
      const before = await heap();
      const started = Date.now();
      await page.locator('#file-input').setInputFiles(bigFiles);
      await waitForFinished(page, 200);
      const at200 = await heap();
      const progress = await page.locator('#batch-progress-text').textContent();
      expect(progress).toMatch(/of 1000 checked · [\d.]+ images\/s/);
      await waitForFinished(page, BIG_BATCH, 600_000);
      const seconds = (Date.now() - started) / 1000;
      const after = await heap();
      console.log(`${BIG_BATCH} images: ${seconds.toFixed(1)} s (${(BIG_BATCH / seconds).toFixed(1)} images/s); page JS heap ${before.toFixed(1)} MB before, ${at200.toFixed(1)} MB at 200, ${after.toFixed(1)} MB at ${BIG_BATCH}`);
      const mb = (value: number) => Math.round(value * 100) / 100;
      writeResults('batch', browser, {
        test: 'tests/e2e/batch.test.ts',
        executionProvider: 'wasm',
        images: BIG_BATCH,
        seconds: Math.round(seconds * 10) / 10,
        imagesPerSecond: Math.round((BIG_BATCH / seconds) * 10) / 10,
        pageHeapMB: { before: mb(before), at200: mb(at200), atEnd: mb(after) },
      });
      // Flat: the last 800 images cost less than 15 MB of page heap in all (a few numbers each).
      expect(after - at200).toBeLessThan(15);
      expect(await page.locator('#results .card').count()).toBe(0);
      expect(await page.locator('#results-table tbody tr').count()).toBe(100);

      // Cancel: a second drop stops after the chunk in flight and drops the rest.
      await page.locator('#clear-results').click();
      await page.locator('#file-input').setInputFiles(bigFiles.slice(0, 400));
      await waitForFinished(page, 16);
      await page.locator('#batch-cancel').click();
      await page.waitForFunction(() => document.getElementById('batch-progress-panel')!.hidden, null, { timeout: 60_000 });
      const finished = Number(await page.locator('#results-table-section').getAttribute('data-finished'));
      expect(finished).toBeLessThan(400);
      expect(await page.locator('#table-page').textContent()).toContain(`of ${finished}`);
    } finally {
      await context.close();
    }
  }, 600_000);
});
