/**
 * What a file is, from its first bytes, before any decoder sees it: the page, the worker and the Node CLI all
 * refuse the same files with the same words (empty files, HEIC, SVG, PDF, text) and refuse giant pictures
 * from their header, before a decoder allocates them. Pure code: no DOM, no Node.
 */
import { imageSize } from 'image-size';

/** Pictures with more pixels than this are refused from their header (same limit in the browser and Node). */
export const MAX_PIXELS = 100_000_000;

/** How many leading bytes the checks below need (JPEG frame headers can sit behind large EXIF blocks). */
export const SNIFF_BYTES = 64 * 1024;

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'tiff' | 'heic' | 'svg' | 'pdf' | 'text' | 'empty' | 'unknown';

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** ISO-BMFF `ftyp` brands (major, then compatible): AVIF and HEIC are both HEIF containers. */
function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return null;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const end = Math.min(bytes.length, Math.max(16, boxSize));
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  return brands;
}

/** Text: no NUL and almost only printable characters in the first bytes (UTF-8 sequences count as printable). */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  let odd = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) odd++;
  }
  return odd <= head.length / 100;
}

export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) return 'empty';
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG') return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return 'bmp';
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'pdf';
  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
    if (brands.some((brand) => HEIC_BRANDS.has(brand) || brand === 'mif1' || brand === 'msf1')) return 'heic';
  }
  if (looksLikeText(bytes)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 4096)).toLowerCase();
    return /<svg[\s>]/.test(head) ? 'svg' : 'text';
  }
  return 'unknown';
}

/**
 * A clear message for a file that is certainly not a picture the detector can read, or null when a decoder
 * should try it (unknown bytes included: the decoder then says it could not read them).
 */
export function unsupportedReason(format: ImageFormat): string | null {
  switch (format) {
    case 'empty':
      return 'the file is empty (0 bytes)';
    case 'heic':
      return 'HEIC/HEIF images are not supported: convert the picture to JPEG or PNG first';
    case 'svg':
      return 'SVG (vector) images are not supported: only pixel images are checked (PNG, JPEG, WebP, GIF, BMP, AVIF)';
    case 'pdf':
      return 'this is a PDF document, not an image';
    case 'text':
      return 'this is a text file, not an image';
    default:
      return null;
  }
}

/**
 * Width and height from the file header, or null when the header does not say (unknown bytes, a header cut off
 * by SNIFF_BYTES). image-size reads every format a browser or libvips decodes for us: PNG, JPEG (stored size,
 * before EXIF rotation), GIF, BMP, WebP (VP8, VP8L, VP8X), AVIF/HEIF (`ispe`, the largest image of a grid),
 * TIFF (first IFD), ICO. Pure code, no DOM and no Node, so the page, the worker and the CLI share it.
 */
export function headerSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length === 0) return null;
  try {
    const { width, height } = imageSize(bytes);
    const valid = (value: number | undefined): value is number => Number.isInteger(value) && value! >= 0;
    return valid(width) && valid(height) ? { width, height } : null;
  } catch {
    // image-size throws on bytes it does not recognise or cannot finish reading: the decoder decides.
    return null;
  }
}

export function tooLargeMessage(width: number, height: number): string {
  return `image is ${width}x${height} (${((width * height) / 1e6).toFixed(0)} megapixels); the limit is ${MAX_PIXELS / 1e6} megapixels`;
}

/**
 * Why these leading bytes (at least SNIFF_BYTES of them, or the whole file) must not go to a decoder, or null
 * when a decoder should try them.
 */
export function refuseBeforeDecoding(head: Uint8Array): string | null {
  const reason = unsupportedReason(sniffImageFormat(head));
  if (reason) return reason;
  const size = headerSize(head);
  if (size && size.width * size.height > MAX_PIXELS) return tooLargeMessage(size.width, size.height);
  if (size && (size.width === 0 || size.height === 0)) return `image header says ${size.width}x${size.height}: no pixels`;
  return null;
}
