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
    const noProvenance = { provenance: '', c2pa: '', metadataAi: '', sourceType: '', generator: '', camera: '' };
    expect(parsed[0]).toEqual({ file: 'a.png', score: '0.123456789012', svdd: '0.2', autoencoder: '0.04691', verdict: 'real', threshold: '0.9', modelVersion: 'v1', error: '', ...noProvenance });
    expect(parsed[1]!.file).toBe('odd, "name"\nx.jpg');
    expect(parsed[1]!.verdict).toBe('fake');
    expect(parsed[2]).toEqual({ file: 'bad.png', score: '', svdd: '', autoencoder: '', verdict: 'error', threshold: '0.9', modelVersion: 'v1', error: 'not, an "image"', ...noProvenance });
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
    expect(toJsonRecord(rows[0]!)).toEqual({ file: 'a.png', score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 }, threshold: 0.9, modelVersion: 'v1' });
    expect(toJsonRecord(rows[2]!)).toEqual({ file: 'bad.png', error: 'not, an "image"', threshold: 0.9, modelVersion: 'v1' });
  });

  it('gives the CLI its bare records from the same function (runFacts: false)', () => {
    expect(toJsonRecord(rows[0]!, { runFacts: false })).toEqual({ file: 'a.png', score: 0.123456789012, isFake: false, scores: { svdd: 0.2, autoencoder: 0.04691 } });
    expect(toJsonRecord(rows[2]!, { runFacts: false })).toEqual({ file: 'bad.png', error: 'not, an "image"' });
  });
});
