/**
 * One provenance line under a result (page cards and the widget), in words, with the details behind a
 * disclosure. It sits beside the models' verdict and never changes it: metadata is evidence about the file, the
 * score judges pixels.
 */
import type { Provenance } from '../detector/provenance';
import './provenance.css';

/** What the line is about, for its colour: AI declared, tampering, a camera, a damaged read, or nothing. */
export function provenanceKind(provenance: Provenance): 'ai' | 'tampered' | 'credentials' | 'camera' | 'notice' | 'none' {
  if (provenance.c2pa?.state === 'invalid') return 'tampered';
  if (provenance.c2pa?.aiGenerated || /AlgorithmicMedia|Synthetic/.test(provenance.sourceType ?? '') || (provenance.generator && !provenance.c2pa)) return 'ai';
  if (provenance.c2pa) return 'credentials';
  if (provenance.camera) return 'camera';
  if (provenance.notices?.length || provenance.missingManifest) return 'notice';
  return 'none';
}

/** How the page reads Content Credentials and what "signer not on a trust list" means. */
export const TRUST_NOTE =
  'Content Credentials (C2PA) are checked on this device with the Content Authenticity Initiative’s own SDK, with no network request. ' +
  'No trust list is bundled: an intact manifest says the file has not changed since it was signed by the holder of that certificate, ' +
  'but nobody here vouches for the certificate ("signer not on a trust list"). Metadata is easy to strip and EXIF easy to edit; ' +
  'the models’ score is about the pixels only.';

function detailList(provenance: Provenance): HTMLUListElement {
  const list = document.createElement('ul');
  for (const text of provenance.details) {
    const item = document.createElement('li');
    item.textContent = text;
    list.append(item);
  }
  return list;
}

/**
 * The widget's form: one clamped line that opens to the details, so a 320x240 frame still fits when it is closed.
 */
function compactView(provenance: Provenance): HTMLElement {
  const box = document.createElement('details');
  box.className = `provenance provenance-compact provenance-${provenanceKind(provenance)}`;
  box.dataset.kind = provenanceKind(provenance);
  const line = document.createElement('summary');
  line.className = 'provenance-line provenance-summary';
  line.textContent = provenance.summary;
  line.title = provenance.summary;
  box.append(line, detailList(provenance));
  if (provenance.c2pa) {
    const note = document.createElement('p');
    note.className = 'provenance-trust';
    note.textContent = TRUST_NOTE;
    box.append(note);
  }
  return box;
}

export function createProvenanceView(provenance: Provenance, options: { compact?: boolean } = {}): HTMLElement {
  if (options.compact) return compactView(provenance);
  const box = document.createElement('div');
  box.className = `provenance provenance-${provenanceKind(provenance)}`;
  box.dataset.kind = provenanceKind(provenance);
  const line = document.createElement('p');
  line.className = 'provenance-line';
  const label = document.createElement('span');
  label.className = 'provenance-label';
  label.textContent = 'Metadata: ';
  const summary = document.createElement('span');
  summary.className = 'provenance-summary';
  summary.textContent = provenance.summary;
  line.append(label, summary);
  box.append(line);
  if (provenance.details.length > 0 || provenance.c2pa) {
    const details = document.createElement('details');
    details.className = 'provenance-details';
    const toggle = document.createElement('summary');
    toggle.textContent = 'Metadata details';
    details.append(toggle, detailList(provenance));
    if (provenance.c2pa) {
      const note = document.createElement('p');
      note.className = 'provenance-trust';
      note.textContent = TRUST_NOTE;
      details.append(note);
    }
    box.append(details);
  }
  return box;
}
