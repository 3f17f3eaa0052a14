/** The drag-and-drop page: wires the detector library to the DOM. No framework. */
import { followTheme } from '../ui/theme';
import { appAssets } from '../ui/app-assets';
import './styles.css';
import type { DetectorNotice, DownloadProgress, ExecutionProviderChoice, PresetName } from '../detector';
import { EnsembleDeepfakeDetector, MODEL_KEYS, PRESET_NAMES, progressTotals, unseenGeneratorsLine } from '../detector';
import type { FaultHookOptions } from '../detector/detector';
import { SIMULATED_FAULTS } from '../detector/worker/simulate';
import { canvasNoiseWords } from '../detector/readback-noise';
import { BatchResults } from './batch';
import { Evaluation } from './evaluation';
import { filesFromDrop, filesFromInput } from './files';
import { setUpOffline } from './offline';

followTheme('auto');

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  executionProvider: $('execution-provider'),
  modelVersion: $('model-version'),
  cacheStatus: $('cache-status'),
  loading: $('model-loading'),
  loadingLabel: $('model-loading-label'),
  progress: $<HTMLProgressElement>('model-progress'),
  progressText: $('model-progress-text'),
  fatal: $('fatal-error'),
  notices: $<HTMLUListElement>('notices'),
  dropZone: $('drop-zone'),
  chooseFiles: $<HTMLButtonElement>('choose-files'),
  fileInput: $<HTMLInputElement>('file-input'),
  chooseFolder: $<HTMLButtonElement>('choose-folder'),
  folderInput: $<HTMLInputElement>('folder-input'),
  presets: $('presets'),
  threshold: $<HTMLInputElement>('threshold'),
  thresholdValue: $<HTMLOutputElement>('threshold-value'),
  summary: $('threshold-summary'),
  thresholdCaught: $('threshold-caught'),
  results: $<HTMLUListElement>('results'),
  empty: $('empty-results'),
  clear: $<HTMLButtonElement>('clear-results'),
  announcer: $('announcer'),
};

let detector: EnsembleDeepfakeDetector | null = null;

function announce(text: string): void {
  // Clearing first makes screen readers repeat an identical message.
  ui.announcer.textContent = '';
  requestAnimationFrame(() => (ui.announcer.textContent = text));
}

function describeBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

// ---- model loading -------------------------------------------------------------------------------------------

const addProgress = progressTotals();
function onProgress(progress: DownloadProgress): void {
  const { loaded, total, files } = addProgress(progress);
  ui.progress.max = Math.max(total, 1);
  ui.progress.value = loaded;
  ui.progressText.textContent = `${describeBytes(loaded)} of ${describeBytes(total)} (${progress.file})`;
  if (files === MODEL_KEYS.length && loaded >= total) ui.loadingLabel.textContent = 'Starting the inference engine…';
}

function engineLabel(active: EnsembleDeepfakeDetector): string {
  const info = active.runtimeInfo;
  if (active.executionProvider === 'webgpu') {
    const adapter = info.webgpuAdapter;
    // A fallback adapter is a software rasteriser (SwiftShader): correct, but far slower than WebAssembly.
    return adapter?.isFallbackAdapter ? `WebGPU (software: ${adapter.architecture || adapter.vendor || 'fallback adapter'})` : 'WebGPU';
  }
  return `WebAssembly, ${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'}`;
}

function showRuntime(active: EnsembleDeepfakeDetector): void {
  ui.executionProvider.textContent = engineLabel(active);
  ui.executionProvider.title = active.fallbackReason ?? '';
  if (active.fallbackReason) {
    const note = document.createElement('span');
    note.className = 'runtime-note';
    note.textContent = ' (WebGPU unavailable)';
    ui.executionProvider.append(note);
  }
  // A canvas that lies (anti-fingerprinting read-back noise): said on the engine line, explained in its title.
  const readback = active.runtimeInfo.canvasReadback;
  if (readback?.altered) {
    const words = canvasNoiseWords(readback);
    const note = document.createElement('span');
    note.className = 'runtime-note canvas-readback';
    note.textContent = ` · ${words.note}`;
    note.title = words.detail;
    ui.executionProvider.append(note);
  }
  ui.modelVersion.textContent = active.manifest.version;
  const cache = active.cacheStatus;
  const sources = Object.values(active.runtimeInfo.modelSources);
  ui.cacheStatus.textContent = cache.enabled
    ? sources.every((source) => source === 'cache')
      ? 'on (models loaded from this device)'
      : 'on (models saved for next time)'
    : `off: ${cache.reason ?? 'unavailable'}`;
}

/**
 * Fallbacks and recoveries stay visible (the work goes on): WebGPU unavailable or lost, a restarted worker, no
 * cache or a repaired one. Each kind is shown once, with its latest message.
 */
function showNotice(notice: DetectorNotice): void {
  let item = ui.notices.querySelector<HTMLLIElement>(`li[data-kind="${notice.kind}"]`);
  if (!item) {
    item = document.createElement('li');
    item.dataset.kind = notice.kind;
    ui.notices.append(item);
  }
  item.textContent = notice.message;
  ui.notices.hidden = false;
  if (detector && notice.kind === 'webgpu-fallback') showRuntime(detector);
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const choice = params.get('ep');
  const executionProvider: ExecutionProviderChoice = choice === 'webgpu' || choice === 'wasm' ? choice : 'auto';
  const threads = Number(params.get('threads'));
  // ?simulate= exists only in builds with fault hooks (src/env.d.ts); production builds drop this line.
  const simulate = __FAULT_HOOKS__ ? SIMULATED_FAULTS.find((fault) => fault === params.get('simulate')) : undefined;
  try {
    const options: FaultHookOptions = {
      ...appAssets(),
      executionProvider,
      onProgress,
      onNotice: showNotice,
      ...(simulate ? { simulate } : {}),
      cache: params.get('cache') !== 'off',
      ...(threads > 0 ? { wasmThreads: threads } : {}),
    };
    detector = await EnsembleDeepfakeDetector.fromPretrained(options);
  } catch (error) {
    ui.loading.hidden = true;
    ui.fatal.hidden = false;
    ui.fatal.textContent = `The models could not be loaded: ${error instanceof Error ? error.message : String(error)}. Reload the page to try again.`;
    ui.executionProvider.textContent = 'not running';
    return;
  }
  ui.loading.hidden = true;
  showRuntime(detector);
  setUpThreshold(detector);
  document.body.dataset.ready = 'true';
  announce(`Models ready on ${engineLabel(detector)}.`);
  void batch.drain();
  void evaluation.drain();
}

// ---- threshold -----------------------------------------------------------------------------------------------

const presetButtons = new Map<PresetName, HTMLButtonElement>();

function setUpThreshold(active: EnsembleDeepfakeDetector): void {
  const { presets } = active.manifest.thresholds;
  for (const name of PRESET_NAMES) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'preset';
    button.dataset.preset = name;
    const rate = presets[name].falseAlarmRate;
    const title = document.createElement('span');
    title.className = 'preset-name';
    title.textContent = name[0]!.toUpperCase() + name.slice(1);
    const detail = document.createElement('span');
    detail.className = 'preset-detail';
    detail.textContent = `≈${+(rate * 100).toFixed(2)}% false alarms · ${presets[name].threshold.toFixed(3)}`;
    // Its visible text is its name (no aria-label): what is read out is what is shown (WCAG 2.5.3, label in name).
    button.append(title, ' ', detail);
    button.addEventListener('click', () => applyThreshold(presets[name].threshold));
    presetButtons.set(name, button);
    ui.presets.append(button);
  }
  ui.threshold.disabled = false;
  ui.threshold.addEventListener('input', () => applyThreshold(Number(ui.threshold.value)));
  // The slider's step is fine enough to land on every preset exactly; keys move in useful steps instead.
  ui.threshold.addEventListener('keydown', (event) => {
    const steps: Record<string, number> = { ArrowRight: 0.001, ArrowUp: 0.001, ArrowLeft: -0.001, ArrowDown: -0.001, PageUp: 0.01, PageDown: -0.01 };
    const step = steps[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const value = Math.round((Number(ui.threshold.value) + step * (event.shiftKey ? 10 : 1)) * 1e4) / 1e4;
    applyThreshold(Math.min(1, Math.max(0, value)));
  });
  // What the default threshold caught of generators never trained on, when the evaluation measured it.
  const caught = unseenGeneratorsLine(active.manifest.metrics);
  ui.thresholdCaught.textContent = caught ?? '';
  ui.thresholdCaught.hidden = caught === null;
  applyThreshold(active.threshold, { quiet: true });
}

let summaryTimer: number | undefined;

/** Re-judges every card at the new threshold; the models are not run again. */
function applyThreshold(threshold: number, options: { quiet?: boolean } = {}): void {
  if (!detector) return;
  detector.setThreshold(threshold);
  ui.threshold.value = String(threshold);
  ui.thresholdValue.textContent = threshold.toFixed(4);
  const active = detector.preset;
  for (const [name, button] of presetButtons) button.setAttribute('aria-pressed', String(name === active));
  batch.rejudge(threshold);
  evaluation.render();
  updateSummary();
  if (!options.quiet) {
    // Dragging the slider fires many events; announce the settled state only.
    window.clearTimeout(summaryTimer);
    summaryTimer = window.setTimeout(() => announce(`Threshold ${threshold.toFixed(4)}. ${ui.summary.textContent ?? ''}`), 400);
  }
}

function updateSummary(): void {
  const judged = batch.finished.filter((result) => result.prediction);
  const flagged = judged.filter((result) => result.prediction!.isFake).length;
  ui.summary.textContent = judged.length === 0 ? '' : `${flagged} of ${judged.length} image${judged.length === 1 ? '' : 's'} flagged as likely generated.`;
}

// ---- files ---------------------------------------------------------------------------------------------------

const batch = new BatchResults(
  {
    cards: ui.results,
    empty: ui.empty,
    clear: ui.clear,
    cardNote: $('card-note'),
    progressPanel: $('batch-progress-panel'),
    progress: $<HTMLProgressElement>('batch-progress'),
    progressText: $('batch-progress-text'),
    cancel: $<HTMLButtonElement>('batch-cancel'),
    tableSection: $('results-table-section'),
    table: $<HTMLTableElement>('results-table'),
    sort: $<HTMLSelectElement>('table-sort'),
    flaggedOnly: $<HTMLInputElement>('table-flagged-only'),
    pagePrevious: $<HTMLButtonElement>('table-previous'),
    pageNext: $<HTMLButtonElement>('table-next'),
    pageText: $('table-page'),
    exportCsv: $<HTMLButtonElement>('export-csv'),
    exportJson: $<HTMLButtonElement>('export-json'),
    explainPanel: $('explain-panel'),
    explainTitle: $('explain-title'),
    explainContent: $('explain-content'),
    explainClose: $<HTMLButtonElement>('explain-close'),
  },
  { detector: () => detector, announce, changed: updateSummary },
);

const evaluation = new Evaluation({ detector: () => detector, announce, applyThreshold: (threshold) => applyThreshold(threshold) });

function addFiles(files: readonly File[]): void {
  const added = batch.add(files);
  if (added === 0) return;
  updateSummary();
  announce(`${added} image${added === 1 ? '' : 's'} added${detector ? ', checking' : ', waiting for the models'}.`);
}

function imageFiles(list: DataTransferItemList | null | undefined): File[] {
  if (!list) return [];
  const files: File[] = [];
  for (const entry of Array.from(list)) {
    const file = entry.kind === 'file' ? entry.getAsFile() : null;
    // Non-image files are still accepted so the user sees why they were refused.
    if (file) files.push(file);
  }
  return files;
}

ui.chooseFiles.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => {
  addFiles(filesFromInput(ui.fileInput));
  ui.fileInput.value = '';
});
ui.chooseFolder.addEventListener('click', () => ui.folderInput.click());
ui.folderInput.addEventListener('change', () => {
  addFiles(filesFromInput(ui.folderInput));
  ui.folderInput.value = '';
});

let dragDepth = 0;
document.addEventListener('dragenter', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  dragDepth++;
  ui.dropZone.classList.add('dragging');
});
document.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) ui.dropZone.classList.remove('dragging');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  ui.dropZone.classList.remove('dragging');
  void filesFromDrop(event.dataTransfer).then(addFiles);
});
document.addEventListener('paste', (event) => {
  const files = imageFiles(event.clipboardData?.items);
  if (files.length > 0) {
    event.preventDefault();
    addFiles(files);
  }
});

ui.clear.addEventListener('click', () => {
  batch.clear();
  updateSummary();
  announce('All results cleared.');
  ui.chooseFiles.focus();
});

void start();
setUpOffline();
