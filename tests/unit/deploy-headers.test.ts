import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headersFor, parseHeaderRules } from '../../src/deploy/headers';

describe('_headers rules', () => {
  it('parses patterns, indented headers and comments', () => {
    const rules = parseHeaderRules('# comment\n/*\n  A: 1\n  B: x: y\n\n/page.html\n  A: 2\n');
    expect(rules).toEqual([
      { pattern: '/*', headers: [['A', '1'], ['B', 'x: y']] },
      { pattern: '/page.html', headers: [['A', '2']] },
    ]);
    expect(headersFor(rules, '/page.html')).toEqual({ A: '2', B: 'x: y' });
    expect(headersFor(rules, '/other')).toEqual({ A: '1', B: 'x: y' });
    expect(() => parseHeaderRules('  A: 1')).toThrow();
  });

  it('ships COOP/COEP everywhere, an unframeable app and an embeddable widget', () => {
    const rules = parseHeaderRules(readFileSync(path.resolve(import.meta.dirname, '../../public/_headers'), 'utf8'));
    for (const pathname of ['/', '/index.html', '/embed.html', '/assets/x.js', '/ort/ort-wasm-simd-threaded.jsep.wasm']) {
      expect(headersFor(rules, pathname)).toMatchObject({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    }
    expect(headersFor(rules, '/')['Content-Security-Policy']).toMatch(/; frame-ancestors 'self'$/);
    expect(headersFor(rules, '/index.html')['Content-Security-Policy']).toMatch(/; frame-ancestors 'self'$/);
    expect(headersFor(rules, '/embed.html')['Content-Security-Policy']).toMatch(/; frame-ancestors \*$/);
    expect(headersFor(rules, '/embed.html')['Cross-Origin-Resource-Policy']).toBe('cross-origin');
    expect(headersFor(rules, '/sw.js')['Cache-Control']).toBe('no-cache');
  });

  it('sends one strict Content-Security-Policy with every file (workers take theirs from their script)', () => {
    const rules = parseHeaderRules(readFileSync(path.resolve(import.meta.dirname, '../../public/_headers'), 'utf8'));
    for (const pathname of ['/', '/index.html', '/embed.html', '/assets/detector.worker-x.js', '/ort/ort-wasm-simd-threaded.jsep.mjs', '/sw.js']) {
      const policy = headersFor(rules, pathname)['Content-Security-Policy']!;
      const directives = new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
      expect(directives.get('script-src'), pathname).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(directives.get('connect-src'), pathname).toEqual(["'self'"]);
      expect(directives.get('object-src'), pathname).toEqual(["'none'"]);
      expect(directives.get('base-uri'), pathname).toEqual(["'self'"]);
      expect(directives.get('default-src'), pathname).toEqual(["'self'"]);
      expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:|\*\s*;/);
    }
  });
});
