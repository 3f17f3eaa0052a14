/**
 * The widget's postMessage API: the message types a host page exchanges with `embed.html`, and the pure checks
 * the widget applies to what it receives. No DOM, no detector: host pages can import the types, unit tests the
 * checks.
 *
 * Widget → host: `ready`, `progress`, `result`, `threshold`, `error`; each carries `source: WIDGET_SOURCE` and goes
 * only to an allowed parent origin (never `*`). Host → widget: `analyze`, `setThreshold`, `setPreset`.
 */
import type { PresetName } from '../detector/manifest';
import { PRESET_NAMES } from '../detector/manifest';
import type { DetectorNotice } from '../detector/detector';
import type { CacheStatus } from '../detector/model-store';
import type { ExecutionProvider, ExecutionProviderChoice } from '../detector/protocol';
import type { Provenance } from '../detector/provenance';
import type { ScoredView } from '../detector/scoring';
import type { Theme } from '../ui/theme';

export type { PresetName, ExecutionProvider, ExecutionProviderChoice, CacheStatus, ScoredView };

/** Marks every message the widget sends, so a host page can tell them from other frames' messages. */
export const WIDGET_SOURCE = 'deepfake-detector-widget';
export const WIDGET_PROTOCOL_VERSION = 1;

// ---- host → widget --------------------------------------------------------------------------------------------

/** Score one image. Transfer the ArrayBuffer (`postMessage(message, origin, [buffer])`); a Blob is cloned cheaply. */
export interface AnalyzeRequest {
  type: 'analyze';
  image: Blob | ArrayBuffer;
  /** Shown in the widget and echoed in the result. Default: the File's name, else "image". */
  fileName?: string;
  /** Echoed in the `result` or `error` for this image, to match answers to requests. */
  id?: string;
}

export interface SetThresholdRequest {
  type: 'setThreshold';
  /** In [0, 1]. */
  threshold: number;
}

export interface SetPresetRequest {
  type: 'setPreset';
  preset: PresetName;
}

export type HostMessage = AnalyzeRequest | SetThresholdRequest | SetPresetRequest;

// ---- widget → host --------------------------------------------------------------------------------------------

interface FromWidget {
  source: typeof WIDGET_SOURCE;
  version: typeof WIDGET_PROTOCOL_VERSION;
}

/** The models are loaded and the widget takes `analyze` requests. Requests sent earlier are queued, not lost. */
export interface ReadyMessage extends FromWidget {
  type: 'ready';
  modelVersion: string;
  executionProvider: ExecutionProvider;
  wasmThreads: number;
  /** Whether the frame is cross-origin isolated (WASM threads); see README, "Embedding". */
  crossOriginIsolated: boolean;
  /** Whether the models are kept in (possibly partitioned) storage. Off: the widget still scores. */
  cache: CacheStatus;
  threshold: number;
  preset: PresetName | null;
  presets: Record<PresetName, { threshold: number; falseAlarmRate: number }>;
}

/** Model download progress, bytes over all files. Cached files report once, complete. */
export interface ProgressMessage extends FromWidget {
  type: 'progress';
  file: string;
  loaded: number;
  total: number;
}

export interface ResultMessage extends FromWidget {
  type: 'result';
  id?: string;
  fileName: string;
  /** Ensemble score in [0, 1]. */
  score: number;
  isFake: boolean;
  scores: { svdd: number; autoencoder: number };
  threshold: number;
  /**
   * Which view of the picture carried the score: 'traces' (native-resolution 128x128 crops, where generator
   * fingerprints live; pictures at least 128 px on both sides) or 'image' (the whole picture is unlike a photograph).
   * Says why a flagged picture was flagged; a reason to look closer, not proof.
   */
  evidence: ScoredView;
  /** true when this is an earlier image judged again after a threshold change (no new inference). */
  rejudged: boolean;
  /**
   * What the file's metadata says about where it came from (C2PA Content Credentials, IPTC digital source type,
   * generator parameters, camera), beside the score and never part of it. `summary` is the line the widget shows.
   */
  provenance?: Provenance;
}

/** The threshold changed (by the host or by the user's slider). */
export interface ThresholdMessage extends FromWidget {
  type: 'threshold';
  threshold: number;
  preset: PresetName | null;
}

/** load-failed: the models could not be loaded (or the engine failed); bad-image: this file cannot be read. */
export type WidgetErrorCode = 'load-failed' | 'bad-image';

export interface ErrorMessage extends FromWidget {
  type: 'error';
  code: WidgetErrorCode;
  message: string;
  /** The `id` of the analyze request this is about, if any. */
  id?: string;
}

/** The detector fell back or recovered (no WebGPU, WebGPU lost, worker restarted, no cache, cache repaired); it keeps working. */
export interface NoticeMessage extends FromWidget {
  type: 'notice';
  kind: DetectorNotice['kind'];
  message: string;
}

export type WidgetMessage = ReadyMessage | ProgressMessage | ResultMessage | ThresholdMessage | ErrorMessage | NoticeMessage;

/** A widget message without the envelope, as the widget builds it. */
export type WidgetMessageBody = WidgetMessage extends infer M ? (M extends FromWidget ? Omit<M, keyof FromWidget> : never) : never;

export function isWidgetMessage(data: unknown): data is WidgetMessage {
  return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === WIDGET_SOURCE;
}

// ---- checks the widget applies ---------------------------------------------------------------------------------

export type ParsedHostMessage = { ok: true; message: HostMessage } | { ok: false; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a received `event.data` field by field; anything else is malformed. */
export function parseHostMessage(data: unknown): ParsedHostMessage {
  if (!isRecord(data)) return { ok: false, reason: 'not an object' };
  const optionalString = (key: string) => data[key] === undefined || typeof data[key] === 'string';
  switch (data.type) {
    case 'analyze': {
      const { image } = data;
      const isImage = (typeof Blob !== 'undefined' && image instanceof Blob) || image instanceof ArrayBuffer;
      if (!isImage) return { ok: false, reason: 'analyze: image must be a Blob or an ArrayBuffer' };
      if (!optionalString('fileName') || !optionalString('id')) return { ok: false, reason: 'analyze: fileName and id must be strings' };
      return { ok: true, message: data as unknown as AnalyzeRequest };
    }
    case 'setThreshold': {
      const { threshold } = data;
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
        return { ok: false, reason: 'setThreshold: threshold must be a number in [0, 1]' };
      }
      return { ok: true, message: { type: 'setThreshold', threshold } };
    }
    case 'setPreset': {
      const preset = data.preset as PresetName;
      if (!PRESET_NAMES.includes(preset)) return { ok: false, reason: `setPreset: preset must be one of ${PRESET_NAMES.join(', ')}` };
      return { ok: true, message: { type: 'setPreset', preset } };
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(data.type)}` };
  }
}

/** `https://a.example` from `https://a.example/`; null for anything that is not an http(s) origin. */
export function normaliseOrigin(value: string): string | null {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export type { Theme };

export interface WidgetParams {
  /** Exact origins allowed to send requests and receive messages. Empty: the widget talks to no one. */
  origins: string[];
  /** Entries of `origins` that are not origins (no wildcards: `*` is refused). */
  rejectedOrigins: string[];
  executionProvider: ExecutionProviderChoice;
  theme: Theme;
  /** Explicit threshold; wins over `preset`. */
  threshold?: number;
  preset?: PresetName;
  /** Problems with the parameters, shown in the widget. */
  warnings: string[];
}

/** Reads `embed.html?origins=…&threshold=…|preset=…&ep=…&theme=…`. */
export function parseWidgetParams(search: string): WidgetParams {
  const params = new URLSearchParams(search);
  const warnings: string[] = [];
  const origins: string[] = [];
  const rejectedOrigins: string[] = [];
  for (const entry of (params.get('origins') ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const origin = normaliseOrigin(entry);
    if (origin) {
      if (!origins.includes(origin)) origins.push(origin);
    } else rejectedOrigins.push(entry.trim());
  }
  if (rejectedOrigins.length > 0) warnings.push(`ignored origins: ${rejectedOrigins.join(', ')} (exact http(s) origins only)`);

  const ep = params.get('ep') ?? 'auto';
  const executionProvider: ExecutionProviderChoice = ep === 'webgpu' || ep === 'wasm' ? ep : 'auto';
  if (executionProvider !== ep) warnings.push(`unknown ep "${ep}": using auto`);

  const themeParam = params.get('theme');
  const theme: Theme = themeParam === 'light' || themeParam === 'dark' ? themeParam : 'auto';

  const result: WidgetParams = { origins, rejectedOrigins, executionProvider, theme, warnings };
  const thresholdParam = params.get('threshold');
  if (thresholdParam !== null) {
    const threshold = Number(thresholdParam);
    if (thresholdParam.trim() !== '' && Number.isFinite(threshold) && threshold >= 0 && threshold <= 1) result.threshold = threshold;
    else warnings.push(`threshold "${thresholdParam}" is not a number in [0, 1]`);
  }
  const presetParam = params.get('preset');
  if (presetParam !== null) {
    if (PRESET_NAMES.includes(presetParam as PresetName)) result.preset = presetParam as PresetName;
    else warnings.push(`unknown preset "${presetParam}"`);
  }
  return result;
}

/**
 * The origins to post to. Known parent origin (ancestorOrigins, referrer, or a message it sent): that one, if
 * allowed, else none. Unknown: each allowed origin in turn; the browser delivers only to the one that matches.
 */
export function postTargets(allowed: readonly string[], parentOrigin: string | null): string[] {
  if (parentOrigin === null) return [...allowed];
  return allowed.includes(parentOrigin) ? [parentOrigin] : [];
}
