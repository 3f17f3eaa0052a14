/**
 * The CLI's decoder (src/node/decode.ts) reads BMP, which sharp/libvips cannot: every uncompressed bit depth and
 * header version the browsers read, bottom-up and top-down rows, row padding, a gap before the pixels. The BMP
 * files are written here byte by byte from known pixels, so each decoded pixel is checked exactly.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/node/decode';

const WIDTH = 5; // 5 pixels: every bit depth needs row padding
const HEIGHT = 3;
/** RGBA, top row first. Alpha is used only by the 32-bit file with an alpha mask. */
const PIXELS = Array.from({ length: WIDTH * HEIGHT }, (_, i) => [(i * 37) % 256, (i * 91 + 20) % 256, (255 - i * 13) % 256, i % 2 ? 255 : 128]);

interface BmpOptions {
  bitsPerPixel: 1 | 8 | 24 | 32;
  /** 40: BITMAPINFOHEADER; 108: BITMAPV4HEADER (with its colour masks, alpha included). */
  header?: 40 | 108;
  topDown?: boolean;
  /** Bytes between the colour table and the pixels (bfOffBits further on, as some writers do). */
  gap?: number;
  compression?: number;
}

/** A palette of the picture's colours for 8-bit files, black and white for 1-bit. */
function paletteOf(bitsPerPixel: number): number[][] {
  return bitsPerPixel === 8 ? PIXELS.map(([r, g, b]) => [r!, g!, b!]) : [[0, 0, 0], [255, 255, 255]];
}

function writeBmp({ bitsPerPixel, header = 40, topDown = false, gap = 0, compression }: BmpOptions): Buffer {
  const palette = bitsPerPixel <= 8 ? paletteOf(bitsPerPixel) : [];
  const rowBytes = Math.ceil((WIDTH * bitsPerPixel) / 32) * 4;
  const pixelsAt = 14 + header + palette.length * 4 + gap;
  const file = Buffer.alloc(pixelsAt + rowBytes * HEIGHT);
  file.write('BM', 0, 'ascii');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(pixelsAt, 10);
  file.writeUInt32LE(header, 14);
  file.writeInt32LE(WIDTH, 18);
  file.writeInt32LE(topDown ? -HEIGHT : HEIGHT, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bitsPerPixel, 28);
  file.writeUInt32LE(compression ?? (header === 108 && bitsPerPixel === 32 ? 3 : 0), 30);
  file.writeUInt32LE(rowBytes * HEIGHT, 34);
  file.writeUInt32LE(palette.length, 46);
  if (header === 108) {
    [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000].forEach((mask, i) => file.writeUInt32LE(mask >>> 0, 54 + i * 4));
    file.write('BGRs', 70, 'ascii');
  }
  palette.forEach(([r, g, b], i) => file.set([b!, g!, r!, 0], 14 + header + i * 4));
  for (let y = 0; y < HEIGHT; y++) {
    const row = pixelsAt + (topDown ? y : HEIGHT - 1 - y) * rowBytes;
    for (let x = 0; x < WIDTH; x++) {
      const index = y * WIDTH + x;
      const [r, g, b, a] = PIXELS[index]!;
      if (bitsPerPixel === 24) file.set([b!, g!, r!], row + x * 3);
      else if (bitsPerPixel === 32) file.set([b!, g!, r!, a!], row + x * 4);
      else if (bitsPerPixel === 8) file[row + x] = index;
      else if (index % 3 === 0) file[row + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return file;
}

/** What the page shows for these files: the pixels, opaque unless the file has an alpha mask. */
function expected(options: BmpOptions): number[] {
  const alpha = options.header === 108 && options.bitsPerPixel === 32;
  return PIXELS.flatMap(([r, g, b, a], i) => {
    if (options.bitsPerPixel === 1) return i % 3 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255];
    return [r!, g!, b!, alpha ? a! : 255];
  });
}

describe('decodeImage (Node) on BMP files', () => {
  const cases: Record<string, BmpOptions> = {
    '24-bit, bottom-up': { bitsPerPixel: 24 },
    '24-bit, top-down': { bitsPerPixel: 24, topDown: true },
    '32-bit, no alpha mask (opaque)': { bitsPerPixel: 32 },
    '32-bit BITMAPV4HEADER with an alpha mask': { bitsPerPixel: 32, header: 108 },
    '8-bit palette': { bitsPerPixel: 8 },
    '8-bit palette, gap before the pixels': { bitsPerPixel: 8, gap: 6 },
    '1-bit': { bitsPerPixel: 1 },
  };
  for (const [name, options] of Object.entries(cases)) {
    it(`reads ${name} pixel for pixel`, async () => {
      const image = await decodeImage(new Uint8Array(writeBmp(options)));
      expect([image.width, image.height]).toEqual([WIDTH, HEIGHT]);
      expect([...image.data]).toEqual(expected(options));
    });
  }

  it('gives the same pixels as a PNG of the same picture (the path every other format takes)', async () => {
    const rgb = Buffer.from(PIXELS.flatMap(([r, g, b]) => [r!, g!, b!]));
    const png = await sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png().toBuffer();
    const fromPng = await decodeImage(new Uint8Array(png));
    const fromBmp = await decodeImage(new Uint8Array(writeBmp({ bitsPerPixel: 24 })));
    expect([...fromBmp.data]).toEqual([...fromPng.data]);
  });

  it('refuses run-length compressed and truncated files with one clear line', async () => {
    await expect(decodeImage(new Uint8Array(writeBmp({ bitsPerPixel: 8, compression: 1 })))).rejects.toThrow(/^run-length compressed BMP files are not supported/);
    const whole = writeBmp({ bitsPerPixel: 24 });
    await expect(decodeImage(new Uint8Array(whole.subarray(0, whole.length - 10)))).rejects.toThrow('the BMP file is truncated');
  });
});
