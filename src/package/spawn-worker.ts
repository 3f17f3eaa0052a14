/**
 * In the npm package, in place of src/detector/spawn-worker.ts (scripts/build-package.ts): the compiled worker
 * beside lib/browser/index.js, in the form bundlers find workers by.
 */
export function spawnDetectorWorker(): Worker {
  return new Worker(new URL('./detector.worker.js', import.meta.url), { type: 'module', name: 'ensemble-deepfake-detector' });
}
