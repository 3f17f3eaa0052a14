/**
 * Raw model scores -> calibrated scores -> ensemble score -> verdict. Pure functions, numbers from the manifest.
 *
 * Each model looks at a picture twice: the whole image (area-averaged; what a picture is like as a whole) and,
 * for pictures larger than the crop size, native-resolution crops (the generator's traces in fine detail). A
 * model's score is its calibrated trace-view score for pictures with crops and its whole-image score otherwise
 * (on validation the whole-image view of large photographs only added noise: training/train.py model_scores);
 * the ensemble is the weighted mean of the models' scores. train.py computes the same for the thresholds.
 */
import type { CalibrationCurve, ModelKey, ModelManifest, PresetName } from './manifest';
import { MODEL_KEYS } from './manifest';

export type ModelScores = Record<ModelKey, number>;

/** Which view gave the ensemble score: the native crops ('traces') or the whole image ('image'). */
export type Evidence = 'traces' | 'image';

/** A picture's trace-view score per model: the geometric mean of its crops' raw scores. */
export function aggregateCrops(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.log(Math.max(values[i]!, 1e-12));
  return Math.exp(sum / values.length);
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

/** The trace view's calibrated scores, or null when the picture had no crops (or the models have no trace view). */
export function calibrateTraces(traceRaw: ModelScores | null, manifest: Pick<ModelManifest, 'calibration'>): ModelScores | null {
  if (!traceRaw) return null;
  const { svdd, autoencoder } = manifest.calibration;
  if (!svdd.trace || !autoencoder.trace) return null;
  return { svdd: calibrate(traceRaw.svdd, svdd.trace), autoencoder: calibrate(traceRaw.autoencoder, autoencoder.trace) };
}

/** A native crop that was judged: where it is, and its own trace-view ensemble score (calibrated). */
export interface JudgedCrop {
  left: number;
  top: number;
  size: number;
  score: number;
}

export interface Judgement {
  score: number;
  isFake: boolean;
  threshold: number;
  /** Each model's calibrated score: its trace view for pictures with crops, its whole-image view otherwise. */
  scores: ModelScores;
  /** Raw whole-image scores (the graphs' `score` outputs). */
  rawScores: ModelScores;
  /** Raw trace scores (geometric mean over the crops); null for pictures with no crops. */
  traceRawScores: ModelScores | null;
  /** Calibrated scores per view, and the ensemble of each view alone. */
  views: { whole: ModelScores; trace: ModelScores | null; wholeEnsemble: number; traceEnsemble: number | null };
  /** Which view carried the score. */
  evidence: Evidence;
  /** The native crops judged (none for pictures up to the crop size), in pick order. */
  crops: JudgedCrop[];
  agreement: boolean;
}

export function judge(
  raw: ModelScores,
  manifest: Pick<ModelManifest, 'calibration' | 'ensemble'>,
  threshold: number,
  traceRaw: ModelScores | null = null,
  crops: ReadonlyArray<{ left: number; top: number; size: number; raw: ModelScores }> = [],
): Judgement {
  const whole = calibrateAll(raw, manifest);
  const trace = calibrateTraces(traceRaw, manifest);
  const scores = trace ?? whole;
  const score = ensembleScore(scores, manifest.ensemble.weights);
  const wholeEnsemble = ensembleScore(whole, manifest.ensemble.weights);
  const traceEnsemble = trace ? ensembleScore(trace, manifest.ensemble.weights) : null;
  return {
    score,
    isFake: isFakeAt(score, threshold),
    threshold,
    scores,
    rawScores: raw,
    traceRawScores: trace ? traceRaw : null,
    views: { whole, trace, wholeEnsemble, traceEnsemble },
    evidence: trace ? 'traces' : 'image',
    crops: trace
      ? crops.map(({ left, top, size, raw: cropRaw }) => ({
          left,
          top,
          size,
          score: ensembleScore(calibrateTraces(cropRaw, manifest)!, manifest.ensemble.weights),
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
