import { describe, expect, it } from 'vitest';
import { MODEL_KEYS, PRESET_NAMES } from '../../src/detector/manifest';
import {
  calibrate,
  calibrateAll,
  ensembleScore,
  isFakeAt,
  judge,
  modelsAgree,
  presetThreshold,
  rejudge,
  validateThreshold,
} from '../../src/detector/scoring';
import { shippedManifest } from './helpers';

const manifest = shippedManifest();

describe('calibrate', () => {
  const calibration = manifest.calibration.svdd;

  it('maps exp(center) to 0.5 and one scale above it to the logistic of 1', () => {
    expect(calibrate(Math.exp(calibration.center), calibration)).toBeCloseTo(0.5, 12);
    expect(calibrate(Math.exp(calibration.center + calibration.scale), calibration)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it('is increasing, stays in [0, 1], and handles zero, infinity and NaN', () => {
    const raws = [0, 1e-9, 0.01, 1, 10, 100, 1e6];
    const calibrated = raws.map((raw) => calibrate(raw, calibration));
    for (let i = 1; i < calibrated.length; i++) expect(calibrated[i]!).toBeGreaterThanOrEqual(calibrated[i - 1]!);
    for (const value of calibrated) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of calibrated) expect(value).toBeLessThanOrEqual(1);
    expect(calibrate(Number.POSITIVE_INFINITY, calibration)).toBe(1);
    expect(calibrate(Number.NaN, calibration)).toBeNaN();
  });
});

describe('ensemble', () => {
  it('is the manifest-weighted mean of the calibrated scores', () => {
    const weights = manifest.ensemble.weights;
    expect(ensembleScore({ svdd: 0.2, autoencoder: 0.6 }, weights)).toBeCloseTo(0.2 * weights.svdd + 0.6 * weights.autoencoder, 12);
    expect(ensembleScore({ svdd: 1, autoencoder: 1 }, weights)).toBeCloseTo(1, 12);
    expect(ensembleScore({ svdd: 1, autoencoder: 0 }, { svdd: 1, autoencoder: 0 })).toBe(1);
  });

  it('judges raw scores: calibrate each, combine, compare with the threshold', () => {
    const raw = { svdd: Math.exp(manifest.calibration.svdd.center), autoencoder: Math.exp(manifest.calibration.autoencoder.center) };
    const judgement = judge(raw, manifest, 0.5);
    expect(judgement.scores.svdd).toBeCloseTo(0.5, 12);
    expect(judgement.scores.autoencoder).toBeCloseTo(0.5, 12);
    expect(judgement.score).toBeCloseTo(0.5, 12);
    expect(judgement.rawScores).toEqual(raw);
    expect(judge(raw, manifest, 0.49).isFake).toBe(true);
    expect(judge(raw, manifest, 0.51).isFake).toBe(false);
    expect(calibrateAll(raw, manifest)).toEqual(judgement.scores);
  });

  it('flags at the threshold itself (score >= threshold)', () => {
    expect(isFakeAt(0.7, 0.7)).toBe(true);
    expect(isFakeAt(0.6999, 0.7)).toBe(false);
  });

  it('reports whether both models, each on its own, give the same verdict', () => {
    expect(modelsAgree({ svdd: 0.9, autoencoder: 0.95 }, 0.8)).toBe(true);
    expect(modelsAgree({ svdd: 0.1, autoencoder: 0.2 }, 0.8)).toBe(true);
    expect(modelsAgree({ svdd: 0.9, autoencoder: 0.2 }, 0.8)).toBe(false);
  });
});

describe('thresholds', () => {
  it('reads every preset from the manifest', () => {
    for (const name of PRESET_NAMES) expect(presetThreshold(manifest, name)).toBe(manifest.thresholds.presets[name].threshold);
    expect(presetThreshold(manifest, manifest.thresholds.defaultPreset)).toBe(manifest.thresholds.default);
    expect(() => presetThreshold(manifest, 'paranoid' as never)).toThrow(RangeError);
  });

  it('accepts thresholds in [0, 1] only', () => {
    expect(validateThreshold(0)).toBe(0);
    expect(validateThreshold(1)).toBe(1);
    for (const bad of [-0.01, 1.01, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => validateThreshold(bad)).toThrow(RangeError);
  });

  it('rejudge changes verdict and agreement only, and keeps extra fields', () => {
    const { svdd, autoencoder } = manifest.calibration;
    // Calibrated: SVDD = logistic(2) ~ 0.88, autoencoder = logistic(-5) ~ 0.007.
    const raw = { svdd: Math.exp(svdd.center + 2 * svdd.scale), autoencoder: Math.exp(autoencoder.center - 5 * autoencoder.scale) };
    const original = { ...judge(raw, manifest, 0.99), executionProvider: 'wasm' as const };
    expect(original.isFake).toBe(false);
    const lowered = rejudge(original, original.score - 1e-6);
    expect(lowered.isFake).toBe(true);
    expect(lowered.threshold).toBe(original.score - 1e-6);
    expect(lowered.score).toBe(original.score);
    expect(lowered.scores).toEqual(original.scores);
    expect(lowered.executionProvider).toBe('wasm');
    expect(lowered).toEqual({ ...judge(raw, manifest, original.score - 1e-6), executionProvider: 'wasm' });
    expect(rejudge(original, 0.5).agreement).toBe(false);
    expect(rejudge(original, 0.95).agreement).toBe(true);
    for (const key of MODEL_KEYS) expect(original.scores[key]).toBe(lowered.scores[key]);
  });
});
