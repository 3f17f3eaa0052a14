/**
 * examples/host.html, the page integrators copy, frames only http(s) widget URLs: `?widget=javascript:...` would
 * otherwise become the iframe's src and run in the host's origin (script injection from a link). Needs no build:
 * the page is served as it is, and the widget address given to it may point anywhere.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, launchChromium } from './harness';

let browser: Browser;
let origin: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const html = readFileSync(path.join(ROOT, 'examples/host.html'), 'utf8');
  const server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/host.html') return void response.writeHead(404).end('not found');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

/** Opens host.html with this widget address; returns what the page did with it. */
async function open(page: Page, widget: string) {
  await page.goto(`${origin}/host.html?widget=${encodeURIComponent(widget)}`);
  // A javascript: src runs as soon as the frame navigates; give it time to.
  await page.waitForTimeout(500);
  return page.evaluate(() => ({
    injected: (window as unknown as { __injected?: boolean }).__injected ?? false,
    src: document.querySelector('iframe')!.getAttribute('src'),
    summary: document.getElementById('summary')!.textContent,
  }));
}

describe('examples/host.html', () => {
  // Each payload ends in // so that the query string the page appends (?origins=...) is a comment, not a syntax error.
  const attacks = ['javascript:parent.__injected=true//', ' JavaScript:parent.__injected=true//', 'data:text/html,<script>parent.__injected=true</script>', 'not a url'];
  for (const widget of attacks) {
    it(`refuses ${JSON.stringify(widget)} as the widget URL: nothing runs, no frame src`, async () => {
      const page = await browser.newPage();
      try {
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        const seen = await open(page, widget);
        expect(seen.injected).toBe(false);
        expect(seen.src).toBeNull();
        expect(seen.summary).toMatch(/^Refused: the widget URL must be an http:\/\/ or https:\/\/ address/);
        expect(errors).toEqual(['widget URL refused: only http(s) URLs are framed']);
      } finally {
        await page.close();
      }
    });
  }

  it('frames an http(s) widget URL, with this page as the only origin the widget may talk to', async () => {
    const page = await browser.newPage();
    try {
      const seen = await open(page, 'https://detector.example/embed.html?preset=balanced');
      expect(seen.injected).toBe(false);
      const src = new URL(seen.src!);
      expect(`${src.origin}${src.pathname}`).toBe('https://detector.example/embed.html');
      expect(src.searchParams.get('origins')).toBe(origin);
    } finally {
      await page.close();
    }
  });
});
