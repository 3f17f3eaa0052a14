/**
 * EXIF, XMP, IPTC (IIM) and PNG text chunks, read with ExifReader.
 *
 * Why ExifReader and not exifr: exifr reads a PNG iTXt chunk only when it is XMP, so the Stable Diffusion
 * `parameters` that the web UI writes as iTXt (sdparams__SD.png) never come out, and it reads no zTXt and no WebP
 * metadata; its last release is years old. ExifReader reads tEXt, iTXt and zTXt (zlib through DecompressionStream,
 * with a cap on the inflated size, so a zip bomb stops at the cap), EXIF/XMP/IPTC in JPEG, PNG, WebP, TIFF, HEIC,
 * AVIF and GIF, and is released every few weeks. Its XMP needs a DOM parser, which a worker does not have:
 * @xmldom/xmldom, in the worker and in Node alike, so both read the same.
 */
import { DOMParser } from '@xmldom/xmldom';
import ExifReader from 'exifreader';

/** Largest inflated zTXt / compressed chunk ExifReader may produce: text prompts are kilobytes, not megabytes. */
export const MAX_INFLATED_BYTES = 1024 * 1024;

/** Groups of metadata that readMetadata can leave out (a kind over its cap, limits.ts). */
export interface SkippedGroups {
  exif?: boolean;
  xmp?: boolean;
  iptc?: boolean;
  /** PNG text chunks (tEXt, zTXt, iTXt other than XMP). */
  text?: boolean;
}

/** What the metadata says, still close to the tags; provenance.ts turns it into the result. */
export interface MetadataFacts {
  camera?: { make: string; model: string; lens?: string };
  /** The IPTC digital source type URI or term from XMP. */
  xmpSourceType?: string;
  /** XMP dcterms:provenance (a JUMBF URI when the file had an embedded manifest). */
  xmpProvenance?: string;
  /** Text chunks of a PNG, by keyword (tEXt, iTXt and zTXt alike). */
  pngText: Record<string, string>;
  /** EXIF UserComment as text (A1111 writes its parameters there in JPEG and WebP). */
  userComment?: string;
  /** The software that wrote the file, from EXIF Software, XMP CreatorTool or IPTC Originating Program. */
  software: Array<{ from: string; value: string }>;
  /** ExifReader's own complaints that it worked around (a damaged segment): shown as a notice. */
  warnings: string[];
}

type Tag = { value?: unknown; description?: unknown } | undefined;
type Group = Record<string, Tag> | undefined;

function text(tag: Tag): string | undefined {
  if (!tag) return undefined;
  const value = typeof tag.description === 'string' ? tag.description : typeof tag.value === 'string' ? tag.value : undefined;
  const trimmed = value?.replace(/\0+$/, '').trim();
  return trimmed && trimmed !== FAULTY ? trimmed : undefined;
}

/**
 * EXIF UserComment: 8 bytes naming the character code, then the text (EXIF 2.3, 4.6.5). ExifReader leaves
 * "UNICODE" comments undecoded ("[Unicode encoded text]"), so the bytes are decoded here: UTF-16, in the byte
 * order that the text shows (A1111 writes big-endian through piexif; some tools write little-endian).
 */
function userComment(tag: Tag): string | undefined {
  const value = tag?.value;
  if (!Array.isArray(value) || value.length <= 8) return text(tag);
  const bytes = Uint8Array.from(value as number[]);
  const code = String.fromCharCode(...bytes.subarray(0, 8)).replace(/\0+$/, '');
  const body = bytes.subarray(8);
  let decoded: string;
  if (code === 'UNICODE') {
    // ASCII text in UTF-16BE has its zero bytes first.
    const bigEndian = body.length >= 2 && body[0] === 0 && body[1] !== 0;
    decoded = new TextDecoder(bigEndian ? 'utf-16be' : 'utf-16le').decode(body);
  } else if (code === 'ASCII' || code === '') {
    decoded = new TextDecoder('utf-8').decode(body);
  } else {
    return undefined; // JIS or unknown: not a generator's parameters
  }
  decoded = decoded.replace(/\0+$/, '').trim();
  return decoded || undefined;
}

/** ExifReader's mark for a value it could not read (an offset past the end, an impossible count). */
const FAULTY = '<faulty value>';

/**
 * zlib inflate for ExifReader's zTXt/iCCP chunks, stopped at `cap` bytes. ExifReader has the same cap but only
 * warns on the console when it skips a chunk; this one tells the caller, so that the card can say so.
 */
function cappedInflate(cap: number, onOverflow: () => void) {
  return async (data: Uint8Array): Promise<Uint8Array> => {
    const reader = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        onOverflow();
        throw new Error(`a compressed chunk inflates to more than ${cap} bytes`);
      }
      parts.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
}

function pngTexts(group: Group): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [keyword, tag] of Object.entries(group ?? {})) {
    const value = text(tag);
    if (value !== undefined) out[keyword] = value;
  }
  return out;
}

/**
 * Reads what the provenance summary needs. Throws on input ExifReader refuses outright (not an image it knows).
 * `skip`: groups left out, never parsed (read.ts leaves out a kind over its cap).
 */
export async function readMetadata(bytes: Uint8Array, options: { skip?: SkippedGroups } = {}): Promise<MetadataFacts> {
  const skip = options.skip ?? {};
  const warnings: string[] = [];
  let xmpDamaged = false;
  // ExifReader takes an ArrayBuffer and reads it in place: hand it exactly the file's bytes.
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  const tags = (await ExifReader.load(buffer as ArrayBuffer, {
    expanded: true,
    async: true,
    includeUnknown: false,
    // xmldom reports damage to onError (and logs it when there is none); one notice is enough.
    domParser: new DOMParser({
      onError: (level: string) => {
        if (level !== 'warning' && !xmpDamaged) {
          xmpDamaged = true;
          warnings.push('the XMP packet is damaged; what could be read is shown');
        }
      },
    }) as never,
    decompress: {
      maxDecompressedSize: MAX_INFLATED_BYTES,
      deflate: cappedInflate(MAX_INFLATED_BYTES, () => warnings.push(`a compressed text chunk inflates to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MB (a zip bomb?) and was skipped`)),
    },
    // Thumbnails, maker notes and ICC profiles say nothing about provenance; skipping them is also less to go wrong.
    excludeTags: {
      thumbnail: true,
      icc: true,
      makerNotes: true,
      mpf: true,
      // In a TIFF, XMP and IPTC are EXIF tags' values: left out there too, or they are still read as arrays.
      ...(skip.exif ? { exif: true, gps: true } : skip.xmp || skip.iptc ? { exif: [...(skip.xmp ? ['ApplicationNotes'] : []), ...(skip.iptc ? ['IPTC-NAA', 'PhotoshopSettings'] : [])] } : {}),
      ...(skip.xmp ? { xmp: true } : {}),
      ...(skip.iptc ? { iptc: true, photoshop: true } : {}),
      ...(skip.text ? { png: true } : {}),
    },
  })) as unknown as Record<string, Group>;

  const exif = tags.exif;
  const xmp = tags.xmp;
  const iptc = tags.iptc;
  const facts: MetadataFacts = { pngText: pngTexts(tags.pngText), software: [], warnings };
  if (Object.values(exif ?? {}).some((tag) => tag?.description === FAULTY || tag?.value === FAULTY)) {
    warnings.push('the EXIF block is damaged (values point outside it); what could be read is shown');
  }

  const make = text(exif?.Make) ?? text(xmp?.Make);
  const model = text(exif?.Model) ?? text(xmp?.Model);
  if (make || model) {
    const lens = text(exif?.LensModel) ?? text(xmp?.LensModel) ?? text(xmp?.Lens);
    facts.camera = { make: make ?? '', model: model ?? '', ...(lens ? { lens } : {}) };
  }
  const sourceType = text(xmp?.DigitalSourceType);
  if (sourceType) facts.xmpSourceType = sourceType;
  const provenance = text(xmp?.provenance);
  if (provenance) facts.xmpProvenance = provenance;
  const comment = userComment(exif?.UserComment);
  if (comment) facts.userComment = comment;
  const push = (from: string, value: string | undefined) => {
    if (value) facts.software.push({ from, value });
  };
  push('EXIF Software', text(exif?.Software));
  push('XMP CreatorTool', text(xmp?.CreatorTool));
  push('IPTC Originating Program', [text(iptc?.['Originating Program']), text(iptc?.['Program Version'])].filter(Boolean).join(' ') || undefined);
  return facts;
}
