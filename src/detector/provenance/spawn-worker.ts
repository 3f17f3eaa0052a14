/**
 * Starts the provenance worker (isolate.ts). Its own module, since the npm package's build puts another one in its
 * place (src/package/spawn-provenance-worker.ts: the compiled worker beside the library).
 */
export function spawnProvenanceWorker(): Worker {
  return new Worker(new URL('./provenance.worker.ts', import.meta.url), { type: 'module', name: 'provenance' });
}
