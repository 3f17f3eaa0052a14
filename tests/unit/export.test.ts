import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../../src/detector/export';
import { CSV_COLUMNS, csvField, parseCsv, toCsv, toJsonRecord } from '../../src/detector/export';

const rows: ResultRow[] = [
  { file: 'a.png', ok: true, score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, evidence: 'image', crops: [], threshold: 0.9, modelVersion: 'v1' },
  { file: 'odd, "name"\nx.jpg', ok: true, score: 0.95, isFake: true, scores: { svdd: 0.97, autoencoder: 0.93 }, evidence: 'traces', crops: [{ left: 272, top: 0, size: 128, score: 0.9712 }, { left: 0, top: 172, size: 128, score: 0.5 }], threshold: 0.9, modelVersion: 'v1' },
  { file: 'bad.png', ok: false, error: 'not, an "image"', threshold: 0.9, modelVersion: 'v1' },
];

describe('canvas read-back noise in the exports', () => {
  it('is a run fact on every row: a CSV cell and a JSON field when the page found its canvas altered, nothing otherwise', () => {
    const canvasReadback = { altered: true, changedShare: 0.1025, maxDelta: 1 };
    const noisy = rows.map((row) => ({ ...row, canvasReadback }) as ResultRow);
    const parsed = parseCsv(toCsv(noisy));
    expect(parsed.map((record) => record.canvasNoise)).toEqual(Array(3).fill('detected: 10.3% of pixels, up to 1 level'));
    expect(toJsonRecord(noisy[0]!).canvasReadback).toEqual(canvasReadback);
    expect(toJsonRecord(noisy[2]!).canvasReadback).toEqual(canvasReadback);
    // An exact read-back, the CLI (no canvas) and the CLI's bare records say nothing.
    const exact = rows.map((row) => ({ ...row, canvasReadback: { altered: false, changedShare: 0, maxDelta: 0 } }) as ResultRow);
    expect(parseCsv(toCsv(exact)).map((record) => record.canvasNoise)).toEqual(['', '', '']);
    expect(toJsonRecord(exact[0]!)).not.toHaveProperty('canvasReadback');
    expect(toJsonRecord(noisy[0]!, { runFacts: false })).not.toHaveProperty('canvasReadback');
  });
});

describe('CSV export', () => {
  it('quotes only fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('round-trips every field at full precision', () => {
    const parsed = parseCsv(toCsv(rows));
    expect(Object.keys(parsed[0]!)).toEqual([...CSV_COLUMNS]);
    expect(parsed).toHaveLength(3);
    const noProvenance = { provenance: '', c2pa: '', metadataAi: '', sourceType: '', generator: '', camera: '', canvasNoise: '' };
    expect(parsed[0]).toEqual({ file: 'a.png', score: '0.123456789012', svdd: '0.2', autoencoder: '0.04691', verdict: 'real', evidence: 'image', threshold: '0.9', modelVersion: 'v1', error: '', ...noProvenance });
    expect(parsed[1]!.file).toBe('odd, "name"\nx.jpg');
    expect(parsed[1]!.verdict).toBe('fake');
    expect(parsed[1]!.evidence).toBe('traces');
    expect(parsed[2]).toEqual({ file: 'bad.png', score: '', svdd: '', autoencoder: '', verdict: 'error', evidence: '', threshold: '0.9', modelVersion: 'v1', error: 'not, an "image"', ...noProvenance });
  });

  it('adds what the metadata says, in words and in short columns', () => {
    const provenance = {
      summary: 'Content Credentials signed by OpenAI (signer not on a trust list): created by AI (DALL·E)',
      details: [],
      c2pa: { state: 'untrusted' as const, signer: 'OpenAI', claimGenerator: 'ChatGPT', signedAt: null, aiGenerated: 'created' as const, validationErrors: [], manifests: 2 },
      sourceType: 'trainedAlgorithmicMedia',
      generator: { tool: 'DALL·E' },
    };
    const [parsed] = parseCsv(toCsv([{ ...rows[0]!, provenance } as ResultRow]));
    expect(parsed).toMatchObject({ provenance: provenance.summary, c2pa: 'untrusted', metadataAi: 'created', sourceType: 'trainedAlgorithmicMedia', generator: 'DALL·E', camera: '' });
    expect(toJsonRecord({ ...rows[0]!, provenance } as ResultRow).provenance).toEqual(provenance);
  });
});

describe('JSON export', () => {
  it('gives the CLI shape plus threshold and model version; errors carry the message', () => {
    expect(toJsonRecord(rows[0]!)).toEqual({ file: 'a.png', score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, evidence: 'image', crops: [], threshold: 0.9, modelVersion: 'v1' });
    expect(toJsonRecord(rows[2]!)).toEqual({ file: 'bad.png', error: 'not, an "image"', threshold: 0.9, modelVersion: 'v1' });
  });

  it('gives the CLI its bare records from the same function (runFacts: false)', () => {
    expect(toJsonRecord(rows[0]!, { runFacts: false })).toEqual({ file: 'a.png', score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, evidence: 'image', crops: [] });
    expect(toJsonRecord(rows[2]!, { runFacts: false })).toEqual({ file: 'bad.png', error: 'not, an "image"' });
  });

  it('carries which evidence fired and the judged crops, { left, top, size, score } each, nothing else of them', () => {
    const record = toJsonRecord({ ...rows[1]!, crops: [{ left: 1, top: 2, size: 128, score: 0.5, extra: true } as never] } as ResultRow, { runFacts: false });
    expect(record.evidence).toBe('traces');
    expect(record.crops).toEqual([{ left: 1, top: 2, size: 128, score: 0.5 }]);
    expect(toJsonRecord(rows[1]!).crops).toEqual(rows[1]!.ok ? rows[1]!.crops : null);
    // A row made without them (an older caller) stays the bare record.
    const { evidence: _e, crops: _c, ...bare } = rows[0]! as Extract<ResultRow, { ok: true }>;
    expect(Object.keys(toJsonRecord(bare, { runFacts: false })).sort()).toEqual(['file', 'isFake', 'score', 'scores']);
  });
});
