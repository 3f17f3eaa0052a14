/**
 * What a reader on the detector's side and its provenance thread pass each other, for both isolations: the page's
 * worker (isolate.ts with provenance.worker.ts) and Node's worker thread (node-isolate.ts with node.ts); and what
 * either reader keeps for a file in flight. Types only, so that neither side imports the other.
 */
import type { Provenance } from './types';

/** A file's bytes to read, numbered so the answer can be matched to it. */
export interface ProvenanceRequest {
  id: number;
  bytes: Uint8Array;
}

/** What the provenance thread posts: the timed reading started, or the answer. */
export type ProvenanceAnswer = { id: number; started: true } | { id: number; provenance: Provenance };

/** A file being read: how to settle its promise (a Provenance, or a notice why not), and its running time limit. */
export interface Pending {
  settle: (answer: Provenance | string) => void;
  timer: ReturnType<typeof setTimeout>;
}
