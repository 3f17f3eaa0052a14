/**
 * Fuzzing the metadata path in every container family (JPEG, PNG, WebP, TIFF, GIF, AVIF / HEIC): small files with
 * EXIF / XMP / IPTC / text (tests/fixtures/containers.ts) truncated, with bytes flipped, spliced with another
 * family's bytes, and with a length or offset field in their first kilobytes set to a hostile value (0, 1, 2^31 - 1,
 * 2^32 - 1, or the file's length), 1,200 per family, through the CLI's own reader (node-isolate.ts: the sniff and its
 * caps in this thread, the readers on a worker thread with the hard time limit). Nothing may throw, every file gets a
 * summary within the limit, and each family's batch completes. A fixed seed, so a failure is reproducible from its
 * name.
 */
import { describe, expect, it } from 'vitest';
import { NodeProvenanceReader } from '../../src/detector/provenance/node-isolate';
import { sniffMetadata } from '../../src/detector/provenance/sniff';
import { seededRandom } from '../../src/node/datasets';
import { CONTAINER_FAMILIES, containerSamples } from '../fixtures/containers';

const PER_FAMILY = 1200;
const LIMIT_MS = 2000;
const HOSTILE_VALUES = [0, 1, 0x7fffffff, 0xffffffff];

type Sample = { name: string; bytes: Uint8Array };

function* mutations(files: Sample[], others: Sample[], count: number, seed: number): Generator<Sample> {
  const next = seededRandom(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  for (let i = 0; i < count; i++) {
    const file = files[i % files.length]!;
    const { bytes } = file;
    const at = Math.floor(next() * bytes.length);
    switch (i % 4) {
      case 0:
        yield { name: `${file.name} truncated at ${Math.max(1, at)}`, bytes: bytes.slice(0, Math.max(1, at)) };
        break;
      case 1: {
        const copy = bytes.slice();
        const flips = 1 + Math.floor(next() * 16);
        for (let f = 0; f < flips; f++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
        yield { name: `${file.name} with ${flips} bytes flipped (#${i})`, bytes: copy };
        break;
      }
      case 2: {
        const other = pick(others).bytes;
        const from = Math.floor(next() * other.length);
        const length = Math.min(other.length - from, 1 + Math.floor(next() * 512));
        const spliced = new Uint8Array(bytes.length + length);
        spliced.set(bytes.subarray(0, at));
        spliced.set(other.subarray(from, from + length), at);
        spliced.set(bytes.subarray(at), at + length);
        yield { name: `${file.name} spliced with ${length} bytes at ${at}`, bytes: spliced };
        break;
      }
      default: {
        // A length / offset field: 2 or 4 bytes, either byte order, somewhere in the headers.
        const copy = bytes.slice();
        const view = new DataView(copy.buffer);
        const where = Math.floor(next() * Math.max(1, Math.min(copy.length - 4, 1024)));
        const value = next() < 0.8 ? pick(HOSTILE_VALUES) : copy.length;
        const little = next() < 0.5;
        if (next() < 0.5) view.setUint32(where, value >>> 0, little);
        else view.setUint16(where, value & 0xffff, little);
        yield { name: `${file.name} with ${value} at ${where}`, bytes: copy };
      }
    }
  }
}

describe('provenance fuzzing, every container family', () => {
  it(`reads ${PER_FAMILY} mutated files per family through the CLI's reader: no throw, every one within the limit, every batch complete`, async () => {
    const samples = await containerSamples();
    const everything = CONTAINER_FAMILIES.flatMap((family) => samples[family]);
    const reader = new NodeProvenanceReader({ timeLimitMs: LIMIT_MS });
    const report: Record<string, unknown> = {};
    const failures: string[] = [];
    try {
      for (const [index, family] of CONTAINER_FAMILIES.entries()) {
        const batch = [...mutations(samples[family], everything, PER_FAMILY, 101 + index)];
        const started = performance.now();
        // The whole family at once, as a drop of files would come: the reader takes them one at a time.
        const outcomes = await Promise.allSettled(batch.map(async (mutation) => {
          sniffMetadata(mutation.bytes); // the walk alone must not throw either
          return reader.read(mutation.bytes);
        }));
        const counts = { files: outcomes.length, withMetadata: 0, withNotice: 0, stopped: 0, slowestMs: 0 };
        outcomes.forEach((outcome, i) => {
          const name = `${family}: ${batch[i]!.name}`;
          if (outcome.status === 'rejected') return void failures.push(`${name}: threw ${String(outcome.reason)}`);
          const provenance = outcome.value;
          if (!provenance.summary) failures.push(`${name}: no summary`);
          if (!/^No provenance metadata/.test(provenance.summary)) counts.withMetadata++;
          if (provenance.notices?.length) counts.withNotice++;
          if (provenance.notices?.some((notice) => /took longer than/.test(notice))) counts.stopped++;
          counts.slowestMs = Math.max(counts.slowestMs, Math.round(provenance.ms ?? 0));
          // Within the limit and its grace (each file's own time, not its wait in the queue).
          if ((provenance.ms ?? 0) > 2 * LIMIT_MS + 1000) failures.push(`${name}: ${provenance.ms} ms`);
        });
        report[family] = { ...counts, batchMs: Math.round(performance.now() - started) };
        expect(counts.files, family).toBeGreaterThanOrEqual(1000);
        // The mutations keep the readers busy: most files still carry metadata the readers parse.
        expect(counts.withMetadata, family).toBeGreaterThan(family === 'gif' ? 0 : 100);
      }
    } finally {
      reader.dispose();
    }
    console.info(`container fuzz: ${JSON.stringify(report)}`);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);
});
