/**
 * Evaluation mode: images the user labels real or fake by dropping them on one of two zones give a ROC curve,
 * score histograms, AUROC, a confusion matrix and rates at the current threshold, the preset table, model
 * agreement, and a suggested threshold to apply. All the maths is in src/detector/metrics.ts (shared with
 * `npm run models:eval`); this file only scores images and draws.
 */
import type { EnsembleDeepfakeDetector, Prediction } from '../detector';
import { PRESET_NAMES } from '../detector';
import type { LabelledScore, OperatingPoint } from '../detector/metrics';
import { agreementRate, aurocOf, histogram, operatingPoint, rocCurve, suggestThreshold } from '../detector/metrics';
import { histogramChart, rocChart } from './charts';
import { displayName, filesFromDrop, filesFromInput } from './files';

type Label = 'real' | 'fake';
const LABELS: readonly Label[] = ['real', 'fake'];
const CHUNK = 16;
const BINS = 20;

interface Labelled {
  name: string;
  label: Label;
  prediction: Prediction | null;
  error: string | null;
}

export interface EvaluationHooks {
  detector(): EnsembleDeepfakeDetector | null;
  applyThreshold(threshold: number): void;
  announce(text: string): void;
}

const pct = (value: number) => (Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function table(caption: string, head: string[], rows: Array<Array<string | HTMLElement>>, id?: string): HTMLTableElement {
  const result = element('table', undefined, 'metrics-table');
  if (id) result.id = id;
  result.append(element('caption', caption));
  const headRow = element('tr');
  for (const name of head) {
    const th = element('th', name);
    th.scope = 'col';
    headRow.append(th);
  }
  result.createTHead().append(headRow);
  const body = result.createTBody();
  for (const cells of rows) {
    const row = element('tr');
    cells.forEach((cell, i) => {
      const td = element(i === 0 ? 'th' : 'td');
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      td.append(cell);
      row.append(td);
    });
    body.append(row);
  }
  return result;
}

export class Evaluation {
  readonly #hooks: EvaluationHooks;
  readonly #items: Labelled[] = [];
  readonly #queue: Array<{ item: Labelled; file: File }> = [];
  #busy = false;
  readonly #results = $('evaluation-results');
  readonly #status = $('evaluation-status');

  constructor(hooks: EvaluationHooks) {
    this.#hooks = hooks;
    for (const label of LABELS) {
      const zone = $(`eval-${label}-zone`);
      const input = $<HTMLInputElement>(`eval-${label}-input`);
      const folder = $<HTMLInputElement>(`eval-${label}-folder`);
      for (const picker of [input, folder]) {
        picker.addEventListener('change', () => {
          this.add(label, filesFromInput(picker));
          picker.value = '';
        });
      }
      $(`eval-${label}-choose`).addEventListener('click', () => input.click());
      $(`eval-${label}-choose-folder`).addEventListener('click', () => folder.click());
      zone.addEventListener('dragover', (event) => {
        event.preventDefault();
        zone.classList.add('dragging');
      });
      zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
      zone.addEventListener('drop', (event) => {
        // Handled here: the page-wide drop handler would add these to the unlabelled results.
        event.preventDefault();
        event.stopPropagation();
        zone.classList.remove('dragging');
        void filesFromDrop(event.dataTransfer).then((files) => this.add(label, files));
      });
    }
    $('eval-clear').addEventListener('click', () => this.clear());
  }

  add(label: Label, files: readonly File[]): void {
    for (const file of files) {
      const item: Labelled = { name: displayName(file), label, prediction: null, error: null };
      this.#items.push(item);
      this.#queue.push({ item, file });
    }
    this.#renderStatus();
    void this.drain();
  }

  async drain(): Promise<void> {
    const detector = this.#hooks.detector();
    if (this.#busy || !detector) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0) {
        const chunk = this.#queue.splice(0, CHUNK);
        const outcomes = await detector.predictBatch(chunk.map(({ file }) => file)).catch((error: unknown) =>
          chunk.map(() => ({ ok: false as const, error: new Error(String(error)) })),
        );
        outcomes.forEach((outcome, i) => {
          const { item } = chunk[i]!;
          if (outcome.ok) item.prediction = outcome.prediction;
          else item.error = outcome.error.message;
        });
        this.#renderStatus();
      }
    } finally {
      this.#busy = false;
    }
    this.render();
    this.#hooks.announce(`Evaluation updated: ${this.#results.dataset.summary ?? ''}`);
  }

  clear(): void {
    this.#items.length = 0;
    this.#queue.length = 0;
    this.#renderStatus();
    this.render();
  }

  #renderStatus(): void {
    const count = (label: Label) => this.#items.filter((item) => item.label === label);
    for (const label of LABELS) {
      const items = count(label);
      const scored = items.filter((item) => item.prediction).length;
      const failed = items.filter((item) => item.error).length;
      $(`eval-${label}-count`).textContent = `${scored} scored` + (failed ? `, ${failed} unreadable` : '') + (scored + failed < items.length ? `, ${items.length - scored - failed} to go` : '');
    }
    const waiting = this.#queue.length;
    this.#status.textContent = waiting > 0 ? `Scoring… ${waiting} left.` : '';
    $('eval-clear').hidden = this.#items.length === 0;
  }

  /** Redraws everything at the detector's current threshold (called again when the threshold moves). */
  render(): void {
    const detector = this.#hooks.detector();
    const scored = this.#items.filter((item) => item.prediction);
    const real = scored.filter((item) => item.label === 'real');
    const fake = scored.filter((item) => item.label === 'fake');
    if (!detector || real.length === 0 || fake.length === 0) {
      this.#results.hidden = true;
      this.#results.replaceChildren();
      delete this.#results.dataset.auroc;
      return;
    }
    const threshold = detector.threshold;
    const items: LabelledScore[] = scored.map((item) => ({ score: item.prediction!.score, isFake: item.label === 'fake' }));
    const pairs = scored.map((item) => [item.prediction!.scores.svdd, item.prediction!.scores.autoencoder] as const);
    const area = aurocOf(items);
    const current = operatingPoint(items, threshold);
    const agreement = agreementRate(pairs, threshold);
    this.#results.dataset.auroc = String(area);
    this.#results.dataset.summary = `AUROC ${area.toFixed(3)} on ${real.length} real and ${fake.length} fake images; at threshold ${threshold.toFixed(4)} accuracy ${pct(current.accuracy)}, recall ${pct(current.recall)}.`;

    const headline = headlineFacts(scored, area, agreement, real.length, fake.length);
    const charts = chartFigures(items, current, area, real, fake, threshold);
    const confusion = confusionTable(current, threshold);
    const rates = ratesTable(current, threshold);
    const presets = presetTable(items, pairs, detector.manifest);
    const suggestions = suggestedThresholds(items, (best) => this.#hooks.applyThreshold(best));
    const failed = this.#items.filter((item) => item.error).length;
    const note = element('p', failed ? `${failed} file${failed === 1 ? '' : 's'} could not be read and ${failed === 1 ? 'is' : 'are'} left out.` : '', 'hint');
    this.#results.replaceChildren(headline, charts, scrolling(confusion), scrolling(rates), scrolling(presets), suggestions, note);
    this.#results.hidden = false;
  }
}

/** The headline: AUROC of the ensemble and of each model, model agreement and the image counts. */
function headlineFacts(scored: readonly Labelled[], area: number, agreement: number, realCount: number, fakeCount: number): HTMLDListElement {
  const modelArea = (key: 'svdd' | 'autoencoder') => aurocOf(scored.map((item) => ({ score: item.prediction!.scores[key], isFake: item.label === 'fake' })));
  const headline = element('dl', undefined, 'eval-headline');
  const fact = (label: string, value: string, id: string, raw?: number) => {
    const wrapper = element('div');
    const dd = element('dd', value);
    dd.id = id;
    if (raw !== undefined) dd.dataset.value = String(raw);
    wrapper.append(element('dt', label), dd);
    headline.append(wrapper);
  };
  fact('AUROC (ensemble)', area.toFixed(3), 'eval-auroc', area);
  fact('AUROC Deep SVDD', modelArea('svdd').toFixed(3), 'eval-auroc-svdd', modelArea('svdd'));
  fact('AUROC autoencoder', modelArea('autoencoder').toFixed(3), 'eval-auroc-autoencoder', modelArea('autoencoder'));
  fact('Model agreement', pct(agreement), 'eval-agreement', agreement);
  fact('Images', `${realCount} real, ${fakeCount} fake`, 'eval-counts');
  return headline;
}

/** The ROC curve with the current threshold's dot, and the two score histograms with its line. */
function chartFigures(items: LabelledScore[], current: OperatingPoint, area: number, real: readonly Labelled[], fake: readonly Labelled[], threshold: number): HTMLDivElement {
  const charts = element('div', undefined, 'eval-charts');
  const rocFigure = element('figure');
  rocFigure.append(rocChart(rocCurve(items), { falsePositiveRate: current.falsePositiveRate, truePositiveRate: current.recall }, area), element('figcaption', 'ROC curve (ensemble score); the dot is the current threshold.', 'hint'));
  const histFigure = element('figure');
  histFigure.append(
    histogramChart(histogram(real.map((item) => item.prediction!.score), BINS), histogram(fake.map((item) => item.prediction!.score), BINS), threshold),
    element('figcaption', 'Ensemble scores of real and fake images; the line is the current threshold.', 'hint'),
  );
  charts.append(rocFigure, histFigure);
  return charts;
}

function confusionTable(current: OperatingPoint, threshold: number): HTMLTableElement {
  const c = current.confusion;
  return table(
    `Confusion matrix at threshold ${threshold.toFixed(4)}`,
    ['Images', 'Flagged fake', 'Passed as real'],
    [
      ['Fake images', String(c.truePositive), String(c.falseNegative)],
      ['Real images', String(c.falsePositive), String(c.trueNegative)],
    ],
    'eval-confusion',
  );
}

function ratesTable(current: OperatingPoint, threshold: number): HTMLTableElement {
  const rates = table(
    `Rates at threshold ${threshold.toFixed(4)}`,
    ['Accuracy', 'Precision', 'Recall', 'F1', 'False alarms'],
    [[pct(current.accuracy), pct(current.precision), pct(current.recall), pct(current.f1), pct(current.falsePositiveRate)]],
    'eval-rates',
  );
  rates.dataset.accuracy = String(current.accuracy);
  rates.dataset.f1 = String(current.f1);
  return rates;
}

/** The labelled images' figures at each of the manifest's presets, beside the false-alarm rate it expects. */
function presetTable(items: LabelledScore[], pairs: ReadonlyArray<readonly [number, number]>, manifest: EnsembleDeepfakeDetector['manifest']): HTMLTableElement {
  const presetRows = PRESET_NAMES.map((name) => {
    const preset = manifest.thresholds.presets[name];
    const point = operatingPoint(items, preset.threshold);
    return [name[0]!.toUpperCase() + name.slice(1), preset.threshold.toFixed(4), pct(preset.falseAlarmRate), pct(point.falsePositiveRate), pct(point.accuracy), pct(point.precision), pct(point.recall), pct(point.f1), pct(agreementRate(pairs, preset.threshold))];
  });
  return table('At each preset (reference-card style)', ['Preset', 'Threshold', 'Expected false alarms', 'False alarms here', 'Accuracy', 'Precision', 'Recall', 'F1', 'Agreement'], presetRows, 'eval-presets');
}

/** The thresholds with the best F1 and the best Youden's J on these images, each with a button that applies it. */
function suggestedThresholds(items: LabelledScore[], apply: (threshold: number) => void): HTMLDivElement {
  const suggestions = element('div', undefined, 'eval-suggest');
  suggestions.append(element('h3', 'Suggested threshold for these images'));
  for (const [criterion, label] of [['f1', 'Best F1'], ['youden', "Best Youden's J (recall − false alarms)"]] as const) {
    const best = suggestThreshold(items, criterion);
    const button = element('button', `Apply ${best.threshold.toFixed(4)}`, 'secondary');
    button.type = 'button';
    button.dataset.criterion = criterion;
    button.dataset.threshold = String(best.threshold);
    // The name starts with the visible "Apply …" (WCAG 2.5.3, label in name), then says which suggestion.
    button.setAttribute('aria-label', `Apply ${best.threshold.toFixed(4)}: ${label} ${best.value.toFixed(3)}`);
    button.addEventListener('click', () => apply(best.threshold));
    const row = element('p');
    row.append(`${label}: ${best.value.toFixed(3)} at ${best.threshold.toFixed(4)} `, button);
    suggestions.append(row);
  }
  return suggestions;
}

/** Wide tables scroll on their own at phone width instead of widening the page. */
function scrolling(inner: HTMLElement): HTMLDivElement {
  const wrapper = element('div', undefined, 'table-scroll');
  wrapper.append(inner);
  return wrapper;
}

