/**
 * Starts the detector's worker. Its own module, since the npm package's build puts another one in its place
 * (src/package/spawn-worker.ts: the compiled worker beside the library); each has the `new Worker(new URL(…,
 * import.meta.url))` form that bundlers find workers by.
 */
export function spawnDetectorWorker(): Worker {
  return new Worker(new URL('./worker/detector.worker.ts', import.meta.url), { type: 'module', name: 'ensemble-deepfake-detector' });
}
