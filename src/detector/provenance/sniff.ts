/**
 * The cheap check in front of the metadata readers: does this file carry any metadata, how large is each kind of
 * metadata block (so that limits.ts can leave out a block too large to parse in time), and may it hold a C2PA
 * manifest (JUMBF)? Only a file with metadata goes to the readers (ExifReader, and the 9 MB C2PA WebAssembly), so
 * a file without any costs a walk over its structure and nothing else.
 *
 * This reads structure only (segment, chunk, box and IFD headers, lengths and names), never the metadata itself:
 * parsing stays with the libraries. Every container the readers take is walked:
 * - JPEG: the marker segments before the first scan (APP1 EXIF / XMP / extended XMP, APP13 IPTC, APP2 ICC, COM,
 *   APP11 JUMBF);
 * - PNG: chunks (tEXt / zTXt / iTXt, the XMP iTXt, eXIf, iCCP, caBX);
 * - WebP: RIFF chunks (EXIF, "XMP ", ICCP, C2PA);
 * - TIFF: the IFDs the reader reads (IFD0, IFD1, the EXIF / GPS / interoperability IFDs): their entry tables and
 *   every out-of-line value, XMP (tag 700), IPTC (33723) and Photoshop (34377) apart;
 * - GIF: the extension blocks (comments, the "XMP DataXMP" application extension), skipping image data by its
 *   sub-block lengths;
 * - AVIF / HEIC (ISO BMFF): the `meta` box (its own size), its Exif and XMP items' extents (iinf + iloc), C2PA
 *   `uuid` boxes.
 * Sizes are what the headers claim, even past the file's end: a header claiming 4 GB of XMP is over any cap.
 * Each walk advances by at least a header's length per step and stops at the end of the bytes, so it is bounded by
 * the file's size whatever the file says (IFD offsets are followed once each, at most MAX_IFDS of them).
 */
import { sniffImageFormat } from '../image-format';
import type { ImageFormat } from '../image-format';

/** What a metadata block holds, as far as the caps go (limits.ts). */
export type MetadataKind = 'exif' | 'xmp' | 'iptc' | 'text' | 'icc' | 'c2pa' | 'structure';
export const METADATA_KINDS: readonly MetadataKind[] = ['exif', 'xmp', 'iptc', 'text', 'icc', 'c2pa', 'structure'];

export interface MetadataSniff {
  format: ImageFormat;
  /** EXIF, XMP, IPTC, PNG text chunks or anything the reader should look at. */
  metadata: boolean;
  /** A C2PA manifest store (JUMBF) may be embedded. */
  c2pa: boolean;
  /**
   * Bytes of each kind of metadata block, summed over the file (`structure`: a container's own metadata tables,
   * such as an ISO BMFF `meta` box). A 20 MB XMP packet shows as xmp: 20971520 whatever the container.
   */
  bytes: Record<MetadataKind, number>;
}

/** The C2PA reader's format argument for a sniffed format. */
export const C2PA_MIME: Partial<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heic: 'image/heic',
};

/** IFDs followed in a TIFF at most (IFD0, IFD1 and their EXIF / GPS / interoperability IFDs need 6). */
export const MAX_IFDS = 16;

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + length)));

const JUMB = [0x6a, 0x75, 0x6d, 0x62]; // "jumb"

/** Whether `pattern` occurs in bytes[from, to). */
function contains(bytes: Uint8Array, pattern: readonly number[], from = 0, to = bytes.length): boolean {
  const first = pattern[0]!;
  for (let i = bytes.indexOf(first, from); i !== -1 && i + pattern.length <= to; i = bytes.indexOf(first, i + 1)) {
    let k = 1;
    while (k < pattern.length && bytes[i + k] === pattern[k]) k++;
    if (k === pattern.length) return true;
  }
  return false;
}

/** What a walk finds; `add` counts a block of `kind`. */
class Found {
  metadata = false;
  c2pa = false;
  readonly bytes: Record<MetadataKind, number> = { exif: 0, xmp: 0, iptc: 0, text: 0, icc: 0, c2pa: 0, structure: 0 };

  /** A block the readers look at (`read`: sets `metadata`; ICC and structure alone do not). */
  add(kind: MetadataKind, bytes: number, read = true): void {
    this.bytes[kind] += Math.max(0, bytes);
    if (read) this.metadata = true;
    if (kind === 'c2pa') this.c2pa = true;
  }
}

const startsWith = (bytes: Uint8Array, at: number, text: string) => ascii(bytes, at, text.length) === text;

/** JPEG: the marker segments before the first scan (SOS). */
function sniffJpeg(bytes: Uint8Array, found: Found): void {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break; // lost sync: hand it to the reader, which copes
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // no length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // image data or end
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const payload = at + 4;
    if (marker === 0xe1) {
      // EXIF, XMP, extended XMP (its chunks are reassembled into one packet), or an APP1 the reader will try.
      const xmp = startsWith(bytes, payload, 'http://ns.adobe.com/xap/1.0/\0') || startsWith(bytes, payload, 'http://ns.adobe.com/xmp/extension/\0');
      found.add(xmp ? 'xmp' : 'exif', length);
    } else if (marker === 0xed) {
      found.add('iptc', length);
    } else if (marker === 0xfe) {
      found.add('text', length);
    } else if (marker === 0xe2 && startsWith(bytes, payload, 'ICC_PROFILE')) {
      found.add('icc', length, false);
    } else if (marker === 0xeb) {
      found.metadata = true;
      if (contains(bytes, JUMB, payload, Math.min(bytes.length, at + 2 + length))) found.add('c2pa', length);
    }
    if (length < 2) break;
    at += 2 + length;
  }
}

/** PNG: chunk names. tEXt/iTXt/zTXt/eXIf hold text and EXIF (XMP is the iTXt "XML:com.adobe.xmp"); caBX is C2PA. */
function sniffPng(bytes: Uint8Array, found: Found): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') found.add(startsWith(bytes, at + 8, 'XML:com.adobe.xmp\0') ? 'xmp' : 'text', length);
    else if (type === 'eXIf') found.add('exif', length);
    else if (type === 'iCCP') found.add('icc', length, false);
    else if (type === 'caBX') found.add('c2pa', length);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
}

/** WebP: RIFF chunks EXIF, "XMP ", ICCP and C2PA. */
function sniffWebp(bytes: Uint8Array, found: Found): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length; ) {
    const type = ascii(bytes, at, 4);
    const length = view.getUint32(at + 4, true);
    if (type === 'EXIF') found.add('exif', length);
    else if (type === 'XMP ') found.add('xmp', length);
    else if (type === 'ICCP') found.add('icc', length, false);
    else if (type === 'C2PA') found.add('c2pa', length);
    at += 8 + length + (length & 1);
  }
}

/** Bytes per value of each TIFF field type (unknown types count 1). */
const TIFF_TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };
const TIFF_SUB_IFDS = new Set([0x8769, 0x8825, 0xa005]); // EXIF, GPS, interoperability
const TIFF_KIND: Record<number, MetadataKind> = { 700: 'xmp', 33723: 'iptc', 34377: 'iptc' };

/**
 * TIFF (a whole file, or EXIF inside another container when `base` is its header's offset): the entry tables of
 * IFD0, IFD1 and the EXIF / GPS / interoperability IFDs, and the out-of-line values of their entries, which the
 * reader turns into values (XMP, IPTC and Photoshop blocks counted apart). Each IFD offset is followed once.
 */
function sniffTiff(bytes: Uint8Array, found: Found): void {
  const little = bytes[0] === 0x49;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  found.metadata = true;
  if (bytes.length < 8) return;
  if (u16(2) !== 42) {
    // BigTIFF (43) or damage: no walk; the whole file counts as structure, so a large one is not parsed.
    found.add('structure', bytes.length);
    return;
  }
  const seen = new Set<number>();
  const queue: Array<{ offset: number; chain: number }> = [{ offset: u32(4), chain: 0 }];
  while (queue.length > 0 && seen.size < MAX_IFDS) {
    const { offset, chain } = queue.shift()!;
    if (offset < 8 || offset + 2 > bytes.length || seen.has(offset)) continue;
    seen.add(offset);
    const entries = u16(offset);
    found.add('exif', 2 + 12 * entries + 4);
    for (let i = 0; i < entries; i++) {
      const at = offset + 2 + 12 * i;
      if (at + 12 > bytes.length) break;
      const tag = u16(at);
      const size = u32(at + 4) * (TIFF_TYPE_BYTES[u16(at + 2)] ?? 1);
      if (TIFF_SUB_IFDS.has(tag)) queue.push({ offset: u32(at + 8), chain: 2 });
      else if (size > 4) found.add(TIFF_KIND[tag] ?? 'exif', size);
    }
    // IFD0 -> IFD1 (the thumbnail's), no further: the reader stops there too.
    const nextAt = offset + 2 + 12 * entries;
    if (chain === 0 && nextAt + 4 <= bytes.length) queue.push({ offset: u32(nextAt), chain: 1 });
  }
}

/** Total length of the GIF data sub-blocks starting at `at`, and where they end. */
function gifSubBlocks(bytes: Uint8Array, at: number): { length: number; end: number } {
  let length = 0;
  while (at < bytes.length) {
    const size = bytes[at]!;
    at += 1 + size;
    if (size === 0) break;
    length += size;
  }
  return { length, end: at };
}

/** GIF: comment extensions and the XMP application extension; image data skipped by its sub-block lengths. */
function sniffGif(bytes: Uint8Array, found: Found): void {
  if (bytes.length < 13) return;
  const flags = bytes[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x21) {
      const label = bytes[at + 1];
      const application = label === 0xff ? ascii(bytes, at + 3, 11) : '';
      const { length, end } = gifSubBlocks(bytes, at + 2);
      if (label === 0xfe) found.add('text', length);
      else if (application === 'XMP DataXMP') found.add('xmp', length);
      else if (application.startsWith('C2PA')) found.add('c2pa', length);
      at = end;
    } else if (block === 0x2c) {
      if (at + 10 > bytes.length) break;
      const local = bytes[at + 9]!;
      at += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
      at = gifSubBlocks(bytes, at).end;
    } else {
      break; // trailer (0x3b) or damage
    }
  }
}

/** ISO BMFF boxes in [start, end): type, where the content starts, where the box ends. */
function* boxes(bytes: Uint8Array, view: DataView, start: number, end: number): Generator<{ type: string; content: number; end: number; size: number }> {
  for (let at = start; at + 8 <= end; ) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header) return;
    yield { type: ascii(bytes, at + 4, 4), content: at + header, end: Math.min(end, at + size), size };
    at += size;
  }
}

const C2PA_UUID = [0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81];

/** AVIF / HEIC: the `meta` box (its Exif and XMP items' extents) and C2PA `uuid` boxes at the top level. */
function sniffIsoBmff(bytes: Uint8Array, found: Found): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const box of boxes(bytes, view, 0, bytes.length)) {
    if (box.type === 'uuid' && C2PA_UUID.every((value, i) => bytes[box.content + i] === value)) found.add('c2pa', box.size);
    if (box.type !== 'meta') continue;
    found.add('structure', box.size, false);
    // A full box: version and flags, then the children.
    const kinds = new Map<number, MetadataKind>();
    const extents = new Map<number, number>();
    for (const child of boxes(bytes, view, box.content + 4, box.end)) {
      if (child.type === 'iinf') itemKinds(bytes, view, child.content, child.end, kinds);
      else if (child.type === 'iloc') itemLengths(view, child.content, child.end, extents);
    }
    for (const [id, kind] of kinds) found.add(kind, extents.get(id) ?? 0);
  }
}

/** iinf: which items are Exif, and which XMP (a `mime` item of type application/rdf+xml). */
function itemKinds(bytes: Uint8Array, view: DataView, start: number, end: number, kinds: Map<number, MetadataKind>): void {
  if (start + 4 > end) return;
  const version = bytes[start]!;
  const first = start + 4 + (version === 0 ? 2 : 4);
  const cString = (at: number) => {
    const stop = bytes.indexOf(0, at);
    return { text: ascii(bytes, at, Math.min(stop === -1 || stop > end ? end : stop, at + 256) - at), next: stop === -1 ? end : stop + 1 };
  };
  for (const entry of boxes(bytes, view, first, end)) {
    if (entry.type !== 'infe' || entry.content + 4 > entry.end) continue;
    const infeVersion = bytes[entry.content]!;
    if (infeVersion < 2) continue;
    let at = entry.content + 4;
    if (at + (infeVersion === 2 ? 2 : 4) + 6 > entry.end) continue;
    const id = infeVersion === 2 ? view.getUint16(at) : view.getUint32(at);
    at += (infeVersion === 2 ? 2 : 4) + 2; // item_ID, protection index
    const type = ascii(bytes, at, 4);
    at += 4;
    if (type === 'Exif') kinds.set(id, 'exif');
    else if (type === 'mime') {
      const name = cString(at);
      if (/rdf\+xml|xmp/i.test(cString(name.next).text)) kinds.set(id, 'xmp');
    }
  }
}

/** iloc: each item's extents' total length (offset, length and index fields of 0, 4 or 8 bytes). */
function itemLengths(view: DataView, start: number, end: number, lengths: Map<number, number>): void {
  if (start + 8 > end) return;
  const version = view.getUint8(start);
  const sizes = view.getUint8(start + 4);
  const more = view.getUint8(start + 5);
  const [offsetSize, lengthSize, baseSize] = [sizes >> 4, sizes & 15, more >> 4];
  const indexSize = version === 1 || version === 2 ? more & 15 : 0;
  const read = (at: number, size: number) => (size === 8 ? view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4) : size === 4 ? view.getUint32(at) : 0);
  let at = start + 6;
  const count = version < 2 ? view.getUint16(at) : view.getUint32(at);
  at += version < 2 ? 2 : 4;
  for (let i = 0; i < count && at < end; i++) {
    if (at + (version < 2 ? 2 : 4) > end) return;
    const id = version < 2 ? view.getUint16(at) : view.getUint32(at);
    at += (version < 2 ? 2 : 4) + (version === 1 || version === 2 ? 2 : 0) + 2 + baseSize;
    if (at + 2 > end) return;
    const extents = view.getUint16(at);
    at += 2;
    let total = 0;
    for (let e = 0; e < extents; e++) {
      at += indexSize + offsetSize;
      if (at + lengthSize > end) return;
      total += read(at, lengthSize);
      at += lengthSize;
    }
    lengths.set(id, (lengths.get(id) ?? 0) + total);
  }
}

export function sniffMetadata(bytes: Uint8Array): MetadataSniff {
  const format = sniffImageFormat(bytes);
  const found = new Found();
  switch (format) {
    case 'jpeg':
      sniffJpeg(bytes, found);
      break;
    case 'png':
      sniffPng(bytes, found);
      break;
    case 'webp':
      sniffWebp(bytes, found);
      break;
    case 'tiff':
      sniffTiff(bytes, found);
      if (contains(bytes, JUMB)) found.add('c2pa', 0);
      break;
    case 'gif':
      sniffGif(bytes, found);
      if (contains(bytes, JUMB)) found.add('c2pa', 0);
      break;
    case 'avif':
    case 'heic':
      // The reader reads the meta box's items, so any meta box is worth a look.
      sniffIsoBmff(bytes, found);
      if (found.bytes.structure > 0) found.metadata = true;
      if (!found.c2pa && contains(bytes, JUMB)) found.add('c2pa', 0);
      break;
    default:
      break;
  }
  return { format, metadata: found.metadata, c2pa: found.c2pa, bytes: found.bytes };
}
