/**
 * Node image decoding: sharp (libvips) for PNG, JPEG, WebP, GIF (first frame), AVIF, TIFF, with EXIF orientation
 * applied; bmp-ts for BMP, which libvips cannot read ("unsupported image format") but every browser can.
 */
import { open, readFile } from 'node:fs/promises';
import { decode as decodeBmpFile } from 'bmp-ts';
import sharp from 'sharp';
import { MAX_PIXELS, SNIFF_BYTES, refuseBeforeDecoding, sniffImageFormat } from '../detector/image-format';
import type { RgbaImage } from '../detector/preprocess';

/** The first SNIFF_BYTES of a file (fewer when it is shorter). */
async function head(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_ALPHA_BITFIELDS = 6;

/**
 * A BMP (already checked against MAX_PIXELS from its header) as RGBA. bmp-ts reads every bit depth and header
 * version; around it: run-length-compressed files are refused (its RLE path writes pixels to the wrong bytes), a
 * gap between the colour table and the pixels (bfOffBits further on) is closed, since bmp-ts reads the pixels
 * straight after the table, and short files are refused before it reads past their end. Alpha counts only where
 * the file has an alpha mask (16/32-bit); other depths are opaque, as in browsers.
 */
function decodeBmp(bytes: Buffer): RgbaImage {
  if (bytes.length < 54) throw new Error('the BMP file is truncated');
  const headerSize = bytes.readUInt32LE(14);
  const width = bytes.readInt32LE(18);
  const height = Math.abs(bytes.readInt32LE(22));
  const bitsPerPixel = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const colours = bytes.readUInt32LE(46);
  if (compression === BI_RLE8 || compression === BI_RLE4) throw new Error('run-length compressed BMP files are not supported by the command line: convert the picture to PNG first');
  if (!(width > 0 && height > 0)) throw new Error(`BMP header says ${width}x${height}: no pixels`);
  // Where bmp-ts starts reading pixels: after the header, the masks a 40-byte header keeps outside, the colour table.
  const masks = headerSize === 40 ? (compression === BI_BITFIELDS ? 12 : compression === BI_ALPHA_BITFIELDS ? 16 : 0) : 0;
  const tableEntries = bitsPerPixel <= 8 || colours > 0 ? colours || 1 << bitsPerPixel : 0;
  const tableEnd = 14 + headerSize + masks + 4 * tableEntries;
  const pixelsAt = bytes.readUInt32LE(10);
  if (pixelsAt < tableEnd) throw new Error('the BMP file is damaged (its pixels start inside its header)');
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (pixelsAt + rowBytes * height > bytes.length) throw new Error('the BMP file is truncated');
  const contiguous = pixelsAt === tableEnd ? bytes : Buffer.concat([bytes.subarray(0, tableEnd), bytes.subarray(pixelsAt)]);
  // toRGBA: false is bmp-ts's own layout (A, B, G, R), the one all of its uncompressed paths write correctly.
  const abgr = decodeBmpFile(contiguous, { toRGBA: false }).data;
  const data = new Uint8ClampedArray(width * height * 4);
  const hasAlpha = bitsPerPixel === 16 || bitsPerPixel === 32;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = abgr[i + 3]!;
    data[i + 1] = abgr[i + 2]!;
    data[i + 2] = abgr[i + 1]!;
    data[i + 3] = hasAlpha ? abgr[i]! : 255;
  }
  return { width, height, data };
}

export async function decodeImage(input: string | Uint8Array): Promise<RgbaImage> {
  // The same refusals, with the same words, as the page (src/detector/image-format.ts): SVG in particular is not
  // rendered here either, although libvips could.
  const start = typeof input === 'string' ? await head(input) : input.subarray(0, SNIFF_BYTES);
  const refused = refuseBeforeDecoding(start);
  if (refused) throw new Error(refused);
  if (sniffImageFormat(start) === 'bmp') {
    const bytes = typeof input === 'string' ? await readFile(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return decodeBmp(bytes);
  }
  const image = sharp(input, { limitInputPixels: MAX_PIXELS, pages: 1, failOn: 'error' });
  const { data, info } = await image.rotate().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
