/**
 * Fuzzing the provenance reader with the fixtures: every shared file truncated, with bytes flipped, and spliced
 * with another, through the same module the page's worker runs (readProvenance, C2PA WebAssembly included).
 * Nothing may throw or hang: each mutated file gets a summary, within the time limit. A fixed seed, so a failure
 * is reproducible from its name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProvenanceNode } from '../../src/detector/provenance/node';
import { provenanceDir, sharedProvenanceFiles } from '../fixtures/provenance';
import { seededRandom as random } from '../../src/node/datasets';

/** Where metadata lives: mostly the head of the file (JPEG APPn, PNG chunks before IDAT); sometimes anywhere. */
function offset(next: () => number, length: number): number {
  const head = Math.min(length, 96 * 1024);
  return Math.floor(next() < 0.8 ? next() * head : next() * length);
}

type Mutation = { name: string; bytes: Uint8Array };

function* mutations(files: Array<{ name: string; bytes: Uint8Array }>, perFile: number, seed: number): Generator<Mutation> {
  const next = random(seed);
  for (const [index, file] of files.entries()) {
    for (let i = 0; i < perFile; i++) {
      const { bytes } = file;
      const kind = i % 3;
      if (kind === 0) {
        const at = Math.max(1, offset(next, bytes.length));
        yield { name: `${file.name} truncated at ${at}`, bytes: bytes.slice(0, at) };
      } else if (kind === 1) {
        const copy = bytes.slice();
        const flips = 1 + Math.floor(next() * 32);
        for (let f = 0; f < flips; f++) copy[offset(next, copy.length)] = Math.floor(next() * 256);
        yield { name: `${file.name} with ${flips} bytes flipped (#${i})`, bytes: copy };
      } else {
        const other = files[(index + 1 + Math.floor(next() * (files.length - 1))) % files.length]!.bytes;
        const at = offset(next, bytes.length);
        const from = offset(next, other.length);
        const length = Math.min(other.length - from, 1 + Math.floor(next() * 4096));
        const spliced = new Uint8Array(bytes.length + length);
        spliced.set(bytes.subarray(0, at));
        spliced.set(other.subarray(from, from + length), at);
        spliced.set(bytes.subarray(at), at + length);
        yield { name: `${file.name} spliced with ${length} bytes at ${at}`, bytes: spliced };
      }
    }
  }
}

describe('provenance fuzzing', () => {
  it('reads 1,080 mutated fixtures (truncated, flipped, spliced) without a throw or a hang', async () => {
    const files = sharedProvenanceFiles().map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(provenanceDir(), name))) }));
    const counts = { files: 0, truncated: 0, flipped: 0, spliced: 0, withNotice: 0, c2paRead: 0, c2paInvalid: 0 };
    const failures: string[] = [];
    let slowest = { name: '', ms: 0 };
    for (const mutation of mutations(files, 60, 11)) {
      const started = performance.now();
      let summary: string | undefined;
      try {
        const provenance = await readProvenanceNode(mutation.bytes, { timeLimitMs: 5000 });
        summary = provenance.summary;
        if (provenance.notices?.length) counts.withNotice++;
        if (provenance.c2pa) counts.c2paRead++;
        if (provenance.c2pa?.state === 'invalid') counts.c2paInvalid++;
      } catch (error) {
        failures.push(`${mutation.name}: threw ${String(error)}`);
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { name: mutation.name, ms };
      if (typeof summary !== 'string' || summary.length === 0) failures.push(`${mutation.name}: no summary`);
      counts.files++;
      counts[mutation.name.includes('truncated') ? 'truncated' : mutation.name.includes('flipped') ? 'flipped' : 'spliced']++;
    }
    console.info(`provenance fuzz: ${JSON.stringify(counts)}; slowest ${slowest.ms.toFixed(0)} ms (${slowest.name})`);
    expect(failures).toEqual([]);
    expect(counts.files).toBeGreaterThanOrEqual(1000);
    expect(slowest.ms).toBeLessThan(15_000);
    // The mutations do reach the C2PA validator (a damaged manifest reads invalid, not valid).
    expect(counts.c2paInvalid).toBeGreaterThan(0);
  }, 900_000);
});
