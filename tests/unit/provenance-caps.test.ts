/**
 * A size cap on every kind of metadata block, whatever the container (src/detector/provenance/limits.ts, measured
 * by sniff.ts): JPEG APP segments (extended XMP, IPTC), PNG chunks (text, eXIf), WebP chunks (XMP, EXIF), TIFF IFDs
 * (XMP tag, a 4.5 MB ImageDescription), GIF extensions (comment, XMP), AVIF / HEIC boxes (the XMP item, the meta
 * box itself) and a C2PA manifest: a block over its cap is not parsed, the file's metadata line says so, and the
 * read takes milliseconds. Before, TIFF, GIF, AVIF and HEIC counted 0 metadata bytes, so their XMP was parsed at any
 * size (8 MB: 7.3-12 s, past any soft limit), and only the sum of the other containers' segments was checked.
 */
import { describe, expect, it } from 'vitest';
import { readProvenanceNode } from '../../src/detector/provenance/node';
import { METADATA_CAPS } from '../../src/detector/provenance/limits';
import { sniffMetadata } from '../../src/detector/provenance/sniff';
import { CONTAINER_FAMILIES, containerSamples, hostileMetadataFiles, pngChunk, pngWithChunks } from '../fixtures/containers';
import sharp from 'sharp';

describe('metadata size caps, every container', () => {
  it('leaves out a block over its cap in each container, says so, and answers in milliseconds', async () => {
    const files = await hostileMetadataFiles();
    expect(new Set(files.map((file) => file.family))).toEqual(new Set(CONTAINER_FAMILIES));
    for (const file of files) {
      const started = performance.now();
      const provenance = await readProvenanceNode(file.bytes);
      const ms = performance.now() - started;
      console.info(`${file.name}: ${ms.toFixed(1)} ms, ${provenance.summary}`);
      expect(provenance.notices, file.name).toHaveLength(1);
      expect(provenance.notices![0], file.name).toMatch(file.notice);
      expect(provenance.summary, file.name).toBe(`Metadata could not be read: ${provenance.notices![0]}`);
      expect(ms, file.name).toBeLessThan(1000);
    }
  }, 120_000);

  it('measures each kind of block in every container, and reads files under the caps as before', async () => {
    const samples = await containerSamples();
    for (const family of CONTAINER_FAMILIES) {
      for (const sample of samples[family]) {
        const sniff = sniffMetadata(sample.bytes);
        expect(sniff.metadata, sample.name).toBe(true);
        // Every sample carries XMP; all but the GIF (which the readers do not parse) carry EXIF too.
        expect(sniff.bytes.xmp, sample.name).toBeGreaterThan(0);
        if (family !== 'gif') expect(sniff.bytes.exif, sample.name).toBeGreaterThan(0);
        const provenance = await readProvenanceNode(sample.bytes);
        expect(provenance.notices ?? [], sample.name).toEqual([]);
      }
    }
  }, 60_000);

  it('leaves a Content Credentials manifest over 32 MB unread, without loading the C2PA reader for it', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'gray' } }).png().toBuffer();
    const jumbf = Buffer.alloc(METADATA_CAPS.c2pa + 1024 * 1024);
    jumbf.write('jumb', 4, 'latin1');
    const bytes = new Uint8Array(pngWithChunks(png, [pngChunk('caBX', jumbf)]));
    let loaded = false;
    const { readProvenance } = await import('../../src/detector/provenance/read');
    const provenance = await readProvenance(bytes, { loadC2pa: async () => ((loaded = true), Promise.reject(new Error('not needed'))) });
    expect(provenance.notices).toEqual(['The Content Credentials manifest of 33.0 MB is over the 32 MB cap and was not read']);
    expect(loaded).toBe(false);
  }, 60_000);
});
