/// <reference lib="webworker" />
/**
 * The provenance worker, started by the detector's worker (isolate.ts) for files that carry metadata. Its own
 * thread, so that a reader stuck in WebAssembly or in a pathological XMP packet can be stopped (terminated) at the
 * time limit without stopping the models.
 */
import { keepForOffline, loadC2paBrowser } from './browser';
import type { ProvenanceAnswer, ProvenanceRequest } from './messages';
import { readProvenance } from './read';

void keepForOffline([self.location.href]);

self.addEventListener('message', (event: MessageEvent<ProvenanceRequest>) => {
  const { id, bytes } = event.data;
  const post = (answer: ProvenanceAnswer) => self.postMessage(answer);
  // `started` once the timed reading begins (after the C2PA WebAssembly is loaded): isolate.ts's clock switches then.
  void readProvenance(bytes, { loadC2pa: loadC2paBrowser, onStart: () => post({ id, started: true }) }).then((provenance) => post({ id, provenance }));
});
