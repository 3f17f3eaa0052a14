/** Raw model scores -> calibrated scores -> ensemble score -> verdict. Pure functions, numbers from the manifest. */
import type { Calibration, ModelKey, ModelManifest, PresetName } from './manifest';
import { MODEL_KEYS } from './manifest';

export type ModelScores = Record<ModelKey, number>;

/** Logistic curve on log(raw), fitted by training (validation 90th percentile -> 0.5, 99th -> 0.9). */
export function calibrate(raw: number, calibration: Calibration): number {
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

export interface Judgement {
  score: number;
  isFake: boolean;
  threshold: number;
  scores: ModelScores;
  rawScores: ModelScores;
  agreement: boolean;
}

export function judge(raw: ModelScores, manifest: Pick<ModelManifest, 'calibration' | 'ensemble'>, threshold: number): Judgement {
  const scores = calibrateAll(raw, manifest);
  const score = ensembleScore(scores, manifest.ensemble.weights);
  return { score, isFake: isFakeAt(score, threshold), threshold, scores, rawScores: raw, agreement: modelsAgree(scores, threshold) };
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
