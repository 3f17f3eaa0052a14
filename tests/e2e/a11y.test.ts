/**
 * Accessibility of the built app in Chromium, real models:
 *  - axe-core (the npm package, injected into every frame before the page's own scripts, so the page's CSP does
 *    not apply to it) audits the page with results, with the evaluation panel filled, with an explanation open,
 *    and the widget with a result, each in the light and the dark theme: no serious or critical violation.
 *  - a keyboard-only walk: Tab to "Choose images…" and open the picker, a preset, the slider with the arrow keys,
 *    "Why?" on a table row opened with Enter and closed with Escape; every element focused on the way shows a
 *    focus ring (:focus-visible with a computed outline or box-shadow).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, FileChooser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from './harness';
import { FIXTURES, ROOT, checkFiles, launchChromium, openApp, serveDist } from './harness';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const REAL = ['cifar10_test_0.png', 'cifar10_test_1.png'];
const FAKE = ['mnist_test_0.png'];
/** A photograph larger than the 128 px crops (BSDS500 validation, ../shared/data): its card and explanation outline the judged crops. */
const LARGE = path.join(ROOT, '../shared/data/photos/val/bsds_100007.jpg');
const THEMES = ['light', 'dark'] as const;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveDist();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newContext(theme: (typeof THEMES)[number]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: theme });
  await context.addInitScript({ path: AXE_SOURCE });
  return context;
}

interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** axe's serious and critical violations in one frame (its whole document); logs a one-line summary per view. */
async function seriousViolations(frame: Page | Frame, view: string): Promise<Finding[]> {
  const results = await frame.evaluate(
    () => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }),
  );
  const byImpact = results.violations.map((violation) => `${violation.id} (${violation.impact ?? 'n/a'})`);
  console.log(`axe ${view}: ${results.passes.length} rules passed, ${results.incomplete.length} need review, violations: ${byImpact.join(', ') || 'none'}`);
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
}

describe.each(THEMES)('axe-core audit, %s theme: no serious or critical violations', (theme) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext(theme);
    page = await context.newPage();
    await openApp(page, server.origin, '?ep=wasm');
  });

  afterAll(async () => {
    await context?.close();
  });

  it('the page with results (cards, table, a file it cannot read)', async () => {
    await checkFiles(page, [...REAL, ...FAKE, LARGE, 'not-an-image.png']);
    await page.waitForSelector('#results-table tbody button[data-explain]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    expect(await seriousViolations(page, `page with results, ${theme}`)).toEqual([]);
  });

  it('the evaluation panel with its results', async () => {
    await page.locator('#eval-real-input').setInputFiles(REAL.map((file) => path.join(FIXTURES, file)));
    await page.locator('#eval-fake-input').setInputFiles(FAKE.map((file) => path.join(FIXTURES, file)));
    await page.waitForFunction(() => document.getElementById('evaluation-results')!.dataset.auroc !== undefined && !document.getElementById('evaluation-results')!.hidden, null, { timeout: 120_000 });
    expect(await page.locator('#evaluation-results svg').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page, `evaluation panel, ${theme}`)).toEqual([]);
  });

  it('an explanation open ("Why?" on a table row)', async () => {
    // The large photo's: its judged crops are outlined (two-view models) or it says it was judged as a whole.
    await page.locator('#results-table tbody tr', { has: page.locator('td.file-name', { hasText: path.basename(LARGE) }) }).locator('button[data-explain]').click();
    await page.waitForSelector('#explain-panel:not([hidden]) canvas.explain-heatmap', { timeout: 60_000 });
    await page.waitForSelector('#explain-panel .explain-crops');
    expect(await seriousViolations(page, `explanation open, ${theme}`)).toEqual([]);
  });

  it('the widget (embed.html) with a result', async () => {
    const widget = await context.newPage();
    await widget.goto(`${server.origin}/embed.html?ep=wasm&theme=${theme}`);
    await widget.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 180_000 });
    await widget.locator('#file-input').setInputFiles(path.join(FIXTURES, REAL[0]!));
    await widget.waitForFunction(() => document.getElementById('drop-zone')!.dataset.verdict !== undefined, null, { timeout: 60_000 });
    expect(await seriousViolations(widget, `widget, ${theme}`)).toEqual([]);
    await widget.close();
  });
});

/** What is focused now, and whether it shows a focus ring. */
function focusState(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { description: 'body', ring: false, focusVisible: false };
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    const label = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
    return {
      description: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.dataset.explain !== undefined ? `[data-explain=${element.dataset.explain}]` : ''} "${label}"`,
      ring: outline || shadow,
      focusVisible: element.matches(':focus-visible'),
    };
  });
}

describe('keyboard only', () => {
  it('reaches, opens and closes everything with Tab, Enter, the arrow keys and Escape, with a visible focus ring at every stop', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const stops: string[] = [];
    // Listening from the start makes Playwright intercept file choosers before any key is pressed (a listener
    // added together with the key press can miss the dialog).
    const choosers: FileChooser[] = [];
    page.on('filechooser', (chooser) => choosers.push(chooser));
    try {
      await openApp(page, server.origin, '?ep=wasm');

      /** Tabs until `selector` has focus, checking the ring on every element focused on the way. */
      const tabTo = async (selector: string, limit = 80) => {
        for (let presses = 0; presses < limit; presses++) {
          await page.keyboard.press('Tab');
          const state = await focusState(page);
          stops.push(state.description);
          expect(state, `focus ring on ${state.description}`).toMatchObject({ ring: true, focusVisible: true });
          if (await page.evaluate((target) => document.activeElement?.matches(target) ?? false, selector)) return;
        }
        throw new Error(`${selector} not reached in ${limit} Tab presses: ${stops.join(' → ')}`);
      };
      const expectRing = async () => {
        const state = await focusState(page);
        expect(state, `focus ring on ${state.description}`).toMatchObject({ ring: true, focusVisible: true });
      };

      // The picker: Enter on "Choose images…" opens the browser's file chooser.
      await tabTo('#choose-files');
      await page.keyboard.press('Enter');
      await expect.poll(() => choosers.length, { timeout: 10_000 }).toBe(1);
      const chooser = choosers[0]!;
      expect(chooser.isMultiple()).toBe(true);
      expect(await chooser.element().evaluate((input) => (input as HTMLInputElement).id)).toBe('file-input');
      await chooser.setFiles([...REAL, ...FAKE].map((file) => path.join(FIXTURES, file)));
      await page.waitForFunction((count) => document.querySelectorAll('#results .card[data-verdict]').length === count, REAL.length + FAKE.length, { timeout: 120_000 });

      // A preset: focus moves to the presets group; Enter picks the focused one.
      const threshold = () => page.locator('#threshold').inputValue();
      await tabTo('#presets button');
      const presetName = await page.evaluate(() => document.activeElement?.textContent ?? '');
      let before = await threshold();
      // The first preset may be the one in use: pick the next one if so.
      if ((await page.evaluate(() => document.activeElement?.getAttribute('aria-pressed'))) === 'true') await tabTo('#presets button[aria-pressed="false"]');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-pressed'))).toBe('true');
      expect(await threshold(), `preset after ${presetName}`).not.toBe(before);
      await expectRing();

      // The slider: the arrow keys move it.
      await tabTo('#threshold');
      before = await threshold();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      const raised = Number(await threshold());
      expect(raised).toBeGreaterThan(Number(before));
      await page.keyboard.press('ArrowLeft');
      expect(Number(await threshold())).toBeLessThan(raised);
      await expectRing();

      // "Why?" on a table row: Enter opens the explanation (focus goes to its title), Escape closes it and gives
      // focus back to the same button.
      await tabTo('#results-table tbody button[data-explain]', 120);
      const opener = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.explain);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#explain-panel:not([hidden]) canvas.explain-heatmap', { timeout: 60_000 });
      await page.waitForFunction(() => document.activeElement?.id === 'explain-title');
      await expectRing();
      await page.keyboard.press('Escape');
      expect(await page.locator('#explain-panel').isHidden()).toBe(true);
      expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.explain)).toBe(opener);
      await expectRing();
    } finally {
      await context.close();
    }
  });
});
