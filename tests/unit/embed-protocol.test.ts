import { describe, expect, it } from 'vitest';
import { isWidgetMessage, normaliseOrigin, parseHostMessage, parseWidgetParams, postTargets, WIDGET_SOURCE } from '../../src/embed/protocol';

describe('parseHostMessage', () => {
  it('accepts analyze with a Blob or an ArrayBuffer, optional fileName and id', () => {
    const blob = new Blob([new Uint8Array([1, 2])]);
    expect(parseHostMessage({ type: 'analyze', image: blob })).toEqual({ ok: true, message: { type: 'analyze', image: blob } });
    const buffer = new ArrayBuffer(4);
    const parsed = parseHostMessage({ type: 'analyze', image: buffer, fileName: 'a.png', id: '7' });
    expect(parsed).toEqual({ ok: true, message: { type: 'analyze', image: buffer, fileName: 'a.png', id: '7' } });
  });

  it('refuses analyze without an image, with a typed array view, or with non-string fields', () => {
    expect(parseHostMessage({ type: 'analyze' }).ok).toBe(false);
    expect(parseHostMessage({ type: 'analyze', image: 'data:image/png;base64,AAAA' }).ok).toBe(false);
    expect(parseHostMessage({ type: 'analyze', image: new Uint8Array(4) }).ok).toBe(false);
    expect(parseHostMessage({ type: 'analyze', image: new ArrayBuffer(1), id: 3 }).ok).toBe(false);
    expect(parseHostMessage({ type: 'analyze', image: new ArrayBuffer(1), fileName: {} }).ok).toBe(false);
  });

  it('accepts thresholds in [0, 1] only, and keeps no extra fields', () => {
    expect(parseHostMessage({ type: 'setThreshold', threshold: 0 })).toEqual({ ok: true, message: { type: 'setThreshold', threshold: 0 } });
    expect(parseHostMessage({ type: 'setThreshold', threshold: 1, extra: true })).toEqual({ ok: true, message: { type: 'setThreshold', threshold: 1 } });
    for (const threshold of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY, '0.5', null]) {
      expect(parseHostMessage({ type: 'setThreshold', threshold }).ok).toBe(false);
    }
  });

  it('accepts the three preset names only', () => {
    for (const preset of ['sensitive', 'balanced', 'conservative']) {
      expect(parseHostMessage({ type: 'setPreset', preset })).toEqual({ ok: true, message: { type: 'setPreset', preset } });
    }
    expect(parseHostMessage({ type: 'setPreset', preset: 'Balanced' }).ok).toBe(false);
    expect(parseHostMessage({ type: 'setPreset' }).ok).toBe(false);
  });

  it('refuses anything that is not a known message object', () => {
    for (const data of [null, undefined, 'analyze', 42, [], { type: 'unknown' }, {}]) {
      const parsed = parseHostMessage(data);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toBeTruthy();
    }
  });
});

describe('parseWidgetParams', () => {
  it('reads exact origins and refuses wildcards and non-http schemes', () => {
    const params = parseWidgetParams('?origins=https://a.example/,http://127.0.0.1:5173,*,javascript:alert(1),https://a.example,,null');
    expect(params.origins).toEqual(['https://a.example', 'http://127.0.0.1:5173']);
    expect(params.rejectedOrigins).toEqual(['*', 'javascript:alert(1)', 'null']);
    expect(params.warnings.join()).toContain('ignored origins');
  });

  it('has safe defaults: no origins, automatic EP, the system theme, the manifest threshold', () => {
    expect(parseWidgetParams('')).toEqual({ origins: [], rejectedOrigins: [], executionProvider: 'auto', theme: 'auto', warnings: [] });
  });

  it('reads ep, theme, threshold and preset, and warns about bad values', () => {
    expect(parseWidgetParams('?ep=wasm&theme=dark&threshold=0.25&preset=conservative')).toMatchObject({
      executionProvider: 'wasm',
      theme: 'dark',
      threshold: 0.25,
      preset: 'conservative',
      warnings: [],
    });
    const bad = parseWidgetParams('?ep=cuda&theme=blue&threshold=2&preset=loose');
    expect(bad).toMatchObject({ executionProvider: 'auto', theme: 'auto' });
    expect(bad.threshold).toBeUndefined();
    expect(bad.preset).toBeUndefined();
    expect(bad.warnings).toHaveLength(3);
    expect(parseWidgetParams('?threshold=').threshold).toBeUndefined();
  });
});

describe('posting targets', () => {
  it('posts to the parent only when it is allowed, and never to *', () => {
    const allowed = ['https://a.example', 'https://b.example'];
    expect(postTargets(allowed, 'https://b.example')).toEqual(['https://b.example']);
    expect(postTargets(allowed, 'https://evil.example')).toEqual([]);
    expect(postTargets(allowed, null)).toEqual(allowed);
    expect(postTargets([], null)).toEqual([]);
  });

  it('normalises origins', () => {
    expect(normaliseOrigin(' https://A.example:443/path?q ')).toBe('https://a.example');
    expect(normaliseOrigin('file:///etc/passwd')).toBeNull();
    expect(normaliseOrigin('not a url')).toBeNull();
  });

  it('recognises widget messages by their source', () => {
    expect(isWidgetMessage({ source: WIDGET_SOURCE, version: 1, type: 'ready' })).toBe(true);
    expect(isWidgetMessage({ type: 'result' })).toBe(false);
    expect(isWidgetMessage(null)).toBe(false);
  });
});
