/**
 * `npx tsx scripts/precache-size.ts [dist]`: what the page's first visit precaches, from the built service worker
 * (dist/sw.js, precacheAndRoute's list): the number of files and their bytes on disk, as JSON on stdout. Used to
 * check that packaging the library did not grow the page's own first visit (CHANGELOG.md).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export function precacheSize(dist: string): { files: number; bytes: number; urls: string[] } {
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((match) => match[1]!);
  if (urls.length === 0) throw new Error(`${dist}/sw.js lists no precached files`);
  const bytes = urls.reduce((sum, url) => sum + statSync(path.join(dist, url)).size, 0);
  return { files: urls.length, bytes, urls: urls.sort() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { files, bytes } = precacheSize(path.resolve(process.argv[2] ?? 'dist'));
  process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
}
