/**
 * The shape of public/models/manifest.json: the single source of model facts (files, hashes, input spec,
 * calibration, thresholds, measured metrics). Everything else reads these facts from a parsed manifest.
 */

export type ModelKey = 'svdd' | 'autoencoder';
export const MODEL_KEYS: readonly ModelKey[] = ['svdd', 'autoencoder'];

export interface InputSpec {
  name: string;
  dtype: 'float32';
  layout: 'NCHW';
  shape: [number | null, 3, number, number];
  channelOrder: 'RGB';
  valueRange: [number, number];
  crop: 'centre-square';
  resize: 'area';
  alphaBackground: [number, number, number];
  /** Native-resolution crops of pictures larger than `size` on both sides (src/detector/crops.ts). */
  crops?: CropSpec;
}

export interface CropSpec {
  name: string;
  /** Side of each window in pixels; the graphs' `crops` input is [M, 3, size, size]. */
  size: number;
  stride: number;
  maxCrops: number;
  /** Largest overlap, in pixels, a picked window may have with an earlier one. */
  maxOverlap: number;
  selection: 'laplacian-detail';
  aggregate: 'geometric-mean';
}

export interface ModelFile {
  file: string;
  bytes: number;
  sha256: string;
  kind: string;
  inputName: string;
  scoreOutput: string;
  /** Two-view graphs: the native crops input and its per-crop score output. */
  cropsInputName?: string;
  traceScoreOutput?: string;
  reconstructionOutput?: string;
  errorMapOutput?: string;
  /** Deep SVDD: per-image z-scores of the image statistics in its prior, named by statisticNames. */
  statisticsOutput?: string;
  statisticNames?: string[];
  outputs: string[];
}

export interface Calibration {
  method: 'logistic-of-log';
  center: number;
  scale: number;
  fittedOn?: string;
  /** The same curve for the trace view's score (geometric mean over a picture's crops). */
  trace?: CalibrationCurve;
}

export type CalibrationCurve = Omit<Calibration, 'trace'>;

export interface Preset {
  threshold: number;
  falseAlarmRate: number;
}

export type PresetName = 'sensitive' | 'balanced' | 'conservative';
export const PRESET_NAMES: readonly PresetName[] = ['sensitive', 'balanced', 'conservative'];

export interface ModelManifest {
  name: string;
  version: string;
  input: InputSpec;
  models: Record<ModelKey, ModelFile>;
  calibration: Record<ModelKey, Calibration>;
  ensemble: { weights: Record<ModelKey, number> };
  thresholds: {
    default: number;
    defaultPreset: PresetName;
    presets: Record<PresetName, Preset>;
    chosenOn?: string;
  };
  training?: Record<string, unknown>;
  /** Filled in by `npm run models:eval` from the shipped ONNX files; null until then. */
  metrics: Record<string, unknown> | null;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

function fail(path: string, expected: string): never {
  throw new ManifestError(`manifest.json: ${path} must be ${expected}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a finite number');
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string');
  return value;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, 'an object');
  return value;
}

/** Validates untrusted JSON (fetched, or read from a cache) and returns it typed. Throws ManifestError. */
export function parseManifest(json: unknown): ModelManifest {
  const root = record(json, 'the document');
  text(root.version, 'version');
  const input = record(root.input, 'input');
  text(input.name, 'input.name');
  if (input.dtype !== 'float32') fail('input.dtype', '"float32"');
  if (input.layout !== 'NCHW') fail('input.layout', '"NCHW"');
  if (input.channelOrder !== 'RGB') fail('input.channelOrder', '"RGB"');
  if (input.crop !== 'centre-square') fail('input.crop', '"centre-square"');
  if (input.resize !== 'area') fail('input.resize', '"area"');
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[1] !== 3) fail('input.shape', '[batch, 3, H, W]');
  const size = finite(shape[2], 'input.shape[2]');
  if (size !== finite(shape[3], 'input.shape[3]') || size < 1) fail('input.shape', 'square');
  const range = input.valueRange;
  if (!Array.isArray(range) || range.length !== 2) fail('input.valueRange', '[min, max]');
  finite(range[0], 'input.valueRange[0]');
  finite(range[1], 'input.valueRange[1]');
  const background = input.alphaBackground;
  if (!Array.isArray(background) || background.length !== 3) fail('input.alphaBackground', '[r, g, b]');
  if (input.crops !== undefined) {
    const crops = record(input.crops, 'input.crops');
    text(crops.name, 'input.crops.name');
    if (finite(crops.size, 'input.crops.size') !== size) fail('input.crops.size', 'the image size');
    for (const key of ['stride', 'maxCrops', 'maxOverlap'] as const) {
      const value = finite(crops[key], `input.crops.${key}`);
      if (!Number.isInteger(value) || value < 0) fail(`input.crops.${key}`, 'a non-negative integer');
    }
    if (crops.selection !== 'laplacian-detail') fail('input.crops.selection', '"laplacian-detail"');
    if (crops.aggregate !== 'geometric-mean') fail('input.crops.aggregate', '"geometric-mean"');
  }

  const models = record(root.models, 'models');
  const calibration = record(root.calibration, 'calibration');
  const weights = record(record(root.ensemble, 'ensemble').weights, 'ensemble.weights');
  let weightSum = 0;
  for (const key of MODEL_KEYS) {
    const model = record(models[key], `models.${key}`);
    text(model.file, `models.${key}.file`);
    if (!/^[0-9a-f]{64}$/.test(String(model.sha256))) fail(`models.${key}.sha256`, '64 hex digits');
    if (finite(model.bytes, `models.${key}.bytes`) <= 0) fail(`models.${key}.bytes`, 'positive');
    text(model.inputName, `models.${key}.inputName`);
    text(model.scoreOutput, `models.${key}.scoreOutput`);
    const cal = record(calibration[key], `calibration.${key}`);
    if (cal.method !== 'logistic-of-log') fail(`calibration.${key}.method`, '"logistic-of-log"');
    finite(cal.center, `calibration.${key}.center`);
    if (finite(cal.scale, `calibration.${key}.scale`) <= 0) fail(`calibration.${key}.scale`, 'positive');
    if (input.crops !== undefined) {
      text(model.cropsInputName, `models.${key}.cropsInputName`);
      text(model.traceScoreOutput, `models.${key}.traceScoreOutput`);
      for (const curve of ['trace'] as const) {
        const fitted = record(cal[curve], `calibration.${key}.${curve}`);
        finite(fitted.center, `calibration.${key}.${curve}.center`);
        if (finite(fitted.scale, `calibration.${key}.${curve}.scale`) <= 0) fail(`calibration.${key}.${curve}.scale`, 'positive');
      }
    }
    const weight = finite(weights[key], `ensemble.weights.${key}`);
    if (weight < 0) fail(`ensemble.weights.${key}`, 'non-negative');
    weightSum += weight;
  }
  if (Math.abs(weightSum - 1) > 1e-6) fail('ensemble.weights', 'summing to 1');

  const thresholds = record(root.thresholds, 'thresholds');
  const inUnit = (value: unknown, path: string) => {
    const number = finite(value, path);
    if (number < 0 || number > 1) fail(path, 'in [0, 1]');
    return number;
  };
  inUnit(thresholds.default, 'thresholds.default');
  const presets = record(thresholds.presets, 'thresholds.presets');
  for (const name of PRESET_NAMES) {
    const preset = record(presets[name], `thresholds.presets.${name}`);
    inUnit(preset.threshold, `thresholds.presets.${name}.threshold`);
    inUnit(preset.falseAlarmRate, `thresholds.presets.${name}.falseAlarmRate`);
  }
  if (!PRESET_NAMES.includes(thresholds.defaultPreset as PresetName)) {
    fail('thresholds.defaultPreset', PRESET_NAMES.join(' | '));
  }
  return root as unknown as ModelManifest;
}

/** Side length of the square tensor the graphs take (128 for the shipped models). */
export function inputSize(manifest: ModelManifest): number {
  return manifest.input.shape[2];
}
