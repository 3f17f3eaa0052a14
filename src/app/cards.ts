/** One result card per image: thumbnail, ensemble score against the threshold, both model scores, verdict. */
import type { Prediction } from '../detector';

export interface Card {
  element: HTMLLIElement;
  name: string;
  prediction: Prediction | null;
  thumbnailUrl: string | null;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const score = (value: number) => value.toFixed(3);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createCard(file: File): Card {
  const item = element('li', 'card');
  item.dataset.state = 'pending';
  const thumbnailUrl = URL.createObjectURL(file);
  const figure = element('div', 'thumb');
  const image = element('img');
  image.src = thumbnailUrl;
  image.alt = '';
  image.decoding = 'async';
  image.addEventListener('error', () => figure.classList.add('thumb-missing'), { once: true });
  figure.append(image);

  const body = element('div', 'card-body');
  const title = element('h3', 'card-title', file.name || 'pasted image');
  title.title = file.name;
  const status = element('p', 'card-status', 'Waiting for the models…');
  body.append(title, status);
  item.append(figure, body);
  return { element: item, name: file.name || 'pasted image', prediction: null, thumbnailUrl };
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

export function verdictText(prediction: Prediction): string {
  return prediction.isFake ? 'Likely fake' : 'Likely real';
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
  body.replaceChildren(title, verdict, meter, details, note);
}

export function disposeCard(card: Card): void {
  if (card.thumbnailUrl) URL.revokeObjectURL(card.thumbnailUrl);
  card.element.remove();
}
