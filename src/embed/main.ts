/**
 * The embeddable widget (embed.html): one image at a time, a score, a verdict and a threshold slider, plus the
 * postMessage API of ./protocol.ts for the page that frames it. Talks only to the parent origins its `origins`
 * parameter names; everything else it receives is ignored and counted in `window.__widgetDebug`.
 */
import { followTheme } from '../ui/theme';
import { appAssets } from '../ui/app-assets';
import './embed.css';
import { createProvenanceView } from '../ui/provenance-view';
import type { DetectorNotice, DownloadProgress, Prediction } from '../detector';
import { DetectorInputError, EnsembleDeepfakeDetector, MODEL_KEYS, progressTotals } from '../detector';
import { evidenceLine } from '../detector/evidence';
import { verdictWords } from '../detector/verdict';
import type { HostMessage, WidgetErrorCode, WidgetMessage, WidgetMessageBody } from './protocol';
import { WIDGET_PROTOCOL_VERSION, WIDGET_SOURCE, parseHostMessage, parseWidgetParams, postTargets } from './protocol';

/** What the widget ignored, for whoever debugs an embedding (also logged with console.debug). */
export interface WidgetDebug {
  accepted: number;
  ignoredOrigin: number;
  ignoredSource: number;
  malformed: number;
  log: string[];
}

declare global {
  interface Window {
    __widgetDebug: WidgetDebug;
  }
}

const params = parseWidgetParams(location.search);
followTheme(params.theme);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  status: $('status'),
  progress: $<HTMLProgressElement>('progress'),
  dropZone: $('drop-zone'),
  preview: $<HTMLImageElement>('preview'),
  result: $('result'),
  verdict: $('verdict'),
  score: $('score'),
  evidence: $('evidence'),
  fileName: $('file-name'),
  prompt: $('prompt'),
  choose: $<HTMLButtonElement>('choose'),
  fileInput: $<HTMLInputElement>('file-input'),
  threshold: $<HTMLInputElement>('threshold'),
  thresholdValue: $<HTMLOutputElement>('threshold-value'),
  note: $('note'),
};

const debug: WidgetDebug = { accepted: 0, ignoredOrigin: 0, ignoredSource: 0, malformed: 0, log: [] };
window.__widgetDebug = debug;
function record(kind: 'ignoredOrigin' | 'ignoredSource' | 'malformed', detail: string): void {
  debug[kind]++;
  debug.log.push(`${kind}: ${detail}`);
  if (debug.log.length > 50) debug.log.shift();
  console.debug(`[deepfake widget] ${kind} (${debug[kind]}): ${detail}`);
}

// ---- talking to the parent -----------------------------------------------------------------------------------

const framed = window.parent !== window;
function knownParentOrigin(): string | null {
  const ancestor = location.ancestorOrigins?.[0];
  if (ancestor && ancestor !== 'null') return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}
let parentOrigin = framed ? knownParentOrigin() : null;

function post(body: WidgetMessageBody): void {
  if (!framed) return;
  const message = { source: WIDGET_SOURCE, version: WIDGET_PROTOCOL_VERSION, ...body } as WidgetMessage;
  // Never '*': only an allowed origin, and the browser drops the message unless the parent really is that origin.
  for (const origin of postTargets(params.origins, parentOrigin)) window.parent.postMessage(message, origin);
}

function postError(code: WidgetErrorCode, message: string, id?: string): void {
  post({ type: 'error', code, message, ...(id === undefined ? {} : { id }) });
}

// ---- state ---------------------------------------------------------------------------------------------------

let detector: EnsembleDeepfakeDetector | null = null;
/** Host requests that arrived before the models were ready. */
const queued: HostMessage[] = [];
let last: { prediction: Prediction; fileName: string; id?: string } | null = null;
/** One image at a time, in arrival order. */
let work: Promise<void> = Promise.resolve();
let previewUrl: string | null = null;

function setNote(text: string, isError = false): void {
  ui.note.textContent = text;
  ui.note.title = text;
  ui.note.classList.toggle('error', isError);
}

function showThreshold(threshold: number): void {
  ui.threshold.value = String(threshold);
  ui.thresholdValue.textContent = threshold.toFixed(3);
}

function showPrediction(prediction: Prediction, fileName: string): void {
  ui.result.hidden = false;
  ui.prompt.hidden = true;
  ui.dropZone.dataset.verdict = prediction.isFake ? 'fake' : 'real';
  ui.dropZone.dataset.score = String(prediction.score);
  ui.verdict.textContent = verdictWords(prediction.isFake);
  // The threshold is on the slider right below.
  ui.score.textContent = `Score ${prediction.score.toFixed(3)}`;
  // Which view carried the score: a few words on screen, the full sentence as the title and for screen readers.
  const evidence = evidenceLine(prediction, { short: true });
  const words = Object.assign(document.createElement('span'), { textContent: evidence.text });
  words.setAttribute('aria-hidden', 'true');
  const full = Object.assign(document.createElement('span'), { className: 'sr-only', textContent: evidenceLine(prediction).text });
  ui.evidence.replaceChildren(words, full);
  ui.evidence.title = full.textContent;
  ui.evidence.dataset.evidence = evidence.scoredView;
  ui.evidence.dataset.fired = String(evidence.fired);
  ui.fileName.textContent = fileName;
  ui.choose.textContent = 'Another image…';
  ui.result.querySelector('.provenance')?.remove();
  if (prediction.provenance) ui.result.append(createProvenanceView(prediction.provenance, { compact: true }));
}

function postResult(prediction: Prediction, fileName: string, rejudged: boolean, id?: string): void {
  post({
    type: 'result',
    ...(id === undefined ? {} : { id }),
    fileName,
    score: prediction.score,
    isFake: prediction.isFake,
    scores: { svdd: prediction.scores.svdd, autoencoder: prediction.scores.autoencoder },
    threshold: prediction.threshold,
    evidence: prediction.scoredView,
    rejudged,
    ...(prediction.provenance ? { provenance: prediction.provenance } : {}),
  });
}

/** New threshold from the host or the slider: re-judge the shown image (no inference) and tell the host. */
function thresholdChanged(active: EnsembleDeepfakeDetector): void {
  showThreshold(active.threshold);
  post({ type: 'threshold', threshold: active.threshold, preset: active.preset });
  if (last) {
    last.prediction = active.rejudge(last.prediction);
    showPrediction(last.prediction, last.fileName);
    postResult(last.prediction, last.fileName, true, last.id);
  }
}

function analyze(image: Blob, fileName: string, id?: string): void {
  work = work.then(async () => {
    if (!detector) return;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(image);
    ui.preview.src = previewUrl;
    ui.preview.hidden = false;
    ui.dropZone.setAttribute('aria-busy', 'true');
    ui.verdict.textContent = 'Checking…';
    ui.score.textContent = '';
    ui.evidence.textContent = '';
    ui.fileName.textContent = fileName;
    ui.result.hidden = false;
    ui.prompt.hidden = true;
    delete ui.dropZone.dataset.verdict;
    try {
      const prediction = await detector.predict(image);
      last = { prediction, fileName, ...(id === undefined ? {} : { id }) };
      showPrediction(prediction, fileName);
      postResult(prediction, fileName, false, id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      last = null;
      ui.preview.hidden = true;
      ui.verdict.textContent = 'Could not check this file';
      ui.score.textContent = '';
      ui.evidence.textContent = '';
      ui.dropZone.dataset.verdict = 'error';
      postError(error instanceof DetectorInputError ? 'bad-image' : 'load-failed', `${fileName}: ${message}`, id);
    } finally {
      ui.dropZone.removeAttribute('aria-busy');
    }
  });
}

function handle(message: HostMessage): void {
  if (!detector) {
    queued.push(message);
    return;
  }
  switch (message.type) {
    case 'analyze': {
      const image = message.image instanceof Blob ? message.image : new Blob([message.image]);
      const fileName = message.fileName ?? (image instanceof File ? image.name : 'image');
      analyze(image, fileName, message.id);
      break;
    }
    case 'setThreshold':
      detector.setThreshold(message.threshold);
      thresholdChanged(detector);
      break;
    case 'setPreset':
      detector.setPreset(message.preset);
      thresholdChanged(detector);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (!framed || event.source !== window.parent) {
    record('ignoredSource', `a message from a window other than the parent (${event.origin})`);
    return;
  }
  if (!params.origins.includes(event.origin)) {
    record('ignoredOrigin', `${event.origin} is not in origins=${params.origins.join(',') || '(none)'}`);
    return;
  }
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    record('malformed', parsed.reason);
    return;
  }
  debug.accepted++;
  parentOrigin = event.origin;
  handle(parsed.message);
});

// ---- start ---------------------------------------------------------------------------------------------------

const addProgress = progressTotals();
function onProgress(progress: DownloadProgress): void {
  const { loaded, total, files } = addProgress(progress);
  ui.progress.max = Math.max(total, 1);
  ui.progress.value = loaded;
  ui.status.textContent = files === MODEL_KEYS.length && loaded >= total ? 'Starting…' : `Loading models ${Math.round((100 * loaded) / Math.max(total, 1))}%`;
  post({ type: 'progress', file: progress.file, loaded, total });
}

/**
 * Fallbacks and recoveries go to the host as they happen. Those during start-up are already in the status line
 * (engine, with the fallback reason as its title) and the cache note; later ones replace the note.
 */
function onNotice(notice: DetectorNotice): void {
  if (document.body.dataset.ready === 'true') setNote(notice.message);
  post({ type: 'notice', kind: notice.kind, message: notice.message });
}

async function start(): Promise<void> {
  if (params.warnings.length > 0) setNote(params.warnings.join('; '), true);
  try {
    detector = await EnsembleDeepfakeDetector.fromPretrained({
      ...appAssets(),
      executionProvider: params.executionProvider,
      onProgress,
      onNotice,
      ...(params.threshold === undefined ? {} : { threshold: params.threshold }),
    });
  } catch (error) {
    const message = `The models could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    ui.status.textContent = 'Not running';
    ui.progress.hidden = true;
    setNote(message, true);
    postError('load-failed', message);
    return;
  }
  const active = detector;
  if (params.threshold === undefined && params.preset) active.setPreset(params.preset);
  const info = active.runtimeInfo;
  ui.progress.hidden = true;
  ui.status.textContent = active.executionProvider === 'webgpu' ? 'WebGPU' : `WASM · ${info.wasmThreads} thread${info.wasmThreads === 1 ? '' : 's'}`;
  ui.status.title = active.fallbackReason ?? '';
  if (params.warnings.length === 0) {
    setNote(
      active.cacheStatus.enabled
        ? 'Runs on this device; images are never uploaded.'
        : `No model cache here (${active.cacheStatus.reason ?? 'storage unavailable'}): models load on every visit, checks still work.`,
    );
  }
  showThreshold(active.threshold);
  ui.threshold.disabled = false;
  ui.choose.disabled = false;
  document.body.dataset.ready = 'true';
  const { presets } = active.manifest.thresholds;
  post({
    type: 'ready',
    modelVersion: active.manifest.version,
    executionProvider: active.executionProvider,
    wasmThreads: info.wasmThreads,
    crossOriginIsolated: info.crossOriginIsolated,
    cache: active.cacheStatus,
    threshold: active.threshold,
    preset: active.preset,
    presets: {
      sensitive: { threshold: presets.sensitive.threshold, falseAlarmRate: presets.sensitive.falseAlarmRate },
      balanced: { threshold: presets.balanced.threshold, falseAlarmRate: presets.balanced.falseAlarmRate },
      conservative: { threshold: presets.conservative.threshold, falseAlarmRate: presets.conservative.falseAlarmRate },
    },
  });
  for (const message of queued.splice(0)) handle(message);
}

// ---- the user's own input ------------------------------------------------------------------------------------

ui.choose.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => {
  const file = ui.fileInput.files?.[0];
  if (file) analyze(file, file.name);
  ui.fileInput.value = '';
});
ui.threshold.addEventListener('input', () => {
  if (!detector) return;
  detector.setThreshold(Number(ui.threshold.value));
  showThreshold(detector.threshold);
  if (last) showPrediction(detector.rejudge(last.prediction), last.fileName);
});
// The host hears about the settled value only, not every step of a drag.
ui.threshold.addEventListener('change', () => detector && thresholdChanged(detector));

document.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  ui.dropZone.classList.add('dragging');
});
document.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.dropZone.classList.remove('dragging');
  const file = event.dataTransfer?.files[0];
  if (file && detector) analyze(file, file.name);
});
document.addEventListener('paste', (event) => {
  const file = Array.from(event.clipboardData?.files ?? [])[0];
  if (file && detector) {
    event.preventDefault();
    analyze(file, file.name);
  }
});

void start();
