/**
 * The CLI with --provenance on every provenance fixture (the 18 shared ones and the generated cases): each file
 * is scored as before and its `provenance` in --json reads as listed; --csv carries the metadata columns; without
 * the flag the output is unchanged. Real models (onnxruntime-node), real C2PA WebAssembly.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Provenance } from '../../src/detector/provenance';
import { parseCsv } from '../../src/detector/export';
import { runCli } from '../models/run-cli';
import { GENERATED_EXPECTATIONS, PROVENANCE_EXPECTATIONS, provenanceDir, provenanceMismatches, writeGeneratedProvenanceFixtures } from '../fixtures/provenance';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Entry = { file: string; score?: number; isFake?: boolean; error?: string; provenance?: Provenance };

describe('CLI --provenance', () => {
  let generated: string;
  let entries: Entry[];
  beforeAll(async () => {
    generated = mkdtempSync(path.join(os.tmpdir(), 'provenance-cli-'));
    await writeGeneratedProvenanceFixtures(generated);
    const run = await runCli(ROOT, 'score', provenanceDir(), generated, '--json', '--provenance', '-q');
    expect(run.code, run.stderr).toBe(0);
    entries = JSON.parse(run.stdout) as Entry[];
  }, 300_000);

  it('scores every fixture and reads its metadata as listed', () => {
    const expectations = { ...PROVENANCE_EXPECTATIONS, ...GENERATED_EXPECTATIONS };
    expect(entries.map((entry) => path.basename(entry.file)).sort()).toEqual(Object.keys(expectations).sort());
    const mismatches: string[] = [];
    for (const entry of entries) {
      const name = path.basename(entry.file);
      // The metadata never stops the score: hostile metadata included, every file gets one.
      expect(entry.error, name).toBeUndefined();
      expect(typeof entry.score, name).toBe('number');
      mismatches.push(...provenanceMismatches(name, entry.provenance!, expectations[name]!));
    }
    expect(mismatches).toEqual([]);
    // The table the report quotes: file, then the line the CLI gives.
    console.info(entries.map((entry) => `${path.basename(entry.file).padEnd(58)} ${entry.provenance!.summary}`).join('\n'));
  });

  it('writes the metadata columns to CSV by default, and leaves them out with --no-provenance', async () => {
    const csv = parseCsv((await runCli(ROOT, 'score', path.join(provenanceDir(), 'c2pa_tampered__XCA.jpg'), path.join(provenanceDir(), 'sdparams__SD.png'), '--csv', '-q')).stdout);
    expect(csv.map((row) => [row.c2pa, row.metadataAi, row.generator])).toEqual([
      ['invalid', '', ''],
      ['', 'created', 'Stable Diffusion (AUTOMATIC1111-style parameters)'],
    ]);
    expect(csv[0]!.provenance).toMatch(/^Content Credentials do not match this file \(tampered\)/);
    const plain = JSON.parse((await runCli(ROOT, 'score', path.join(provenanceDir(), 'sdparams__SD.png'), '--json', '--no-provenance', '-q')).stdout) as Entry[];
    expect(Object.keys(plain[0]!).sort()).toEqual(['crops', 'evidence', 'file', 'isFake', 'score', 'scores']);
    const byDefault = JSON.parse((await runCli(ROOT, 'score', path.join(provenanceDir(), 'sdparams__SD.png'), '--json', '-q')).stdout) as Entry[];
    expect(byDefault[0]!.provenance?.generator?.tool).toMatch(/Stable Diffusion/);
  }, 120_000);
});
