/**
 * Provenance metadata in Node, through the same module the page's worker runs (src/detector/provenance/read.ts,
 * with the C2PA WebAssembly loaded from the npm package): every shared fixture reads as index.csv says, the
 * generated cases (ComfyUI, IPTC-IIM, zTXt) and hostile metadata too, and the no-metadata path stays cheap.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readProvenanceNode } from '../../src/detector/provenance/node';
import { noProvenance } from '../../src/detector/provenance/summary';
import { provenanceSaysAi } from '../../src/detector/provenance/summary';
import { sniffMetadata } from '../../src/detector/provenance/sniff';
import { parseA1111 } from '../../src/detector/provenance/generator';
import {
  GENERATED_EXPECTATIONS,
  PROVENANCE_EXPECTATIONS,
  indexedFixtures,
  provenanceDir,
  provenanceMismatches,
  sharedProvenanceFiles,
  writeGeneratedProvenanceFixtures,
} from '../fixtures/provenance';

const read = (file: string) => new Uint8Array(readFileSync(file));

describe('provenance: the shared fixtures (../shared/data/provenance)', () => {
  it('has an expectation for every file index.csv lists, and index.csv lists all 18 files', () => {
    const indexed = indexedFixtures().sort();
    expect(indexed).toHaveLength(18);
    expect(indexed).toEqual(sharedProvenanceFiles());
    expect(Object.keys(PROVENANCE_EXPECTATIONS).sort()).toEqual(indexed);
  });

  it.each(Object.keys(PROVENANCE_EXPECTATIONS))('%s reads as listed', async (name) => {
    const provenance = await readProvenanceNode(read(path.join(provenanceDir(), name)));
    expect(provenanceMismatches(name, provenance, PROVENANCE_EXPECTATIONS[name]!)).toEqual([]);
    expect(provenance.notices ?? []).toEqual([]);
  });

  it('never reports the stripped manifest (XMP still pointing at it) as valid', async () => {
    const provenance = await readProvenanceNode(read(path.join(provenanceDir(), 'none_xmpref__no_manifest.jpg')));
    expect(provenance.c2pa).toBeUndefined();
    expect(provenance.summary).not.toMatch(/valid|signed/i);
    expect(provenanceSaysAi(provenance)).toBeNull();
  });

  it('sniffs C2PA markers only where a manifest is (so the 9 MB WebAssembly loads only for those)', () => {
    const withC2pa = sharedProvenanceFiles().filter((name) => sniffMetadata(read(path.join(provenanceDir(), name))).c2pa);
    expect(withC2pa).toEqual(sharedProvenanceFiles().filter((name) => name.startsWith('c2pa_')));
  });
});

describe('provenance: generated cases and hostile metadata', () => {
  let dir: string;
  let names: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'provenance-'));
    names = await writeGeneratedProvenanceFixtures(dir);
  }, 120_000);

  it('writes every generated case', () => {
    expect(names).toEqual(Object.keys(GENERATED_EXPECTATIONS).sort());
  });

  it.each(Object.keys(GENERATED_EXPECTATIONS))('%s reads as expected, within the time limit, without throwing', async (name) => {
    const started = performance.now();
    const provenance = await readProvenanceNode(read(path.join(dir, name)), { timeLimitMs: 5000 });
    const ms = performance.now() - started;
    expect(provenanceMismatches(name, provenance, GENERATED_EXPECTATIONS[name]!)).toEqual([]);
    // The soft limit answers at 5 s; a synchronous step inside a library can overrun it a little in Node.
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('the zip bomb stops at the inflate cap (1 MB), not at 512 MB', async () => {
    const provenance = await readProvenanceNode(read(path.join(dir, 'hostile_ztxt_bomb.png')));
    expect(provenance.notices?.join(' ')).toMatch(/zip bomb/);
    expect(provenance.generator).toBeUndefined();
  }, 60_000);
});

describe('provenance: pieces', () => {
  it('a file without metadata goes through the sniff alone', async () => {
    const none = read(path.join(provenanceDir(), 'none__earth_apollo17.jpg'));
    // earth_apollo17 has Photoshop metadata (XMP history), so the reader runs; a bare 1x1 PNG does not.
    expect(sniffMetadata(none).metadata).toBe(true);
    const bare = new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../fixtures/cifar10_test_0.png')));
    expect(sniffMetadata(bare)).toEqual({ format: 'png', metadata: false, c2pa: false, bytes: { exif: 0, xmp: 0, iptc: 0, text: 0, icc: 0, c2pa: 0, structure: 0 } });
    const provenance = await readProvenanceNode(bare);
    expect(provenance.summary).toBe(noProvenance().summary);
  });

  it('parses A1111 settings with quoted values that hold commas', () => {
    const parameters = parseA1111('a cat\nNegative prompt: dog\nSteps: 20, Sampler: Euler a, Lora hashes: "a: 1, b: 2", Seed: 5');
    expect(parameters).toEqual({ prompt: 'a cat', 'Negative prompt': 'dog', Steps: '20', Sampler: 'Euler a', 'Lora hashes': 'a: 1, b: 2', Seed: '5' });
    expect(parseA1111('just a caption')).toBeNull();
  });
});
