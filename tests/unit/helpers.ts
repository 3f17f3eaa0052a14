import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelManifest } from '../../src/detector/manifest';
import { parseManifest } from '../../src/detector/manifest';

export const MANIFEST_PATH = path.resolve(import.meta.dirname, '../../public/models/manifest.json');

/** A fresh deep copy of the shipped manifest JSON (unvalidated), for tests that break it. */
export function manifestJson(): Record<string, any> {
  return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
}

export function shippedManifest(): ModelManifest {
  return parseManifest(manifestJson());
}
