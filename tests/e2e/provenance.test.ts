/**
 * Issue 11 in the built app, Debian's Chromium, real models: every provenance fixture (the 18 shared files and
 * the generated cases, hostile metadata included) dropped on the page gets a verdict and a metadata line that
 * reads as listed; the readers and the C2PA WebAssembly are fetched only once a file needs them (a file without
 * metadata fetches nothing), from the app's own origin, once; after a reload nothing is fetched at all; metadata
 * never changes the score.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provenance } from '../../src/detector/provenance';
import {
  GENERATED_EXPECTATIONS,
  PROVENANCE_EXPECTATIONS,
  provenanceDir,
  provenanceMismatches,
  writeGeneratedProvenanceFixtures,
} from '../fixtures/provenance';
import type { StaticServer } from './harness';
import { FIXTURES, launchChromium, openApp, serveDist } from './harness';

let dir: string;
let server: StaticServer;
let browser: Browser;
let files: string[];

const EXPECTATIONS = { ...PROVENANCE_EXPECTATIONS, ...GENERATED_EXPECTATIONS };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'deepfake-provenance-e2e-'));
  const generated = await writeGeneratedProvenanceFixtures(dir);
  files = [...Object.keys(PROVENANCE_EXPECTATIONS).map((name) => path.join(provenanceDir(), name)), ...generated.map((name) => path.join(dir, name))];
  // The same pixels as sdparams__SD.png without its text chunk: the score must not move.
  writeFileSync(path.join(dir, 'SD-stripped.png'), await sharp(path.join(provenanceDir(), 'sdparams__SD.png')).png().toBuffer());
  server = await serveDist();
  browser = await launchChromium({ webgpu: false });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ProvenanceCard {
  name: string;
  verdict: string;
  score: number;
  provenance: Provenance | null;
  line: string | null;
  hasDetails: boolean;
}

async function dropAndRead(page: Page, paths: string[]): Promise<ProvenanceCard[]> {
  const before = await page.locator('#results .card').count();
  await page.locator('#file-input').setInputFiles(paths);
  await page.waitForFunction((count) => document.querySelectorAll('#results .card[data-verdict]').length >= count, before + paths.length, { timeout: 240_000 });
  const cards = await page.$$eval('#results .card', (elements) =>
    elements.map((element) => {
      const card = element as HTMLElement;
      return {
        name: card.querySelector('.card-title')?.textContent ?? '',
        verdict: card.dataset.verdict ?? '',
        score: Number(card.dataset.score),
        provenance: card.dataset.provenance ? (JSON.parse(card.dataset.provenance) as Provenance) : null,
        line: card.querySelector('.provenance-summary')?.textContent ?? null,
        hasDetails: card.querySelector('.provenance details') !== null,
      };
    }),
  );
  return cards.slice(before);
}

const provenanceAsset = (url: string) => /\/assets\/(provenance\.worker-|c2pa-glue-|c2pa_bg-)[\w-]+\.(js|wasm)$/.test(url);

describe('provenance metadata in the page', () => {
  it('reads every fixture as listed beside an unchanged verdict, loading the readers only when needed and once', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await openApp(page, server.origin, '?ep=wasm');
      // The service worker installs (and precaches) on its own schedule: let it finish, so that the request log
      // below holds only what reading metadata asked for.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.waitForTimeout(1000);
      const served = server.requests.length;

      // A file without metadata: answered by the sniff in the detector's worker, nothing fetched.
      const [plain] = await dropAndRead(page, [path.join(FIXTURES, 'cifar10_test_0.png')]);
      expect(plain!.line).toBe('No provenance metadata: most sites strip it, so this says nothing either way');
      // Wall time, overlapping the decoding on the same thread; the check's own cost is in npm run bench:provenance.
      expect(plain!.provenance!.ms).toBeLessThan(50);
      expect(server.requests.slice(served)).toEqual([]);

      const cards = await dropAndRead(page, files);
      // The browser's own service worker checks (sw.js and the Workbox runtime it imports) run on its schedule,
      // not because of reading: they are left out; anything else counts.
      const serviceWorkerCheck = (url: string) => url === '/sw.js' || /^\/workbox-[\w-]+\.js$/.test(url);
      const fetched = server.requests.slice(served).filter((url) => !serviceWorkerCheck(url));
      const mismatches: string[] = [];
      for (const card of cards) {
        const name = card.name;
        // Every file is scored, hostile metadata included: the metadata never stops (or changes) the verdict.
        expect(['real', 'fake'], name).toContain(card.verdict);
        expect(card.provenance, name).not.toBeNull();
        expect(card.line, name).toBe(card.provenance!.summary);
        mismatches.push(...provenanceMismatches(name, card.provenance!, EXPECTATIONS[name]!));
        if (card.provenance!.details.length > 0) expect(card.hasDetails, name).toBe(true);
      }
      expect(mismatches).toEqual([]);
      expect(cards.map((card) => card.name).sort()).toEqual(Object.keys(EXPECTATIONS).sort());
      console.info(`page provenance:\n${cards.map((card) => `${card.name.padEnd(58)} ${card.line}`).join('\n')}`);

      // What was fetched while reading: only the provenance worker, the C2PA glue and its .wasm, each once, from
      // this origin (the request log is the server's: nothing else was asked of any server).
      expect(fetched.every(provenanceAsset), fetched.join(', ')).toBe(true);
      expect(fetched.filter((url) => url.endsWith('.wasm'))).toHaveLength(1);
      expect(new Set(fetched).size).toBe(fetched.length);
      expect(pageErrors).toEqual([]);

      // Metadata is not evidence for the models: the same pixels without the chunk score the same.
      const [stripped] = await dropAndRead(page, [path.join(dir, 'SD-stripped.png')]);
      const original = cards.find((card) => card.name === 'sdparams__SD.png')!;
      expect(Math.abs(stripped!.score - original.score)).toBeLessThan(1e-6);
      expect(stripped!.provenance!.summary).toMatch(/^No provenance metadata/);

      // After a reload the readers come from the caches: reading the C2PA files again fetches nothing.
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 180_000 });
      const afterReload = server.requests.length;
      const again = await dropAndRead(page, files.filter((file) => path.basename(file).startsWith('c2pa_')));
      expect(again.every((card) => card.provenance?.c2pa)).toBe(true);
      expect(server.requests.slice(afterReload).filter((url) => !serviceWorkerCheck(url))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
