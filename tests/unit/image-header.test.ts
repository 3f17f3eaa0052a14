/** The giant-image guard reads sizes from file headers before any decoding. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_PIXELS, headerSize } from '../../src/detector/worker/decode';

const fixture = (name: string) => new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../fixtures', name)));

describe('headerSize', () => {
  it('reads PNG and JPEG fixtures (JPEG: stored size, before EXIF rotation)', () => {
    expect(headerSize(fixture('cifar10_test_0.png'))).toEqual({ width: 32, height: 32 });
    expect(headerSize(fixture('mnist_test_0.png'))).toEqual({ width: 28, height: 28 });
    expect(headerSize(fixture('exif_rotated.jpg'))).toEqual({ width: 96, height: 160 });
  });

  it('reads GIF, WebP (extended) and BMP headers', async () => {
    const raw = { raw: { width: 40, height: 30, channels: 4 as const } };
    const pixels = Buffer.alloc(40 * 30 * 4, 128);
    expect(headerSize(new Uint8Array(await sharp(pixels, raw).gif().toBuffer()))).toEqual({ width: 40, height: 30 });
    const webp = await sharp(pixels, raw).webp().withMetadata({ orientation: 3 }).toBuffer();
    expect(headerSize(new Uint8Array(webp))).toEqual({ width: 40, height: 30 });
    const bmp = new Uint8Array(54);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 20000, true);
    new DataView(bmp.buffer).setInt32(22, -10000, true);
    const size = headerSize(bmp)!;
    expect(size).toEqual({ width: 20000, height: 10000 });
    expect(size.width * size.height).toBeGreaterThan(MAX_PIXELS);
  });

  it('gives null for unknown bytes', () => {
    expect(headerSize(new TextEncoder().encode('this is text, not a PNG'))).toBeNull();
    expect(headerSize(new Uint8Array(0))).toBeNull();
  });
});
