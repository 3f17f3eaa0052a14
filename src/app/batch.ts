/**
 * The page's results: a queue of files scored in chunks with a progress bar (count, rate, cancel), cards for
 * small drops, a sortable and filterable table for any number, CSV / JSON export, and explanations.
 *
 * Memory stays flat on big batches: a File is only a handle on disk, the table draws one page of rows, cards
 * (with their thumbnails and explanations) exist for the first CARD_LIMIT images only, and what the worker
 * returns for the table is a few numbers per image.
 */
import type { EnsembleDeepfakeDetector, Prediction } from '../detector';
import { describeStatistics, rejudge } from '../detector';
import { evidenceLine } from '../detector/evidence';
import type { ResultRow } from '../detector/export';
import { toCsv, toJsonRecord } from '../detector/export';
import type { Card } from './cards';
import { attachExplanation, createCard, disposeCard, showError, showPrediction, showWorking, verdictText } from './cards';
import { createExplanationView } from './explain-view';
import { displayName } from './files';

/** Images per worker call: the worker runs up to 16 per ORT batch. */
const CHUNK = 16;
/** Drops up to this size get cards (with thumbnails and explanations); bigger ones go to the table only. */
export const CARD_LIMIT = 60;
const PAGE_SIZE = 100;

interface ResultEntry {
  index: number;
  file: File;
  name: string;
  /** Without its explanation: the card holds that, drawn. */
  prediction: Prediction | null;
  error: string | null;
  card: Card | null;
}

type SortOrder = 'added' | 'score-desc' | 'score-asc';

export interface BatchElements {
  cards: HTMLUListElement;
  empty: HTMLElement;
  clear: HTMLButtonElement;
  cardNote: HTMLElement;
  progressPanel: HTMLElement;
  progress: HTMLProgressElement;
  progressText: HTMLElement;
  cancel: HTMLButtonElement;
  tableSection: HTMLElement;
  table: HTMLTableElement;
  sort: HTMLSelectElement;
  flaggedOnly: HTMLInputElement;
  pagePrevious: HTMLButtonElement;
  pageNext: HTMLButtonElement;
  pageText: HTMLElement;
  exportCsv: HTMLButtonElement;
  exportJson: HTMLButtonElement;
  explainPanel: HTMLElement;
  explainTitle: HTMLElement;
  explainContent: HTMLElement;
  explainClose: HTMLButtonElement;
}

export interface BatchHooks {
  detector(): EnsembleDeepfakeDetector | null;
  announce(text: string): void;
  /** After results change: new verdicts, errors, clearing. */
  changed(): void;
}

const fixed = (value: number) => value.toFixed(3);

function withoutExplanation(prediction: Prediction): Prediction {
  if (!prediction.explanation) return prediction;
  const { explanation: _dropped, ...rest } = prediction;
  return rest;
}

/** Saves text as a file through a temporary object URL. */
function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once click() returns; revoke on the next turn to be safe.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export class BatchResults {
  readonly #ui: BatchElements;
  readonly #hooks: BatchHooks;
  readonly #entries: ResultEntry[] = [];
  readonly #pending: ResultEntry[] = [];
  #cardCount = 0;
  #draining = false;
  #cancelled = false;
  /** Progress of the current run of the queue. */
  #run = { total: 0, done: 0, started: 0 };
  #page = 0;
  #renderQueued = false;
  /** The entry whose Why? button opened the explanation: focus goes back to it when the panel closes. */
  #explainedIndex: number | null = null;

  constructor(ui: BatchElements, hooks: BatchHooks) {
    this.#ui = ui;
    this.#hooks = hooks;
    ui.cancel.addEventListener('click', () => this.cancel());
    ui.sort.addEventListener('change', () => this.#renderTable(0));
    ui.flaggedOnly.addEventListener('change', () => this.#renderTable(0));
    ui.pagePrevious.addEventListener('click', () => this.#renderTable(this.#page - 1));
    ui.pageNext.addEventListener('click', () => this.#renderTable(this.#page + 1));
    ui.exportCsv.addEventListener('click', () => this.#export('csv'));
    ui.exportJson.addEventListener('click', () => this.#export('json'));
    ui.explainClose.addEventListener('click', () => this.#closeExplanation());
    // Escape closes it too, as a dialog would, from anywhere inside the panel.
    ui.explainPanel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      this.#closeExplanation();
    });
    ui.table.tBodies[0]!.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-explain]');
      if (!button) return;
      this.#explainedIndex = Number(button.dataset.explain);
      void this.explain(this.#explainedIndex);
    });
  }

  /** Scored (or failed) results, in the order added. */
  get finished(): ReadonlyArray<{ name: string; prediction: Prediction | null; error: string | null }> {
    return this.#entries.filter((entry) => entry.prediction || entry.error);
  }

  get size(): number {
    return this.#entries.length;
  }

  add(files: readonly File[]): number {
    if (files.length === 0) return 0;
    const withCards = files.length <= CARD_LIMIT;
    for (const file of files) {
      const entry: ResultEntry = { index: this.#entries.length, file, name: displayName(file), prediction: null, error: null, card: null };
      if (withCards && this.#cardCount < CARD_LIMIT) {
        entry.card = createCard(file, entry.name);
        this.#cardCount++;
        this.#ui.cards.append(entry.card.element);
      }
      this.#entries.push(entry);
      this.#pending.push(entry);
    }
    if (this.#run.total === this.#run.done) this.#run = { total: 0, done: 0, started: performance.now() };
    this.#run.total += files.length;
    this.#updateChrome();
    void this.drain();
    return files.length;
  }

  async drain(): Promise<void> {
    const detector = this.#hooks.detector();
    if (this.#draining || !detector) return;
    this.#draining = true;
    this.#cancelled = false;
    this.#run.started = performance.now();
    this.#run.done = 0;
    this.#run.total = this.#pending.length;
    this.#showProgress();
    try {
      while (this.#pending.length > 0 && !this.#cancelled) {
        const chunk = this.#pending.splice(0, CHUNK);
        for (const entry of chunk) if (entry.card) showWorking(entry.card);
        // Only images with a card get an explanation with their score; the table asks for one on demand.
        const explain = chunk.some((entry) => entry.card);
        let outcomes;
        try {
          outcomes = await detector.predictBatch(chunk.map((entry) => entry.file), { explain });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          outcomes = chunk.map(() => ({ ok: false as const, error: new Error(message) }));
        }
        const messages: string[] = [];
        outcomes.forEach((outcome, i) => {
          const entry = chunk[i]!;
          if (!this.#entries.includes(entry)) return;
          if (outcome.ok) {
            entry.prediction = withoutExplanation(outcome.prediction);
            if (entry.card?.element.isConnected) {
              entry.card.unusual = describeStatistics(outcome.prediction.explanation?.statistics ?? []);
              showPrediction(entry.card, entry.prediction);
              // The card's body has the evidence line already.
              if (outcome.prediction.explanation) attachExplanation(entry.card, createExplanationView(outcome.prediction, entry.name, { file: entry.file, cropSize: detector.manifest.input.crops?.size, aggregation: detector.manifest.input.crops, evidenceLine: false }));
            }
            messages.push(`${entry.name}: ${verdictText(entry.prediction)}, score ${entry.prediction.score.toFixed(2)}`);
          } else {
            entry.error = outcome.error.message;
            if (entry.card?.element.isConnected) showError(entry.card, entry.error);
            messages.push(`${entry.name}: could not be checked`);
          }
        });
        this.#run.done += chunk.length;
        this.#showProgress();
        this.#queueTableRender();
        this.#hooks.changed();
        // A long batch announces its progress, not every file.
        if (this.#run.total <= CHUNK) this.#hooks.announce(messages.join('. '));
        else if (this.#pending.length === 0) this.#hooks.announce(`Finished: ${this.#run.done} images checked.`);
      }
    } finally {
      this.#draining = false;
      this.#ui.progressPanel.hidden = true;
      this.#updateChrome();
    }
  }

  /** Stops after the chunk in flight; files not yet checked are dropped from the results. */
  cancel(): void {
    if (!this.#draining) return;
    this.#cancelled = true;
    const dropped = this.#pending.splice(0);
    this.#remove(dropped);
    this.#run.total -= dropped.length;
    this.#hooks.announce(`Cancelled. ${dropped.length} image${dropped.length === 1 ? '' : 's'} not checked.`);
    this.#hooks.changed();
  }

  /** Re-judges every result at a new threshold (no inference). */
  rejudge(threshold: number): void {
    for (const entry of this.#entries) {
      if (!entry.prediction) continue;
      entry.prediction = rejudge(entry.prediction, threshold);
      if (entry.card) showPrediction(entry.card, entry.prediction);
    }
    this.#queueTableRender();
  }

  clear(): void {
    this.#cancelled = true;
    this.#pending.length = 0;
    this.#remove([...this.#entries]);
    this.#ui.explainPanel.hidden = true;
    this.#ui.explainContent.replaceChildren();
    this.#run = { total: 0, done: 0, started: 0 };
    this.#updateChrome();
    this.#renderTable(0);
  }

  /** Scores one result again with its explanation and shows it in the explanation panel. */
  async explain(index: number): Promise<void> {
    const entry = this.#entries[index];
    const detector = this.#hooks.detector();
    if (!entry || !detector) return;
    const { explainPanel, explainTitle, explainContent } = this.#ui;
    explainPanel.hidden = false;
    explainTitle.textContent = `Why: ${entry.name}`;
    explainContent.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Working…' }));
    try {
      const prediction = await detector.predict(entry.file, { explain: true });
      // Closed while it worked: leave it closed.
      if (explainPanel.hidden) return;
      if (!prediction.explanation) throw new Error('these models give no reconstruction');
      const verdict = Object.assign(document.createElement('p'), {
        className: `verdict ${prediction.isFake ? 'verdict-fake' : 'verdict-real'}`,
        textContent: `${verdictText(prediction)} · ensemble ${fixed(prediction.score)}`,
      });
      explainContent.replaceChildren(verdict, createExplanationView(prediction, entry.name, { file: entry.file, cropSize: detector.manifest.input.crops?.size, aggregation: detector.manifest.input.crops }));
    } catch (error) {
      explainContent.replaceChildren(Object.assign(document.createElement('p'), { className: 'card-error', textContent: `Could not explain this file: ${error instanceof Error ? error.message : String(error)}` }));
    }
    explainTitle.focus();
  }

  /** Hides the explanation and gives focus back to the Why? button that opened it (the table may have re-rendered). */
  #closeExplanation(): void {
    const { explainPanel, explainContent, table } = this.#ui;
    explainPanel.hidden = true;
    explainContent.replaceChildren();
    const index = this.#explainedIndex;
    this.#explainedIndex = null;
    if (index !== null) table.querySelector<HTMLButtonElement>(`button[data-explain="${index}"]`)?.focus();
  }

  #remove(entries: ResultEntry[]): void {
    const gone = new Set(entries);
    for (const entry of entries) {
      if (entry.card) {
        disposeCard(entry.card);
        this.#cardCount--;
      }
    }
    const kept = this.#entries.filter((entry) => !gone.has(entry));
    this.#entries.length = 0;
    kept.forEach((entry, index) => this.#entries.push(Object.assign(entry, { index })));
    this.#queueTableRender();
  }

  #showProgress(): void {
    const { total, done, started } = this.#run;
    const { progressPanel, progress, progressText } = this.#ui;
    // A drop of a few files shows its cards' own "Checking…"; the bar is for batches.
    progressPanel.hidden = total <= CHUNK && this.#entries.every((entry) => entry.card || entry.prediction || entry.error);
    progress.max = Math.max(total, 1);
    progress.value = done;
    const seconds = (performance.now() - started) / 1000;
    const rate = done > 0 && seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.ceil((total - done) / rate) : null;
    progressText.textContent = `${done} of ${total} checked` + (rate > 0 ? ` · ${rate.toFixed(1)} images/s` : '') + (left !== null && done < total ? ` · about ${left} s left` : '');
    progressPanel.dataset.done = String(done);
    progressPanel.dataset.total = String(total);
  }

  #updateChrome(): void {
    const { empty, clear, cardNote, tableSection } = this.#ui;
    empty.hidden = this.#entries.length > 0;
    clear.hidden = this.#entries.length === 0;
    tableSection.hidden = this.#entries.length === 0;
    const withoutCards = this.#entries.length - this.#cardCount;
    cardNote.hidden = withoutCards === 0;
    cardNote.textContent = `${withoutCards} image${withoutCards === 1 ? '' : 's'} ${withoutCards === 1 ? 'is' : 'are'} listed in the table only (cards are drawn for drops of up to ${CARD_LIMIT} images).`;
  }

  #queueTableRender(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    requestAnimationFrame(() => {
      this.#renderQueued = false;
      this.#renderTable(this.#page);
    });
  }

  #visibleEntries(): ResultEntry[] {
    const order = this.#ui.sort.value as SortOrder;
    let rows = this.#entries.filter((entry) => entry.prediction || entry.error);
    if (this.#ui.flaggedOnly.checked) rows = rows.filter((entry) => entry.prediction?.isFake);
    if (order !== 'added') {
      const sign = order === 'score-desc' ? -1 : 1;
      // Errors last in either order.
      rows = [...rows].sort((a, b) => {
        if (!a.prediction || !b.prediction) return Number(!a.prediction) - Number(!b.prediction);
        return sign * (a.prediction.score - b.prediction.score) || a.index - b.index;
      });
    }
    return rows;
  }

  #renderTable(page: number): void {
    const rows = this.#visibleEntries();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.#page = Math.min(Math.max(0, page), pages - 1);
    const start = this.#page * PAGE_SIZE;
    const shown = rows.slice(start, start + PAGE_SIZE);
    const body = this.#ui.table.tBodies[0]!;
    body.replaceChildren(
      ...shown.map((entry) => {
        const row = document.createElement('tr');
        const cell = (text: string, className?: string) => {
          const td = document.createElement('td');
          td.textContent = text;
          if (className) td.className = className;
          row.append(td);
          return td;
        };
        cell(String(entry.index + 1), 'number');
        const name = cell(entry.name, 'file-name');
        name.title = entry.name;
        const action = document.createElement('td');
        if (entry.prediction) {
          const p = entry.prediction;
          row.dataset.verdict = p.isFake ? 'fake' : 'real';
          row.dataset.score = String(p.score);
          cell(fixed(p.score), 'number');
          cell(fixed(p.scores.svdd), 'number');
          cell(fixed(p.scores.autoencoder), 'number');
          cell(verdictText(p), p.isFake ? 'verdict-fake' : 'verdict-real');
          // Which evidence fired (or which view the score rests on) and what the file's metadata says, as on a card.
          row.dataset.evidence = p.scoredView;
          cell(evidenceLine(p, { short: true }).text, 'evidence');
          const summary = p.provenance?.summary ?? '';
          const metadata = cell(summary, 'provenance-summary');
          metadata.title = summary;
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'secondary small';
          button.dataset.explain = String(entry.index);
          button.textContent = 'Why?';
          // The name starts with the visible "Why?" (WCAG 2.5.3, label in name), then says which file.
          button.setAttribute('aria-label', `Why? Show the evidence, the judged crops and the reconstruction of ${entry.name}`);
          action.append(button);
        } else {
          row.dataset.verdict = 'error';
          const td = cell(`Could not check: ${entry.error}`, 'card-error');
          td.colSpan = 6;
        }
        row.append(action);
        return row;
      }),
    );
    const { pageText, pagePrevious, pageNext, tableSection } = this.#ui;
    // For tools and tests: how many results are in (scored or failed), whatever the filter.
    tableSection.dataset.finished = String(this.#entries.filter((entry) => entry.prediction || entry.error).length);
    pageText.textContent = rows.length === 0 ? 'No rows' : `Rows ${start + 1}–${start + shown.length} of ${rows.length}`;
    pagePrevious.disabled = this.#page === 0;
    pageNext.disabled = this.#page >= pages - 1;
  }

  #rowsForExport(): ResultRow[] {
    const detector = this.#hooks.detector();
    const modelVersion = detector?.manifest.version ?? '';
    const threshold = detector?.threshold ?? Number.NaN;
    // A run fact on every row: this browser's canvas read-back check (worker/canvas-check.ts).
    const readback = detector?.runtimeInfo.canvasReadback;
    const canvas = readback ? { canvasReadback: readback } : {};
    return this.#entries.flatMap((entry): ResultRow[] => {
      if (entry.prediction) {
        const p = entry.prediction;
        return [{ file: entry.name, ok: true, score: p.score, isFake: p.isFake, scores: p.scores, evidence: p.scoredView, crops: p.crops, threshold: p.threshold, modelVersion, ...(p.provenance ? { provenance: p.provenance } : {}), ...canvas }];
      }
      return entry.error ? [{ file: entry.name, ok: false, error: entry.error, threshold, modelVersion, ...canvas }] : [];
    });
  }

  #export(format: 'csv' | 'json'): void {
    const rows = this.#rowsForExport();
    const version = this.#hooks.detector()?.manifest.version ?? 'models';
    if (format === 'csv') download(toCsv(rows), `deepfake-scores-${version}.csv`, 'text/csv');
    else download(`${JSON.stringify(rows.map((row) => toJsonRecord(row)), null, 2)}\n`, `deepfake-scores-${version}.json`, 'application/json');
    this.#hooks.announce(`Exported ${rows.length} results as ${format.toUpperCase()}.`);
  }
}
