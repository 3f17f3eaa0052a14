/** One result card per image: thumbnail, ensemble score against the threshold, both model scores, verdict. */
import type { Prediction } from '../detector';
import { evidenceLine } from '../detector/evidence';
import { verdictWords } from '../detector/verdict';
import { SNIFF_BYTES, headerSize, refuseBeforeDecoding } from '../detector/image-format';
import { createProvenanceView } from '../ui/provenance-view';

/** Longest side of a card's thumbnail, in pixels: a small bitmap, never the whole picture. */
const THUMBNAIL_SIDE = 96;

export interface Card {
  element: HTMLLIElement;
  name: string;
  prediction: Prediction | null;
  /** Deep SVDD's image statistics that are off, in words (from the explanation), for the evidence line. */
  unusual: string[];
  /** Set while the thumbnail is being drawn; false once the card is gone. */
  alive: boolean;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const score = (value: number) => value.toFixed(3);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The size to draw a thumbnail at, or null when it must not be drawn: a file the worker refuses (no SVG, nothing
 * over MAX_PIXELS) or one whose header gives no size. createImageBitmap decodes the whole picture before it
 * scales, so a thumbnail is only as safe as the header check in front of it.
 */
export function thumbnailSize(head: Uint8Array, side = THUMBNAIL_SIDE): { resizeWidth: number; resizeHeight: number } | null {
  if (refuseBeforeDecoding(head)) return null;
  const size = headerSize(head);
  if (!size || size.width === 0 || size.height === 0) return null;
  const scale = Math.min(1, side / Math.max(size.width, size.height));
  return { resizeWidth: Math.max(1, Math.round(size.width * scale)), resizeHeight: Math.max(1, Math.round(size.height * scale)) };
}

/**
 * Draws a small thumbnail (longest side at most `side`): the browser decodes and scales in one step, so the full
 * picture is never kept. Also the explanation's picture under the judged crops.
 */
export async function drawThumbnail(file: Blob, canvas: HTMLCanvasElement, side = THUMBNAIL_SIDE): Promise<void> {
  const resize = thumbnailSize(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()), side);
  if (!resize) throw new Error('not drawn');
  const bitmap = await createImageBitmap(file, { ...resize, resizeQuality: 'medium', imageOrientation: 'from-image' });
  try {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  } finally {
    bitmap.close();
  }
}

export function createCard(file: File, name = file.name || 'pasted image'): Card {
  const item = element('li', 'card');
  item.dataset.state = 'pending';
  const figure = element('div', 'thumb');
  const canvas = element('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  figure.append(canvas);
  const card: Card = { element: item, name, prediction: null, unusual: [], alive: true };
  drawThumbnail(file, canvas).catch(() => {
    if (card.alive) figure.classList.add('thumb-missing');
  });

  const body = element('div', 'card-body');
  const title = element('h3', 'card-title', name);
  title.title = name;
  const status = element('p', 'card-status', 'Waiting for the models…');
  body.append(title, status);
  item.append(figure, body);
  return card;
}

/** Adds (or replaces) the card's explanation: reconstruction and error heat map. */
export function attachExplanation(card: Card, view: HTMLElement): void {
  card.element.querySelector('.explain')?.remove();
  card.element.append(view);
}

export function showError(card: Card, message: string): void {
  card.prediction = null;
  card.element.dataset.state = 'error';
  card.element.dataset.verdict = 'error';
  const body = card.element.querySelector('.card-body')!;
  body.replaceChildren(body.querySelector('.card-title')!, element('p', 'card-error', `Could not check this file: ${message}`));
  body.querySelector('.card-error')!.setAttribute('role', 'note');
}

export function showWorking(card: Card): void {
  card.element.querySelector('.card-status')!.textContent = 'Checking…';
}

/**
 * The verdict in words (src/detector/verdict.ts): a score under the threshold is no sign of generation found, not
 * a proof the picture is real.
 */
export function verdictText(prediction: Pick<Prediction, 'isFake'>): string {
  return verdictWords(prediction.isFake);
}

/**
 * Which view carried the score, in words: what fired under a "Likely generated" verdict, the judging view's score as a
 * quieter line under "No sign of generation found". Redrawn with the card, so a new threshold changes it too.
 */
export function evidenceElement(prediction: Prediction, unusual: readonly string[] = []): HTMLParagraphElement {
  const line = evidenceLine(prediction, { unusual });
  const paragraph = element('p', `evidence ${line.fired ? 'evidence-fired' : 'evidence-quiet'}`);
  paragraph.dataset.evidence = line.scoredView;
  paragraph.dataset.fired = String(line.fired);
  if (line.fired) paragraph.append(element('span', 'evidence-label', 'Why flagged: '));
  paragraph.append(line.text);
  return paragraph;
}

/** Draws (or redraws after a threshold change) a card from its prediction. */
export function showPrediction(card: Card, prediction: Prediction): void {
  card.prediction = prediction;
  const { element: item } = card;
  item.dataset.state = prediction.isFake ? 'fake' : 'real';
  item.dataset.verdict = prediction.isFake ? 'fake' : 'real';
  // Full precision for tests and tools; the text shows rounded numbers.
  item.dataset.score = String(prediction.score);
  item.dataset.svdd = String(prediction.scores.svdd);
  item.dataset.autoencoder = String(prediction.scores.autoencoder);
  item.dataset.threshold = String(prediction.threshold);
  item.dataset.executionProvider = prediction.executionProvider;
  item.dataset.inferenceMs = prediction.timings.inferenceMs.toFixed(1);
  item.dataset.batchSize = String(prediction.timings.batchSize);
  item.dataset.evidence = prediction.scoredView;
  item.dataset.crops = String(prediction.crops.length);

  const body = item.querySelector('.card-body')!;
  const title = body.querySelector('.card-title')!;

  const verdict = element('p', `verdict ${prediction.isFake ? 'verdict-fake' : 'verdict-real'}`, verdictText(prediction));

  const meter = element('div', 'score-meter');
  meter.setAttribute('role', 'img');
  meter.setAttribute('aria-label', `Ensemble score ${score(prediction.score)}, threshold ${score(prediction.threshold)}`);
  const fill = element('div', 'score-fill');
  fill.style.width = percent(Math.min(1, Math.max(0, prediction.score)));
  const mark = element('div', 'threshold-mark');
  mark.style.left = percent(prediction.threshold);
  meter.append(fill, mark);

  const details = element('dl', 'scores');
  const row = (label: string, value: string, hint?: string) => {
    const wrapper = element('div');
    const term = element('dt', undefined, label);
    if (hint) term.title = hint;
    wrapper.append(term, element('dd', undefined, value));
    details.append(wrapper);
  };
  row('Ensemble', score(prediction.score));
  row('Deep SVDD', score(prediction.scores.svdd), 'distance from the centre of natural images, calibrated to 0..1');
  row('Autoencoder', score(prediction.scores.autoencoder), 'reconstruction error, calibrated to 0..1');

  const note = element(
    'p',
    'card-note',
    prediction.agreement ? 'Both models agree.' : 'The two models disagree at this threshold: treat with care.',
  );
  body.replaceChildren(title, verdict, meter, details, evidenceElement(prediction, card.unusual), note);
  // Beside the verdict, never part of it: what the file's metadata says about where it came from.
  if (prediction.provenance) {
    item.dataset.provenance = JSON.stringify(prediction.provenance);
    body.append(createProvenanceView(prediction.provenance));
  }
}

export function disposeCard(card: Card): void {
  card.alive = false;
  card.element.remove();
}
