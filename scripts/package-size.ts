/**
 * `npm run package:size`: packs the npm package (`npm pack --dry-run`, which runs the prepack build) and writes
 * what it weighs to bench/results/package-size.json: the tarball (gzip) and unpacked bytes, the file count, and
 * the parts (models, onnxruntime-web's runtime files, the C2PA WebAssembly, JavaScript, types). docs/package.md and
 * CHANGELOG quote this file; tests/package/consumer.test.ts checks it against the tarball it packs.
 * `pagePrecache` is the 0.2.0 release's record of what the page's first visit precaches before and after the
 * package was added, which CHANGELOG.md quotes: a re-measure keeps it as it is, unless `--precache` asks for it to
 * be measured again from a built page (dist/, `npm run build`; scripts/precache-size.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { precacheSize } from './precache-size';

const ROOT = path.resolve(import.meta.dirname, '..');
export const PACKAGE_SIZE_FILE = path.join(ROOT, 'bench/results/package-size.json');

export interface PackedFile {
  path: string;
  size: number;
}

export interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}

export interface PackageSize {
  version: string;
  modelVersion: string;
  tarball: string;
  tarballBytes: number;
  unpackedBytes: number;
  files: number;
  /** Unpacked bytes by part. */
  parts: { models: number; onnxruntimeWeb: number; c2paWasm: number; javascript: number; types: number; other: number };
  /** The page's first visit (dist/sw.js precache list): before the package existed, and in this build. */
  pagePrecache?: { before: { files: number; bytes: number; commit: string }; after: { files: number; bytes: number } };
}

/** The page's precache before this package (8ff45cd, main before issue 22), measured with scripts/precache-size.ts. */
export const PRECACHE_BEFORE = { files: 19, bytes: 280_203, commit: '8ff45cd' };

export function describePack(pack: PackInfo): PackageSize {
  const sum = (test: (file: string) => boolean) => pack.files.filter((file) => test(file.path)).reduce((total, file) => total + file.size, 0);
  const models = sum((file) => file.startsWith('lib/models/'));
  const onnxruntimeWeb = sum((file) => file.startsWith('lib/browser/ort/'));
  const c2paWasm = sum((file) => file === 'lib/browser/c2pa.wasm');
  const javascript = sum((file) => /^(lib\/(browser|node)\/[^/]+\.js|bin\/.*\.mjs)$/.test(file));
  const types = sum((file) => file.startsWith('lib/types/'));
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'public/models/manifest.json'), 'utf8')) as { version: string };
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    version,
    modelVersion: manifest.version,
    tarball: pack.filename,
    tarballBytes: pack.size,
    unpackedBytes: pack.unpackedSize,
    files: pack.entryCount,
    parts: { models, onnxruntimeWeb, c2paWasm, javascript, types, other: pack.unpackedSize - models - onnxruntimeWeb - c2paWasm - javascript - types },
  };
}

/** `npm pack --json` (dry run or not) from the repository root; the prepack build's output goes to stderr. */
export function npmPack(args: string[]): PackInfo {
  const out = execFileSync('npm', ['pack', '--json', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const [pack] = JSON.parse(out.slice(out.indexOf('['))) as PackInfo[];
  if (!pack) throw new Error('npm pack reported nothing');
  return pack;
}

/** Megabytes with one decimal, as docs/package.md and CHANGELOG.md quote them. */
export const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const size = describePack(npmPack(['--dry-run']));
  const dist = path.join(ROOT, 'dist');
  const recorded = existsSync(PACKAGE_SIZE_FILE) ? (JSON.parse(readFileSync(PACKAGE_SIZE_FILE, 'utf8')) as PackageSize).pagePrecache : undefined;
  if (process.argv.includes('--precache')) {
    if (!existsSync(path.join(dist, 'sw.js'))) throw new Error('--precache measures the built page: run npm run build first');
    const { files, bytes } = precacheSize(dist);
    size.pagePrecache = { before: PRECACHE_BEFORE, after: { files, bytes } };
  } else if (recorded) {
    size.pagePrecache = recorded;
  }
  writeFileSync(PACKAGE_SIZE_FILE, `${JSON.stringify(size, null, 2)}\n`);
  process.stdout.write(`${path.relative(ROOT, PACKAGE_SIZE_FILE)}: ${megabytes(size.tarballBytes)} MB packed, ${megabytes(size.unpackedBytes)} MB unpacked, ${size.files} files\n`);
}
