import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headersFor, parseHeaderRules } from '../../src/deploy/headers';

const shipped = () => parseHeaderRules(readFileSync(path.resolve(import.meta.dirname, '../../public/_headers'), 'utf8'));

/** A Content-Security-Policy header as a browser reads it: comma-separated policies, each a map of directives. */
function policies(header: string): Array<Map<string, string[]>> {
  return header.split(',').map((policy) => new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).filter(([name]) => name).map(([name, ...values]) => [name!, values])));
}

const PATHS = ['/', '/index.html', '/embed.html', '/assets/detector.worker-x.js', '/ort/ort-wasm-simd-threaded.jsep.mjs', '/ort/ort-wasm-simd-threaded.jsep.wasm', '/models/svdd.onnx', '/sw.js'];

describe('_headers rules', () => {
  it('parses patterns, indented headers and comments', () => {
    const rules = parseHeaderRules('# comment\n/*\n  A: 1\n  B: x: y\n\n/page.html\n  A: 2\n  b: z\n');
    expect(rules).toEqual([
      { pattern: '/*', headers: [['A', '1'], ['B', 'x: y']] },
      { pattern: '/page.html', headers: [['A', '2'], ['b', 'z']] },
    ]);
    expect(headersFor(rules, '/other')).toEqual({ A: '1', B: 'x: y' });
    expect(() => parseHeaderRules('  A: 1')).toThrow();
  });

  it('sends every matching rule\'s headers, a repeated header joined with a comma, as Cloudflare Pages and Netlify do', () => {
    const rules = parseHeaderRules('/*\n  A: 1\n  B: x: y\n\n/page.html\n  A: 2\n  b: z\n');
    expect(headersFor(rules, '/page.html')).toEqual({ A: '1, 2', B: 'x: y, z' });
  });

  it('ships COOP/COEP, Referrer-Policy and Permissions-Policy everywhere, an unframeable app and an embeddable widget', () => {
    const rules = shipped();
    for (const pathname of PATHS) {
      const headers = headersFor(rules, pathname);
      expect(headers, pathname).toMatchObject({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Referrer-Policy': 'no-referrer' });
      const permissions = headers['Permissions-Policy']!.split(',').map((item) => item.trim());
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(permissions, pathname).toContain(`${feature}=()`);
    }
    const frameAncestors = (pathname: string) => policies(headersFor(rules, pathname)['Content-Security-Policy']!).flatMap((policy) => policy.get('frame-ancestors') ?? []);
    expect(frameAncestors('/')).toEqual(["'self'"]);
    expect(frameAncestors('/index.html')).toEqual(["'self'"]);
    expect(frameAncestors('/embed.html')).toEqual(['*']);
    expect(frameAncestors('/assets/x.js')).toEqual([]);
    expect(headersFor(rules, '/embed.html')['Cross-Origin-Resource-Policy']).toBe('cross-origin');
    expect(headersFor(rules, '/sw.js')['Cache-Control']).toBe('no-cache');
  });

  it('sends one strict Content-Security-Policy with every file (workers take theirs from their script), pages adding only frame-ancestors', () => {
    const rules = shipped();
    for (const pathname of PATHS) {
      const header = headersFor(rules, pathname)['Content-Security-Policy']!;
      const all = policies(header);
      // Exactly one policy carries the rules; a page's second policy holds frame-ancestors and nothing else.
      const strict = all.filter((policy) => policy.has('default-src'));
      expect(strict, pathname).toHaveLength(1);
      for (const extra of all.filter((policy) => !policy.has('default-src'))) expect([...extra.keys()], pathname).toEqual(['frame-ancestors']);
      const directives = strict[0]!;
      expect(directives.get('script-src'), pathname).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(directives.get('connect-src'), pathname).toEqual(["'self'"]);
      expect(directives.get('object-src'), pathname).toEqual(["'none'"]);
      expect(directives.get('base-uri'), pathname).toEqual(["'self'"]);
      expect(directives.get('default-src'), pathname).toEqual(["'self'"]);
      expect(header).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:/);
    }
  });
});
