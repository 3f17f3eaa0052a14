/**
 * What metadata work is allowed per file, whatever its container (sniff.ts measures each kind of block):
 * - a size cap per kind of metadata block: a kind over its cap is not parsed at all, with a notice naming it and
 *   its size (xmldom takes seconds per 10 MB of XMP; ExifReader turns every out-of-line EXIF value into a JS
 *   array; the C2PA SDK parses what it is given). Real files are far under: camera EXIF is tens of KB (a JPEG
 *   APP1 segment holds at most 64 KB), XMP a few KB (Photoshop's longest histories, a few hundred), manifests a
 *   few hundred KB with their thumbnails;
 * - a time limit per file that really stops the work: the reader runs on a thread of its own that is terminated
 *   at the limit (a Web Worker on the page, isolate.ts; worker_threads in Node, node-isolate.ts), and the file
 *   is scored all the same, its metadata line saying why it was not read. readProvenance's own soft limit answers
 *   first where the work yields (async steps), the hard one where it does not (a synchronous parse, WebAssembly).
 */
import type { MetadataKind, MetadataSniff } from './sniff';

const MB = 1024 * 1024;

/** Largest total of each kind of block that is parsed (ICC profiles are never parsed: no cap needed). */
export const METADATA_CAPS: Readonly<Record<Exclude<MetadataKind, 'icc'>, number>> = {
  exif: 4 * MB,
  xmp: 2 * MB,
  iptc: 2 * MB,
  text: 2 * MB,
  c2pa: 32 * MB,
  // An ISO BMFF `meta` box: item tables, properties; kilobytes in real files.
  structure: 8 * MB,
};

/** The time limit per file (the first C2PA file's WebAssembly start is not counted: isolate.ts, node-isolate.ts). */
export const METADATA_TIME_LIMIT_MS = 5000;

/** Kinds over their cap, with their size, in METADATA_CAPS order. */
export function overCap(sniff: Pick<MetadataSniff, 'bytes'>): Array<{ kind: Exclude<MetadataKind, 'icc'>; bytes: number; cap: number }> {
  return (Object.keys(METADATA_CAPS) as Array<Exclude<MetadataKind, 'icc'>>)
    .filter((kind) => sniff.bytes[kind] > METADATA_CAPS[kind])
    .map((kind) => ({ kind, bytes: sniff.bytes[kind], cap: METADATA_CAPS[kind] }));
}

const LABELS: Record<Exclude<MetadataKind, 'icc'>, string> = {
  exif: 'EXIF',
  xmp: 'XMP',
  iptc: 'IPTC',
  text: 'text metadata',
  c2pa: 'the Content Credentials manifest',
  structure: 'the metadata box',
};

const megabytes = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The notice for a kind left out: "XMP of 20.0 MB is over the 2 MB cap and was not read". */
export function overCapNotice(kind: Exclude<MetadataKind, 'icc'>, bytes: number): string {
  const label = LABELS[kind];
  return `${label[0]!.toUpperCase()}${label.slice(1)} of ${megabytes(bytes)} is over the ${METADATA_CAPS[kind] / MB} MB cap and was not read`;
}

/** The notice for a file whose metadata ran past the time limit and was stopped. */
export function timeLimitNotice(ms: number): string {
  return `reading the metadata took longer than ${+(ms / 1000).toFixed(1)} s and was stopped`;
}
