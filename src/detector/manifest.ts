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
  /** Native-resolution crops of pictures at least `size` on both sides (src/detector/crops.ts). */
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
  /**
   * Slots still free after that pick are filled, in the same order, with windows overlapping each picked one by at
   * most this many pixels (maxOverlap..size x size - 1). Absent: maxOverlap, so nothing is filled.
   */
  fillOverlap?: number;
  selection: 'laplacian-detail';
  /**
   * How a picture's crops make its raw trace score, per model (src/detector/scoring.ts aggregateCrops):
   * 'geometric-mean' of all crops, or 'top-k-log-mean', the geometric mean of the `topK` largest (all when fewer),
   * so a few pasted real or blank windows cannot pull a generated picture down.
   */
  aggregate: CropAggregate;
  /** With 'top-k-log-mean' only: how many of the largest crop scores count, 1..maxCrops. */
  topK?: number;
}

export type CropAggregate = 'geometric-mean' | 'top-k-log-mean';
export const CROP_AGGREGATES: readonly CropAggregate[] = ['geometric-mean', 'top-k-log-mean'];

/** Sane upper bounds for the numbers that size loops and allocations (crops are allocated per batch picture). */
export const MAX_INPUT_SIZE = 4096;
export const MAX_CROPS = 64;

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
  /**
   * Shared backbone (Deep SVDD): the crops' backbone map [crops, c, h, w] its trace head read, which the
   * autoencoder's graph takes (its cropFeaturesInputName) instead of the crops, so each crop runs the backbone once.
   */
  cropFeaturesOutput?: string;
  /** Shared backbone (autoencoder): the input fed with Deep SVDD's cropFeaturesOutput, in place of cropsInputName. */
  cropFeaturesInputName?: string;
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
  /** The same curve for the trace view's score (the crops' aggregate, `input.crops.aggregate`). */
  trace?: TraceCalibration;
}

export type CalibrationCurve = Omit<Calibration, 'trace'>;

/**
 * The trace view's curve, for pictures judged on several crops, and, where training fitted them, curves of their
 * own for pictures judged on a single crop (a short side of 128 to 191 px: one crop's score is not averaged with
 * others, so it spreads wider on real photos) and on many (`minCrops` or more: pictures larger than 256 px, whose
 * top-k is taken over more windows, so it sits nearer their maximum).
 */
export interface TraceCalibration extends CalibrationCurve {
  singleCrop?: CalibrationCurve;
  manyCrops?: ManyCropsCurve;
}

/** The curve for pictures judged on `minCrops` crops or more. */
export interface ManyCropsCurve extends CalibrationCurve {
  minCrops: number;
}

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
  ensemble: {
    weights: Record<ModelKey, number>;
    /**
     * Pictures with crops: each model's score is traceWeight x its calibrated trace view + (1 - traceWeight) x its
     * calibrated whole-image view, in [0, 1]. Absent: 1 (the trace view alone).
     */
    traceWeight?: number;
  };
  thresholds: {
    default: number;
    defaultPreset: PresetName;
    presets: Record<PresetName, Preset>;
    chosenOn?: string;
  };
  training?: Record<string, unknown>;
  /** Filled in by `npm run models:eval` from the shipped ONNX files; null until then. */
  metrics: ManifestMetrics | null;
}

/** The evaluation's figures; only those the page shows are typed (and validated when present). */
export interface ManifestMetrics extends Record<string, unknown> {
  wild?: {
    /** Pictures from generators never trained on. */
    unseenGenerators?: {
      /** Share (0..1) of them flagged at the default threshold; null when there were none to measure. */
      caughtAtDefault?: number | null;
      /** How many pictures that share is of. */
      count?: number | null;
      /** The share's 95% interval (Wilson): what that many pictures can resolve. */
      caughtInterval95?: [number, number] | null;
      [key: string]: unknown;
    };
    /** Generated test pictures by subject (labelled by eye): the share of each caught at the default. */
    bySubject?: {
      photograph?: { caught?: number | null; [key: string]: unknown };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
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

function integer(value: unknown, path: string, min: number, max: number): number {
  const number = finite(value, path);
  if (!Number.isInteger(number) || number < min || number > max) fail(path, `an integer from ${min} to ${max}`);
  return number;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string');
  return value;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, 'an object');
  return value;
}

function inUnit(value: unknown, path: string): number {
  const number = finite(value, path);
  if (number < 0 || number > 1) fail(path, 'in [0, 1]');
  return number;
}

/** Checks `input`: the tensor the graphs take, and its crops when present. */
function validateInput(input: Record<string, unknown>): void {
  text(input.name, 'input.name');
  if (input.dtype !== 'float32') fail('input.dtype', '"float32"');
  if (input.layout !== 'NCHW') fail('input.layout', '"NCHW"');
  if (input.channelOrder !== 'RGB') fail('input.channelOrder', '"RGB"');
  if (input.crop !== 'centre-square') fail('input.crop', '"centre-square"');
  if (input.resize !== 'area') fail('input.resize', '"area"');
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[1] !== 3) fail('input.shape', '[batch, 3, H, W]');
  const size = integer(shape[2], 'input.shape[2]', 1, MAX_INPUT_SIZE);
  if (size !== finite(shape[3], 'input.shape[3]')) fail('input.shape', 'square');
  const range = input.valueRange;
  if (!Array.isArray(range) || range.length !== 2) fail('input.valueRange', '[min, max]');
  finite(range[0], 'input.valueRange[0]');
  finite(range[1], 'input.valueRange[1]');
  const background = input.alphaBackground;
  if (!Array.isArray(background) || background.length !== 3) fail('input.alphaBackground', '[r, g, b]');
  // Composited in whole 0-255 levels (composite.ts), before crops are ranked in integers.
  background.forEach((level, i) => integer(level, `input.alphaBackground[${i}]`, 0, 255));
  if (shape[0] !== null && shape[0] !== undefined) integer(shape[0], 'input.shape[0]', 1, Number.MAX_SAFE_INTEGER);
  if (input.crops !== undefined) validateCrops(input.crops, size);
}

/**
 * Checks `input.crops`. Each of these sizes a loop or an allocation: a zero stride would never end, a huge
 * maxCrops would allocate gigabytes per batch. A bad one is a clear load error.
 */
function validateCrops(value: unknown, size: number): void {
  const crops = record(value, 'input.crops');
  text(crops.name, 'input.crops.name');
  if (integer(crops.size, 'input.crops.size', 1, MAX_INPUT_SIZE) !== size) fail('input.crops.size', 'the image size');
  integer(crops.stride, 'input.crops.stride', 1, size);
  const maxCrops = integer(crops.maxCrops, 'input.crops.maxCrops', 1, MAX_CROPS);
  // 0: picked windows may not overlap at all; size x size: any overlap short of the same window.
  const maxOverlap = integer(crops.maxOverlap, 'input.crops.maxOverlap', 0, size * size);
  // Under size x size, so the fill never takes a window twice.
  if (crops.fillOverlap !== undefined) integer(crops.fillOverlap, 'input.crops.fillOverlap', maxOverlap, size * size - 1);
  if (crops.selection !== 'laplacian-detail') fail('input.crops.selection', '"laplacian-detail"');
  if (!CROP_AGGREGATES.includes(crops.aggregate as CropAggregate)) {
    fail('input.crops.aggregate', CROP_AGGREGATES.map((name) => `"${name}"`).join(' or '));
  }
  if (crops.aggregate === 'top-k-log-mean') integer(crops.topK, 'input.crops.topK', 1, maxCrops);
  else if (crops.topK !== undefined) fail('input.crops.topK', `absent unless input.crops.aggregate is "top-k-log-mean"`);
}

/** Checks one model's file entry: name, hash, size and the names of its input and score output. */
function validateModelFile(model: Record<string, unknown>, key: ModelKey): void {
  text(model.file, `models.${key}.file`);
  if (!/^[0-9a-f]{64}$/.test(String(model.sha256))) fail(`models.${key}.sha256`, '64 hex digits');
  if (finite(model.bytes, `models.${key}.bytes`) <= 0) fail(`models.${key}.bytes`, 'positive');
  text(model.inputName, `models.${key}.inputName`);
  text(model.scoreOutput, `models.${key}.scoreOutput`);
}

/** Checks one model's whole-image calibration curve. */
function validateCalibration(cal: Record<string, unknown>, key: ModelKey): void {
  if (cal.method !== 'logistic-of-log') fail(`calibration.${key}.method`, '"logistic-of-log"');
  finite(cal.center, `calibration.${key}.center`);
  if (finite(cal.scale, `calibration.${key}.scale`) <= 0) fail(`calibration.${key}.scale`, 'positive');
}

/**
 * Two-view graphs: checks one model's crops input (or, for the autoencoder of a shared backbone, its crop
 * features input), trace score output and trace calibration curve.
 */
function validateTraceView(model: Record<string, unknown>, cal: Record<string, unknown>, key: ModelKey): void {
  if (key === 'autoencoder' && model.cropFeaturesInputName !== undefined) {
    text(model.cropFeaturesInputName, `models.${key}.cropFeaturesInputName`);
    if (model.cropsInputName !== undefined) fail(`models.${key}.cropsInputName`, 'absent when cropFeaturesInputName is given');
  } else {
    text(model.cropsInputName, `models.${key}.cropsInputName`);
  }
  text(model.traceScoreOutput, `models.${key}.traceScoreOutput`);
  const trace = record(cal.trace, `calibration.${key}.trace`);
  validateCurve(trace, `calibration.${key}.trace`);
  if (trace.singleCrop !== undefined) validateCurve(record(trace.singleCrop, `calibration.${key}.trace.singleCrop`), `calibration.${key}.trace.singleCrop`);
  if (trace.manyCrops !== undefined) {
    const where = `calibration.${key}.trace.manyCrops`;
    const many = record(trace.manyCrops, where);
    validateCurve(many, where);
    integer(many.minCrops, `${where}.minCrops`, 2, MAX_CROPS);
  }
}

function validateCurve(curve: Record<string, unknown>, where: string): void {
  finite(curve.center, `${where}.center`);
  if (finite(curve.scale, `${where}.scale`) <= 0) fail(`${where}.scale`, 'positive');
}

/** Checks `models`, `calibration` and `ensemble` model by model, then that the weights sum to 1 and the trace weight. */
function validateModelsAndEnsemble(root: Record<string, unknown>, hasCrops: boolean): void {
  const models = record(root.models, 'models');
  const calibration = record(root.calibration, 'calibration');
  const weights = record(record(root.ensemble, 'ensemble').weights, 'ensemble.weights');
  let weightSum = 0;
  for (const key of MODEL_KEYS) {
    const model = record(models[key], `models.${key}`);
    validateModelFile(model, key);
    const cal = record(calibration[key], `calibration.${key}`);
    validateCalibration(cal, key);
    if (hasCrops) validateTraceView(model, cal, key);
    const weight = finite(weights[key], `ensemble.weights.${key}`);
    if (weight < 0) fail(`ensemble.weights.${key}`, 'non-negative');
    weightSum += weight;
  }
  if (Math.abs(weightSum - 1) > 1e-6) fail('ensemble.weights', 'summing to 1');
  validateSharedBackbone(record(models.svdd, 'models.svdd'), record(models.autoencoder, 'models.autoencoder'), hasCrops);
  const ensemble = record(root.ensemble, 'ensemble');
  if (ensemble.traceWeight !== undefined) inUnit(ensemble.traceWeight, 'ensemble.traceWeight');
}

/** A shared backbone needs both ends: Deep SVDD's crop features output and the autoencoder's input for it. */
function validateSharedBackbone(svdd: Record<string, unknown>, autoencoder: Record<string, unknown>, hasCrops: boolean): void {
  const output = svdd.cropFeaturesOutput;
  const input = autoencoder.cropFeaturesInputName;
  if (output === undefined && input === undefined) return;
  if (!hasCrops) fail(output !== undefined ? 'models.svdd.cropFeaturesOutput' : 'models.autoencoder.cropFeaturesInputName', 'absent without input.crops');
  text(output, 'models.svdd.cropFeaturesOutput');
  text(input, 'models.autoencoder.cropFeaturesInputName');
}

/** Checks `thresholds`: the default, each preset and the default preset's name. */
function validateThresholds(value: unknown): void {
  const thresholds = record(value, 'thresholds');
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
}

/** Checks the measured `metrics` the page shows, when present (null: not measured yet). */
function validateMetrics(value: unknown): void {
  if (value === null || value === undefined) return;
  const metrics = record(value, 'metrics');
  if (metrics.wild === undefined) return;
  const wild = record(metrics.wild, 'metrics.wild');
  if (wild.bySubject !== undefined) {
    const photograph = record(wild.bySubject, 'metrics.wild.bySubject').photograph;
    if (photograph !== undefined) {
      const caught = record(photograph, 'metrics.wild.bySubject.photograph').caught;
      if (caught != null) inUnit(caught, 'metrics.wild.bySubject.photograph.caught');
    }
  }
  if (wild.unseenGenerators === undefined) return;
  const unseen = record(wild.unseenGenerators, 'metrics.wild.unseenGenerators');
  // null: not measured (a share of no pictures is NaN, which JSON writes as null).
  if (unseen.caughtAtDefault != null) inUnit(unseen.caughtAtDefault, 'metrics.wild.unseenGenerators.caughtAtDefault');
  if (unseen.count != null) integer(unseen.count, 'metrics.wild.unseenGenerators.count', 0, Number.MAX_SAFE_INTEGER);
  if (unseen.caughtInterval95 != null) {
    const where = 'metrics.wild.unseenGenerators.caughtInterval95';
    const interval = unseen.caughtInterval95;
    if (!Array.isArray(interval) || interval.length !== 2) fail(where, 'a [low, high] pair');
    interval.forEach((bound, i) => inUnit(bound, `${where}[${i}]`));
    if (interval[0] > interval[1]) fail(where, 'a [low, high] pair with low <= high');
  }
}

/** Validates untrusted JSON (fetched, or read from a cache) and returns it typed. Throws ManifestError. */
export function parseManifest(json: unknown): ModelManifest {
  const root = record(json, 'the document');
  text(root.version, 'version');
  const input = record(root.input, 'input');
  validateInput(input);
  validateModelsAndEnsemble(root, input.crops !== undefined);
  validateThresholds(root.thresholds);
  validateMetrics(root.metrics);
  return root as unknown as ModelManifest;
}

/** Side length of the square tensor the graphs take (128 for the shipped models). */
export function inputSize(manifest: ModelManifest): number {
  return manifest.input.shape[2];
}
