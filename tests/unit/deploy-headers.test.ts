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
    expect(headersFor(rules, '/')['Content-Security-Policy']).toBe("frame-ancestors 'self'");
    expect(headersFor(rules, '/index.html')['Content-Security-Policy']).toBe("frame-ancestors 'self'");
    expect(headersFor(rules, '/embed.html')).toMatchObject({ 'Content-Security-Policy': 'frame-ancestors *', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    expect(headersFor(rules, '/sw.js')['Cache-Control']).toBe('no-cache');
  });
});
