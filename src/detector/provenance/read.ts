/**
 * readProvenance: one file's bytes -> Provenance. The same function runs in the browser (in the provenance
 * worker, see isolate.ts) and in Node (the CLI and the tests, see node.ts); only how the C2PA WebAssembly is
 * loaded differs, so it is passed in. It never throws: what cannot be read becomes a notice, and the image is
 * scored all the same.
 */
import type { C2paWasm } from './c2pa';
import { readC2pa, sourceTypeTerm } from './c2pa';
import { GENERATOR_SOFTWARE, generatorFromText } from './generator';
import { METADATA_TIME_LIMIT_MS, overCap, overCapNotice, timeLimitNotice } from './limits';
import { readMetadata } from './metadata';
import type { MetadataFacts } from './metadata';
import { C2PA_MIME, sniffMetadata } from './sniff';
import type { MetadataSniff } from './sniff';
import { describe, noProvenance } from './summary';

import type { Provenance } from './types';

export interface ReadProvenanceOptions {
  /** Loads the C2PA WebAssembly module; called only for a file with a C2PA marker. */
  loadC2pa: () => Promise<C2paWasm>;
  /**
   * Gives up on a file's metadata after this long (default METADATA_TIME_LIMIT_MS, 5 s) with a notice where the
   * work yields; the hard limit, which also stops synchronous work, is the reader's thread being terminated
   * (isolate.ts in the browser, node-isolate.ts in Node).
   */
  timeLimitMs?: number;
  /**
   * Called when the timed work starts (after the C2PA WebAssembly is loaded, which is not held against the
   * file), so that a hard limit outside can start its clock there too.
   */
  onStart?: () => void;
}

export const DEFAULT_TIME_LIMIT_MS = METADATA_TIME_LIMIT_MS;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(timeLimitNotice(ms))), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

type Facts = Omit<Provenance, 'summary' | 'details'> & { aiAgent?: string; software?: string[] };

async function read(bytes: Uint8Array, sniff: MetadataSniff, wasm: C2paWasm | null, notices: string[]): Promise<Facts> {
  // A kind of block over its cap is never parsed (limits.ts); the container's own tables over theirs, nothing is.
  const over = new Set(overCap(sniff).map(({ kind, bytes: size }) => (notices.push(overCapNotice(kind, size)), kind)));
  const skipAll = over.has('structure');
  const skip = { exif: over.has('exif'), xmp: over.has('xmp'), iptc: over.has('iptc'), text: over.has('text') };
  const mime = C2PA_MIME[sniff.format];
  const [metadata, c2pa] = await Promise.all([
    skipAll
      ? Promise.resolve(null)
      : readMetadata(bytes, { skip }).catch((error: unknown): MetadataFacts | null => {
          notices.push(`EXIF/XMP/IPTC could not be read (${reason(error)})`);
          return null;
        }),
    wasm && mime && !skipAll && !over.has('c2pa')
      ? readC2pa(wasm, bytes, mime).catch((error: unknown) => {
          notices.push(reason(error));
          return null;
        })
      : Promise.resolve(null),
  ]);

  const facts: Facts = {};
  if (c2pa) {
    facts.c2pa = c2pa.c2pa;
    if (c2pa.sourceType) facts.sourceType = c2pa.sourceType;
    if (c2pa.aiAgent) facts.aiAgent = c2pa.aiAgent;
  }
  if (metadata) {
    if (metadata.xmpSourceType && !facts.sourceType) facts.sourceType = sourceTypeTerm(metadata.xmpSourceType);
    const generator = generatorFromText(metadata.pngText, metadata.userComment);
    if (generator) facts.generator = generator;
    if (metadata.camera) facts.camera = metadata.camera;
    if (metadata.xmpProvenance && /jumbf=/.test(metadata.xmpProvenance) && !c2pa) facts.missingManifest = true;
    facts.software = metadata.software.map((entry) => `${entry.from}: ${entry.value}`);
    // A generator named only by the software that wrote the file (Midjourney, Firefly, ... in EXIF/XMP/IPTC).
    const named = metadata.software.find((entry) => GENERATOR_SOFTWARE.test(entry.value));
    if (!facts.generator && named) facts.generator = { tool: named.value };
    notices.push(...metadata.warnings);
  }
  // A C2PA AI action names its tool: say it in the generator field too, when nothing else did.
  if (!facts.generator && facts.c2pa?.aiGenerated && facts.aiAgent) facts.generator = { tool: facts.aiAgent };
  return facts;
}

export async function readProvenance(bytes: Uint8Array, options: ReadProvenanceOptions): Promise<Provenance> {
  const started = performance.now();
  const notices: string[] = [];
  const sniff = sniffMetadata(bytes);
  if (!sniff.metadata && !sniff.c2pa) return noProvenance(performance.now() - started);
  // Loading the C2PA WebAssembly (the first time: a 9 MB download and compile) is not held against the file.
  let wasm: C2paWasm | null = null;
  if (sniff.c2pa && C2PA_MIME[sniff.format] && overCap(sniff).every(({ kind }) => kind !== 'c2pa' && kind !== 'structure')) {
    wasm = await options.loadC2pa().catch((error: unknown) => {
      notices.push(`the Content Credentials reader could not be loaded (${reason(error)})`);
      return null;
    });
  }
  options.onStart?.();
  const limit = timeout(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  let facts: Facts;
  try {
    facts = await Promise.race([read(bytes, sniff, wasm, notices), limit.promise]);
  } catch (error) {
    notices.push(reason(error));
    facts = {};
  } finally {
    limit.cancel();
  }
  const { aiAgent, software, ...rest } = facts;
  const ms = performance.now() - started;
  if (Object.keys(rest).length === 0 && notices.length === 0 && !software?.length) return noProvenance(ms);
  return { ...describe({ ...rest, ...(notices.length ? { notices: [...new Set(notices)] } : {}) }, { ...(aiAgent ? { aiAgent } : {}), ...(software ? { software } : {}) }), ms };
}
