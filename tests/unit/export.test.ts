import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../../src/detector/export';
import { CSV_COLUMNS, csvField, parseCsv, toCsv, toJsonRecord } from '../../src/detector/export';

const rows: ResultRow[] = [
  { file: 'a.png', ok: true, score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, threshold: 0.9, modelVersion: 'v1' },
  { file: 'odd, "name"\nx.jpg', ok: true, score: 0.95, isFake: true, scores: { svdd: 0.97, autoencoder: 0.93 }, threshold: 0.9, modelVersion: 'v1' },
  { file: 'bad.png', ok: false, error: 'not, an "image"', threshold: 0.9, modelVersion: 'v1' },
];

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
    expect(parsed[0]).toEqual({ file: 'a.png', score: '0.123456789012', svdd: '0.2', autoencoder: '0.04691', verdict: 'real', threshold: '0.9', modelVersion: 'v1', error: '' });
    expect(parsed[1]!.file).toBe('odd, "name"\nx.jpg');
    expect(parsed[1]!.verdict).toBe('fake');
    expect(parsed[2]).toEqual({ file: 'bad.png', score: '', svdd: '', autoencoder: '', verdict: 'error', threshold: '0.9', modelVersion: 'v1', error: 'not, an "image"' });
  });
});

describe('JSON export', () => {
  it('gives the CLI shape plus threshold and model version; errors carry the message', () => {
    expect(toJsonRecord(rows[0]!)).toEqual({ file: 'a.png', score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, threshold: 0.9, modelVersion: 'v1' });
    expect(toJsonRecord(rows[2]!)).toEqual({ file: 'bad.png', error: 'not, an "image"', threshold: 0.9, modelVersion: 'v1' });
  });
});
