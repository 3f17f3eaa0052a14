/**
 * In the npm package, in place of src/detector/provenance/spawn-worker.ts (scripts/build-package.ts): the compiled
 * provenance worker beside lib/browser/detector.worker.js, in the form bundlers find workers by.
 */
export function spawnProvenanceWorker(): Worker {
  return new Worker(new URL('./provenance.worker.js', import.meta.url), { type: 'module', name: 'provenance' });
}
