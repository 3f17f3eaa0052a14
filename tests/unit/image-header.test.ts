/**
 * The giant-image guard reads sizes from file headers before any decoding, for every format the page or the CLI
 * decodes. The >100-megapixel headers below are built byte by byte: a few dozen bytes that claim a picture a
 * decoder would need gigabytes for.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { thumbnailSize } from '../../src/app/cards';
import { MAX_PIXELS, headerSize, refuseBeforeDecoding } from '../../src/detector/image-format';

const fixture = (name: string) => new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../fixtures', name)));

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));
const u32be = (value: number) => [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
const u32le = (value: number) => u32be(value).reverse();
const u16le = (value: number) => [value & 0xff, value >>> 8];
const u24le = (value: number) => [value & 0xff, (value >>> 8) & 0xff, value >>> 16];

/** A RIFF/WEBP file with one chunk, padded with zeros as if image data followed. */
function webp(chunk: string, payload: number[]): Uint8Array {
  const body = [...ascii('WEBP'), ...ascii(chunk), ...u32le(payload.length), ...payload, ...new Array(64).fill(0)];
  return Uint8Array.from([...ascii('RIFF'), ...u32le(body.length), ...body]);
}

/** Lossy: frame tag (key frame), start code 9d 01 2a, 14-bit width and height. */
const webpLossy = (width: number, height: number) => webp('VP8 ', [0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...u16le(width), ...u16le(height)]);

/** Lossless: signature 0x2f, then width-1 and height-1 as 14-bit fields, packed little-endian. */
function webpLossless(width: number, height: number): Uint8Array {
  const bits = (width - 1) | ((height - 1) << 14);
  return webp('VP8L', [0x2f, bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, (bits >>> 24) & 0xff]);
}

/** Extended: flags, 3 reserved bytes, canvas width-1 and height-1 as 24-bit fields. */
const webpExtended = (width: number, height: number) => webp('VP8X', [0x08, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);

function box(type: string, ...content: number[][]): number[] {
  const body = content.flat();
  return [...u32be(8 + body.length), ...ascii(type), ...body];
}

/** AVIF: ftyp, then meta > iprp > ipco > one `ispe` per image (a grid lists its tiles and the whole). */
function avif(...sizes: Array<[number, number]>): Uint8Array {
  const ispe = sizes.map(([width, height]) => box('ispe', [0, 0, 0, 0], u32be(width), u32be(height)));
  return Uint8Array.from([
    ...box('ftyp', ascii('avif'), u32be(0), ascii('mif1avif')),
    ...box('meta', [0, 0, 0, 0], box('hdlr', [0, 0, 0, 0], u32be(0), ascii('pict'), new Array(13).fill(0)), box('iprp', box('ipco', ...ispe))),
    ...box('mdat', new Array(32).fill(0)),
  ]);
}

/** TIFF: byte order, 42, first IFD at 8 with ImageWidth (256) and ImageLength (257) as LONGs. */
function tiff(width: number, height: number, bigEndian: boolean): Uint8Array {
  const u16 = (value: number) => (bigEndian ? u16le(value).reverse() : u16le(value));
  const u32 = bigEndian ? u32be : u32le;
  const entry = (tag: number, value: number) => [...u16(tag), ...u16(4), ...u32(1), ...u32(value)];
  return Uint8Array.from([...ascii(bigEndian ? 'MM' : 'II'), ...u16(42), ...u32(8), ...u16(2), ...entry(256, width), ...entry(257, height), ...u32(0), ...new Array(32).fill(0)]);
}

describe('headerSize', () => {
  it('reads PNG and JPEG fixtures (JPEG: stored size, before EXIF rotation)', () => {
    expect(headerSize(fixture('cifar10_test_0.png'))).toEqual({ width: 32, height: 32 });
    expect(headerSize(fixture('mnist_test_0.png'))).toEqual({ width: 28, height: 28 });
    expect(headerSize(fixture('exif_rotated.jpg'))).toEqual({ width: 96, height: 160 });
  });

  it('reads the headers of real GIF, WebP (lossy, lossless, extended), AVIF, TIFF and BMP files', async () => {
    const raw = { raw: { width: 40, height: 30, channels: 4 as const } };
    const pixels = Buffer.alloc(40 * 30 * 4, 128);
    const files = {
      gif: sharp(pixels, raw).gif(),
      'webp VP8': sharp(pixels, raw).webp(),
      'webp VP8L': sharp(pixels, raw).webp({ lossless: true }),
      'webp VP8X': sharp(pixels, raw).webp().withMetadata({ orientation: 3 }),
      avif: sharp(pixels, raw).avif({ effort: 2 }),
      tiff: sharp(pixels, raw).tiff(),
    };
    for (const [name, image] of Object.entries(files)) {
      expect(headerSize(new Uint8Array(await image.toBuffer())), name).toEqual({ width: 40, height: 30 });
    }
    const bmp = new Uint8Array(54);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 20000, true);
    new DataView(bmp.buffer).setInt32(22, -10000, true);
    const size = headerSize(bmp)!;
    expect(size).toEqual({ width: 20000, height: 10000 });
    expect(size.width * size.height).toBeGreaterThan(MAX_PIXELS);
  });

  it('refuses a header over 100 megapixels in every format, before decoding, and draws no thumbnail of it', () => {
    const giants: Record<string, [Uint8Array, number, number]> = {
      'webp VP8 (lossy)': [webpLossy(12000, 9000), 12000, 9000],
      'webp VP8L (lossless)': [webpLossless(12000, 9000), 12000, 9000],
      'webp VP8X (extended)': [webpExtended(12000, 9000), 12000, 9000],
      'avif ispe': [avif([12000, 9000]), 12000, 9000],
      // A grid: 512x512 tiles making up one 20000x20000 picture; the whole counts.
      'avif grid': [avif([512, 512], [20000, 20000]), 20000, 20000],
      'tiff little-endian': [tiff(12000, 9000, false), 12000, 9000],
      'tiff big-endian': [tiff(12000, 9000, true), 12000, 9000],
    };
    for (const [name, [bytes, width, height]] of Object.entries(giants)) {
      expect(headerSize(bytes), name).toEqual({ width, height });
      const megapixels = ((width * height) / 1e6).toFixed(0);
      expect(refuseBeforeDecoding(bytes), name).toBe(`image is ${width}x${height} (${megapixels} megapixels); the limit is 100 megapixels`);
      expect(thumbnailSize(bytes), name).toBeNull();
    }
    // Just under the limit: decoded, and the thumbnail is drawn small.
    expect(refuseBeforeDecoding(webpLossy(10000, 10000))).toBeNull();
    expect(thumbnailSize(webpLossy(10000, 5000))).toEqual({ resizeWidth: 96, resizeHeight: 48 });
  });

  it('draws no thumbnail when the header gives no size, and a small one otherwise', () => {
    expect(thumbnailSize(new TextEncoder().encode('this is text, not a PNG'))).toBeNull();
    expect(thumbnailSize(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeNull();
    expect(thumbnailSize(fixture('cifar10_test_0.png'))).toEqual({ resizeWidth: 32, resizeHeight: 32 });
    expect(thumbnailSize(fixture('exif_rotated.jpg'))).toEqual({ resizeWidth: 58, resizeHeight: 96 });
  });

  it('gives null for unknown bytes', () => {
    expect(headerSize(new TextEncoder().encode('this is text, not a PNG'))).toBeNull();
    expect(headerSize(new Uint8Array(0))).toBeNull();
  });
});
