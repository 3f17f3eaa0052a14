/**
 * The hard time limit on metadata in Node (src/detector/provenance/node-isolate.ts, what the CLI uses): the readers
 * run on a worker thread that is terminated at the limit, which stops even a synchronous parse. The stuck file gets
 * a notice, the next file a new thread. The slow file here is an XMP packet under its 2 MB cap (so it is parsed) made
 * of 100,000 small elements: xmldom takes over a second on it, synchronously, so readProvenance's own soft limit
 * (what the CLI had before) cannot stop it.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { readProvenanceNode } from '../../src/detector/provenance/node';
import { NodeProvenanceReader } from '../../src/detector/provenance/node-isolate';
import { xmpPacket } from '../fixtures/containers';

let reader: NodeProvenanceReader | undefined;
afterEach(() => reader?.dispose());

const LIMIT_MS = 100;

async function files() {
  const slow = new Uint8Array(await sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } }).withXmp(xmpPacket(1.9 * 1024 * 1024)).tiff().toBuffer());
  const camera = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).withExif({ IFD0: { Make: 'Canon', Model: 'EOS 5D' } }).jpeg().toBuffer());
  const plain = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).png().toBuffer());
  return { slow, camera, plain };
}

describe('metadata hard time limit in Node (worker_threads)', () => {
  it('the soft limit alone cannot stop a synchronous parse', async () => {
    const { slow } = await files();
    const started = performance.now();
    await readProvenanceNode(slow, { timeLimitMs: LIMIT_MS });
    expect(performance.now() - started).toBeGreaterThan(5 * LIMIT_MS);
  }, 60_000);

  it('terminates the reader at the limit, says why, and reads the next file on a new thread', async () => {
    const { slow, camera, plain } = await files();
    reader = new NodeProvenanceReader({ timeLimitMs: LIMIT_MS });
    // The thread's start is not held against a file.
    expect((await reader.read(camera)).summary).toBe('Camera: Canon EOS 5D (EXIF, which anyone can edit)');
    const started = performance.now();
    const stopped = await reader.read(slow);
    const ms = performance.now() - started;
    console.info(`slow XMP stopped after ${ms.toFixed(0)} ms (limit ${LIMIT_MS} ms + the same again as grace)`);
    expect(stopped.summary).toBe(`Metadata could not be read: reading the metadata took longer than ${LIMIT_MS / 1000} s and was stopped`);
    expect(ms).toBeLessThan(5 * LIMIT_MS);
    expect((await reader.read(camera)).summary).toBe('Camera: Canon EOS 5D (EXIF, which anyone can edit)');
    // A file without metadata never reaches the thread.
    expect((await reader.read(plain)).summary).toMatch(/^No provenance metadata/);
  }, 60_000);

  it('reads files one at a time: a stuck one takes no other down with it', async () => {
    const { slow, camera } = await files();
    reader = new NodeProvenanceReader({ timeLimitMs: LIMIT_MS });
    const answers = await Promise.all([reader.read(camera), reader.read(slow), reader.read(camera)]);
    expect(answers.map((answer) => answer.summary)).toEqual([
      'Camera: Canon EOS 5D (EXIF, which anyone can edit)',
      `Metadata could not be read: reading the metadata took longer than ${LIMIT_MS / 1000} s and was stopped`,
      'Camera: Canon EOS 5D (EXIF, which anyone can edit)',
    ]);
  }, 60_000);
});
