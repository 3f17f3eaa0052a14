/**
 * Raw model scores -> calibrated scores -> ensemble score -> verdict. Pure functions, numbers from the manifest.
 *
 * Each model looks at a picture twice: the whole image (area-averaged; what a picture is like as a whole) and,
 * for pictures at least the crop size on both sides, native-resolution crops (the generator's traces in fine
 * detail), whose raw scores make one trace score per model as `input.crops.aggregate` says (aggregateCrops). For
 * pictures with crops a model's score is traceWeight x its calibrated trace score + (1 - traceWeight) x its
 * calibrated whole-image score (`ensemble.traceWeight`, 1 when absent: the trace view alone); for pictures without
 * crops it is the calibrated whole-image score. The ensemble is the weighted mean of the models' scores.
 * training/train.py computes the same for the thresholds.
 */
import type { CalibrationCurve, CropSpec, ModelKey, ModelManifest, PresetName, TraceCalibration } from './manifest';
import { MODEL_KEYS } from './manifest';

export type ModelScores = Record<ModelKey, number>;

/** Which view gave the ensemble score: the native crops ('traces') or the whole image ('image'). */
export type ScoredView = 'traces' | 'image';

/** What aggregateCrops reads of the manifest's `input.crops`. */
export type CropAggregation = Pick<CropSpec, 'aggregate' | 'topK'>;

/** Floor under a raw score before its log (a score of 0 would make the mean -infinity). */
const LOG_FLOOR = 1e-12;

/**
 * Which of a picture's crops count towards one model's trace score: all of them for 'geometric-mean'; the topK
 * largest values (all when there are fewer) for 'top-k-log-mean', equal values in crop order.
 */
export function countedCrops(values: ArrayLike<number>, spec: CropAggregation): boolean[] {
  const count = values.length;
  if (spec.aggregate !== 'top-k-log-mean' || count <= (spec.topK ?? count)) return Array.from({ length: count }, () => true);
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => floored(values[b]!) - floored(values[a]!) || a - b);
  const counted = Array.from({ length: count }, () => false);
  for (const i of order.slice(0, spec.topK)) counted[i] = true;
  return counted;
}

/** NaN sorts lowest, so it counts only when a picture has too few crops to leave it out. */
function floored(value: number): number {
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : Math.max(value, LOG_FLOOR);
}

/**
 * A picture's raw trace score for one model from its crops' raw scores: exp of the mean of log(max(v, 1e-12))
 * over the crops that count (countedCrops): all of them ('geometric-mean') or the topK largest ('top-k-log-mean').
 * NaN for a picture without crops.
 */
export function aggregateCrops(values: ArrayLike<number>, spec: CropAggregation): number {
  if (values.length === 0) return Number.NaN;
  const counted = countedCrops(values, spec);
  let sum = 0;
  let used = 0;
  for (let i = 0; i < values.length; i++) {
    if (!counted[i]) continue;
    sum += Math.log(Math.max(values[i]!, LOG_FLOOR));
    used++;
  }
  return Math.exp(sum / used);
}

/** Logistic curve on log(raw), fitted by training (validation 90th percentile -> 0.5, 99th -> 0.9). */
export function calibrate(raw: number, calibration: CalibrationCurve): number {
  if (Number.isNaN(raw)) return Number.NaN;
  const logScore = Math.log(Math.max(raw, 1e-12));
  return 1 / (1 + Math.exp(-(logScore - calibration.center) / calibration.scale));
}

export function calibrateAll(raw: ModelScores, manifest: Pick<ModelManifest, 'calibration'>): ModelScores {
  return {
    svdd: calibrate(raw.svdd, manifest.calibration.svdd),
    autoencoder: calibrate(raw.autoencoder, manifest.calibration.autoencoder),
  };
}

export function ensembleScore(calibrated: ModelScores, weights: ModelScores): number {
  return MODEL_KEYS.reduce((sum, key) => sum + weights[key] * calibrated[key], 0);
}

export function isFakeAt(score: number, threshold: number): boolean {
  return score >= threshold;
}

/** Whether both models, each judged on its own calibrated score at the threshold, give the same verdict. */
export function modelsAgree(calibrated: ModelScores, threshold: number): boolean {
  return isFakeAt(calibrated.svdd, threshold) === isFakeAt(calibrated.autoencoder, threshold);
}

/**
 * The trace view's calibrated scores, or null when the picture had no crops (or the models have no trace view).
 * A picture judged on one crop takes each model's `singleCrop` curve, and one judged on `manyCrops.minCrops` crops or
 * more its `manyCrops` curve, where the manifest has them.
 */
export function calibrateTraces(traceRaw: ModelScores | null, manifest: Pick<ModelManifest, 'calibration'>, cropCount: number): ModelScores | null {
  if (!traceRaw) return null;
  const { svdd, autoencoder } = manifest.calibration;
  if (!svdd.trace || !autoencoder.trace) return null;
  return { svdd: calibrate(traceRaw.svdd, traceCurve(svdd.trace, cropCount)), autoencoder: calibrate(traceRaw.autoencoder, traceCurve(autoencoder.trace, cropCount)) };
}

function traceCurve(curves: TraceCalibration, cropCount: number): CalibrationCurve {
  if (cropCount === 1 && curves.singleCrop) return curves.singleCrop;
  if (curves.manyCrops && cropCount >= curves.manyCrops.minCrops) return curves.manyCrops;
  return curves;
}

/**
 * A native crop that was judged: where it is, and its own trace-view ensemble score, calibrated on the curve of its
 * picture (so a picture's one crop scores what the picture does).
 */
export interface JudgedCrop {
  left: number;
  top: number;
  size: number;
  score: number;
  /** Whether its raw score counted towards each model's trace score (all true unless 'top-k-log-mean' left it out). */
  counted: Record<ModelKey, boolean>;
}

/** A crop as judge() takes it: its place, each model's raw trace score, and (default: all true) whether it counted. */
export interface RawCrop {
  left: number;
  top: number;
  size: number;
  raw: ModelScores;
  counted?: Record<ModelKey, boolean>;
}

/** The manifest's weight of the trace view, in [0, 1]: 1 when it gives none (the trace view alone). */
export function traceWeightOf(manifest: Pick<ModelManifest, 'ensemble'>): number {
  return manifest.ensemble.traceWeight ?? 1;
}

/** Each model's score from its two calibrated views: traceWeight x trace + (1 - traceWeight) x whole. */
export function fuseViews(whole: ModelScores, trace: ModelScores, traceWeight: number): ModelScores {
  // Exactly one view at the ends (no 0 x NaN, no rounding): weight 1 is today's trace-only rule.
  if (traceWeight === 1) return { ...trace };
  if (traceWeight === 0) return { ...whole };
  return {
    svdd: traceWeight * trace.svdd + (1 - traceWeight) * whole.svdd,
    autoencoder: traceWeight * trace.autoencoder + (1 - traceWeight) * whole.autoencoder,
  };
}

export interface Judgement {
  score: number;
  isFake: boolean;
  threshold: number;
  /**
   * Each model's calibrated score: for pictures with crops its two views fused (traceWeight x trace +
   * (1 - traceWeight) x whole), its whole-image view otherwise.
   */
  scores: ModelScores;
  /** Raw whole-image scores (the graphs' `score` outputs), before calibration; `scores` is what they became. */
  wholeRawScores: ModelScores;
  /** Raw trace scores (the crops' aggregate, `input.crops.aggregate`); null for pictures with no crops. */
  traceRawScores: ModelScores | null;
  /**
   * Calibrated scores per view, each view's ensemble alone, and the trace view's weight in `scores` (0 for a
   * picture judged on the whole image only; the whole image's weight is 1 - traceWeight).
   */
  views: { whole: ModelScores; trace: ModelScores | null; wholeEnsemble: number; traceEnsemble: number | null; traceWeight: number };
  /**
   * The view the score rests on: the one whose weighted ensemble adds more to it. With the trace view alone
   * (traceWeight 1, the shipped rule) this is 'traces' for every picture with crops and 'image' for every
   * picture without: then it says which view was used, not which evidence fired (report.json's `flaggedByView`
   * measures that). Serialised as `evidence` (CLI JSON and CSV, the widget's `result` message, exports).
   */
  scoredView: ScoredView;
  /** The native crops judged (none for pictures smaller than the crop size), in pick order. */
  crops: JudgedCrop[];
  agreement: boolean;
}

export function judge(
  raw: ModelScores,
  manifest: Pick<ModelManifest, 'calibration' | 'ensemble'>,
  threshold: number,
  traceRaw: ModelScores | null = null,
  crops: ReadonlyArray<RawCrop> = [],
): Judgement {
  const { weights } = manifest.ensemble;
  const whole = calibrateAll(raw, manifest);
  const trace = calibrateTraces(traceRaw, manifest, crops.length);
  const traceWeight = trace ? traceWeightOf(manifest) : 0;
  const scores = trace ? fuseViews(whole, trace, traceWeight) : whole;
  const score = ensembleScore(scores, weights);
  const wholeEnsemble = ensembleScore(whole, weights);
  const traceEnsemble = trace ? ensembleScore(trace, weights) : null;
  const scoredView: ScoredView =
    traceEnsemble === null || traceWeight === 0
      ? 'image'
      : traceWeight === 1 || traceWeight * traceEnsemble >= (1 - traceWeight) * wholeEnsemble
        ? 'traces'
        : 'image';
  return {
    score,
    isFake: isFakeAt(score, threshold),
    threshold,
    scores,
    wholeRawScores: raw,
    traceRawScores: trace ? traceRaw : null,
    views: { whole, trace, wholeEnsemble, traceEnsemble, traceWeight },
    scoredView,
    crops: trace
      ? crops.map(({ left, top, size, raw: cropRaw, counted }) => ({
          left,
          top,
          size,
          score: ensembleScore(calibrateTraces(cropRaw, manifest, crops.length)!, weights),
          counted: counted ? { ...counted } : { svdd: true, autoencoder: true },
        }))
      : [],
    agreement: modelsAgree(scores, threshold),
  };
}

/** Re-judges an earlier result at a new threshold without running the models again. */
export function rejudge<T extends Judgement>(judgement: T, threshold: number): T {
  return {
    ...judgement,
    threshold,
    isFake: isFakeAt(judgement.score, threshold),
    agreement: modelsAgree(judgement.scores, threshold),
  };
}

export function presetThreshold(manifest: Pick<ModelManifest, 'thresholds'>, preset: PresetName): number {
  const entry = manifest.thresholds.presets[preset];
  if (!entry) throw new RangeError(`unknown preset "${String(preset)}"`);
  return entry.threshold;
}

export function validateThreshold(threshold: number): number {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new RangeError(`threshold must be a number in [0, 1], got ${threshold}`);
  }
  return threshold;
}
