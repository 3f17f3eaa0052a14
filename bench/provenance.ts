/**
 * `npm run bench:provenance`: what the metadata check costs per image.
 *
 *  - without metadata: the detector worker's whole path for such a file (ProvenanceReader.read on a Blob: read the
 *    bytes, walk the segment headers, answer), on files from 3 KB to a 12-megapixel JPEG and PNG;
 *  - with metadata: readProvenance on each shared fixture (ExifReader, xmldom, the C2PA WebAssembly), as the
 *    provenance worker runs it, after the one-time WebAssembly start (reported apart).
 *
 * Node's V8, one thread; medians of repeated runs. The page runs the same code in its workers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ProvenanceReader } from '../src/detector/provenance/isolate';
import { loadC2paNode, readProvenanceNode } from '../src/detector/provenance/node';
import { provenanceDir, sharedProvenanceFiles } from '../tests/fixtures/provenance';

const ROOT = path.resolve(import.meta.dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => Promise<unknown>, times: number): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const noise = (width: number, height: number) =>
    sharp(Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24)), { raw: { width, height, channels: 3 } });
  const plain: Array<[string, Uint8Array]> = [
    ['CIFAR-10 PNG 32x32', new Uint8Array(readFileSync(path.join(ROOT, 'tests/fixtures/cifar10_test_0.png')))],
    ['PNG 768x512 (noise)', new Uint8Array(await noise(768, 512).png().toBuffer())],
    ['JPEG 4000x3000 (noise, q90)', new Uint8Array(await noise(4000, 3000).jpeg({ quality: 90 }).toBuffer())],
    ['PNG 4000x3000 (noise)', new Uint8Array(await noise(4000, 3000).png({ compressionLevel: 1 }).toBuffer())],
  ];
  const reader = new ProvenanceReader();
  console.log('Without metadata: the detector worker\'s check (Blob -> bytes -> segment walk -> answer), median ms');
  for (const [name, bytes] of plain) {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const ms = await timed(async () => {
      const provenance = await reader.read({ kind: 'blob', blob });
      if (provenance.c2pa || provenance.details.length) throw new Error(`${name} has metadata`);
    }, 50);
    console.log(`  ${name.padEnd(30)} ${(bytes.length / 1024).toFixed(0).padStart(7)} KB  ${ms.toFixed(3).padStart(8)} ms`);
  }

  const started = performance.now();
  await loadC2paNode();
  console.log(`\nC2PA WebAssembly start (once per worker; in the page after its 9.2 MB download): ${(performance.now() - started).toFixed(0)} ms`);
  console.log('With metadata: readProvenance per fixture, median ms of 5');
  for (const name of sharedProvenanceFiles()) {
    const bytes = new Uint8Array(readFileSync(path.join(provenanceDir(), name)));
    const ms = await timed(() => readProvenanceNode(bytes), 5);
    console.log(`  ${name.padEnd(58)} ${(bytes.length / 1024).toFixed(0).padStart(6)} KB  ${ms.toFixed(1).padStart(7)} ms`);
  }
}

await main();
