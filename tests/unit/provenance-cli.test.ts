/**
 * The CLI with --provenance on every provenance fixture (the 18 shared ones and the generated cases): each file
 * is scored as before and its `provenance` in --json reads as listed; --csv carries the metadata columns; without
 * the flag the output is unchanged. Real models (onnxruntime-node), real C2PA WebAssembly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Provenance } from '../../src/detector/provenance';
import { parseCsv } from '../../src/detector/export';
import { runCli } from '../models/run-cli';
import sharp from 'sharp';
import { GENERATED_EXPECTATIONS, PROVENANCE_EXPECTATIONS, provenanceDir, provenanceMismatches, writeGeneratedProvenanceFixtures } from '../fixtures/provenance';
import { hostileMetadataFiles, xmpPacket } from '../fixtures/containers';

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

  it('bounds metadata work in every container: blocks over their caps are not read, a slow read is stopped at --metadata-limit, every file is scored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'provenance-cli-bounds-'));
    const expected = new Map<string, RegExp>();
    // Files the CLI can decode (the HEIC is refused by name, the grown AVIF no longer decodes): scored, metadata left out.
    for (const file of await hostileMetadataFiles()) {
      if (/\.heic$|meta_9mb/.test(file.name)) continue;
      writeFileSync(path.join(dir, file.name), file.bytes);
      expected.set(file.name, file.notice);
    }
    // Under every cap, but over a second of synchronous XMP parsing: stopped at the limit, its thread terminated.
    writeFileSync(path.join(dir, 'slow_xmp.tif'), await sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } }).withXmp(xmpPacket(1.9 * 1024 * 1024)).tiff().toBuffer());
    expected.set('slow_xmp.tif', /^reading the metadata took longer than 0\.1 s and was stopped$/);
    const started = performance.now();
    const run = await runCli(ROOT, 'score', dir, '--json', '--metadata-limit', '0.1', '-q');
    const seconds = (performance.now() - started) / 1000;
    expect(run.code, run.stderr).toBe(0);
    const found = JSON.parse(run.stdout) as Entry[];
    expect(found.map((entry) => path.basename(entry.file)).sort()).toEqual([...expected.keys()].sort());
    for (const entry of found) {
      const name = path.basename(entry.file);
      expect(entry.error, name).toBeUndefined();
      expect(typeof entry.score, name).toBe('number');
      expect(entry.provenance?.notices, name).toHaveLength(1);
      expect(entry.provenance!.notices![0], name).toMatch(expected.get(name)!);
      expect(entry.provenance!.summary, name).toMatch(/^Metadata could not be read: /);
    }
    console.info(`${found.length} files with hostile metadata scored in ${seconds.toFixed(1)} s`);
  }, 300_000);

  it('refuses a --metadata-limit that is not a positive number of seconds', async () => {
    const run = await runCli(ROOT, 'score', path.join(provenanceDir(), 'sdparams__SD.png'), '--metadata-limit', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--metadata-limit must be a number of seconds/);
  }, 60_000);
});
