import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/detector/manifest';
import { MODEL_KEYS, PRESET_NAMES } from '../../src/detector/manifest';
import type { ModelScores } from '../../src/detector/scoring';
import {
  aggregateCrops,
  calibrate,
  calibrateAll,
  calibrateTraces,
  countedCrops,
  ensembleScore,
  isFakeAt,
  judge,
  modelsAgree,
  presetThreshold,
  rejudge,
  validateThreshold,
} from '../../src/detector/scoring';
import type { RawBatchScores } from '../../src/detector/model-run';
import { pictureRaw } from '../../src/detector/picture-raw';
import type { PictureRows } from '../../src/detector/views';
import { shippedManifest } from './helpers';

const manifest = shippedManifest();

const GEOMETRIC = { aggregate: 'geometric-mean' as const };
const TOP3 = { aggregate: 'top-k-log-mean' as const, topK: 3 };
const geometricMean = (values: number[]) => Math.exp(values.reduce((sum, v) => sum + Math.log(Math.max(v, 1e-12)), 0) / values.length);

describe('aggregateCrops', () => {
  it('geometric-mean: exp of the mean log over every crop, with the 1e-12 floor', () => {
    expect(aggregateCrops([2, 8], GEOMETRIC)).toBeCloseTo(4, 12);
    expect(aggregateCrops([5], GEOMETRIC)).toBeCloseTo(5, 12);
    expect(aggregateCrops([1, 0], GEOMETRIC)).toBeCloseTo(Math.sqrt(1e-12), 18);
    expect(aggregateCrops(Float32Array.from([0.5, 3, 7]), GEOMETRIC)).toBeCloseTo(geometricMean([0.5, 3, 7]), 6);
    expect(aggregateCrops([], GEOMETRIC)).toBeNaN();
    expect(countedCrops([3, 1, 2], GEOMETRIC)).toEqual([true, true, true]);
  });

  it('top-k-log-mean: the same mean over the topK largest only', () => {
    expect(aggregateCrops([1, 8, 2, 32, 4], TOP3)).toBeCloseTo(geometricMean([8, 32, 4]), 12);
    expect(countedCrops([1, 8, 2, 32, 4], TOP3)).toEqual([false, true, false, true, true]);
    // Negative and zero raw scores sit on the floor, below any positive one.
    expect(countedCrops([0, -5, 1e-3, 2], { aggregate: 'top-k-log-mean', topK: 2 })).toEqual([false, false, true, true]);
    expect(aggregateCrops([], TOP3)).toBeNaN();
  });

  it('top-k-log-mean takes every crop when a picture has topK or fewer (then it is the geometric mean)', () => {
    for (const values of [[3], [3, 0.2], [3, 0.2, 9]]) {
      expect(aggregateCrops(values, TOP3)).toBe(aggregateCrops(values, GEOMETRIC));
      expect(countedCrops(values, TOP3).every(Boolean)).toBe(true);
    }
    // topK 1: the largest crop alone.
    expect(aggregateCrops([0.3, 6, 2], { aggregate: 'top-k-log-mean', topK: 1 })).toBeCloseTo(6, 12);
  });

  it('equal values count in crop order (the score is the same whichever is kept)', () => {
    expect(countedCrops([2, 5, 2, 2], { aggregate: 'top-k-log-mean', topK: 2 })).toEqual([true, true, false, false]);
  });

  it('keeps a generated picture high under top-3 when 2 of its 5 crops look real (pasted real or blank windows)', () => {
    const { svdd } = manifest.calibration;
    const trace = svdd.trace!;
    // Three generated-looking windows 3 scales above the trace centre, two real-looking ones 6 scales below it.
    const high = Math.exp(trace.center + 3 * trace.scale);
    const low = Math.exp(trace.center - 6 * trace.scale);
    const values = [high, low, high * 1.1, low, high * 0.9];
    const top3 = calibrate(aggregateCrops(values, TOP3), trace);
    const all = calibrate(aggregateCrops(values, GEOMETRIC), trace);
    expect(countedCrops(values, TOP3)).toEqual([true, false, true, false, true]);
    expect(top3).toBeGreaterThan(0.95);
    expect(top3).toBeCloseTo(calibrate(geometricMean([high, high * 1.1, high * 0.9]), trace), 12);
    // The geometric mean over all five is pulled under the middle of the curve by the two real-looking windows.
    expect(all).toBeLessThan(0.5);
  });
});

describe('pictureRaw (per picture, out of a batch)', () => {
  const scores: RawBatchScores = {
    svdd: Float32Array.from([0.5, 0.25]),
    autoencoder: Float32Array.from([2, 4]),
    traceSvdd: Float32Array.from([9, 1, 4, 16, 0.01]),
    traceAutoencoder: Float32Array.from([1, 2, 3, 4, 5]),
  };
  const regions = [0, 1, 2, 3, 4].map((i) => ({ left: 64 * i, top: 0, detail: 100 - i }));
  const rows: PictureRows = { row: 1, cropStart: 0, regions };
  const spec = (aggregation: typeof GEOMETRIC | typeof TOP3) => ({ size: 128, ...aggregation });

  it('aggregates each model\'s crops as the spec says and marks which crops counted', () => {
    const top = pictureRaw(scores, rows, spec(TOP3));
    expect(top.raw).toEqual({ svdd: 0.25, autoencoder: 4 });
    expect(top.traceRaw!.svdd).toBeCloseTo(geometricMean([9, 4, 16]), 5);
    expect(top.traceRaw!.autoencoder).toBeCloseTo(geometricMean([3, 4, 5]), 5);
    expect(top.crops.map((c) => c.counted)).toEqual([
      { svdd: true, autoencoder: false },
      { svdd: false, autoencoder: false },
      { svdd: true, autoencoder: true },
      { svdd: true, autoencoder: true },
      { svdd: false, autoencoder: true },
    ]);
    expect(top.crops.map((c) => [c.left, c.top, c.size])).toEqual(regions.map((r) => [r.left, r.top, 128]));
    const all = pictureRaw(scores, rows, spec(GEOMETRIC));
    expect(all.traceRaw!.svdd).toBeCloseTo(geometricMean([9, 1, 4, 16, 0.01]), 5);
    expect(all.crops.every((c) => c.counted.svdd && c.counted.autoencoder)).toBe(true);
  });

  it('has no trace score for a picture without crops, whatever the spec', () => {
    expect(pictureRaw(scores, { row: 0, cropStart: 5, regions: [] }, undefined)).toEqual({ raw: { svdd: 0.5, autoencoder: 2 }, traceRaw: null, crops: [] });
    expect(() => pictureRaw(scores, rows, undefined)).toThrow(RangeError);
  });
});

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
    expect(judgement.wholeRawScores).toEqual(raw);
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

describe('view fusion (ensemble.traceWeight)', () => {
  const { svdd, autoencoder } = manifest.calibration;
  // Whole view: SVDD at its centre (0.5), autoencoder two scales below (~0.12); trace view: both 2 scales above (~0.88).
  const raw = { svdd: Math.exp(svdd.center), autoencoder: Math.exp(autoencoder.center - 2 * autoencoder.scale) };
  const traceRaw = { svdd: Math.exp(svdd.trace!.center + 2 * svdd.trace!.scale), autoencoder: Math.exp(autoencoder.trace!.center + 2 * autoencoder.trace!.scale) };
  const crops = [{ left: 0, top: 0, size: 128, raw: traceRaw }];
  const withWeight = (traceWeight: number | undefined): Pick<ModelManifest, 'calibration' | 'ensemble'> => ({
    calibration: manifest.calibration,
    ensemble: traceWeight === undefined ? { weights: manifest.ensemble.weights } : { ...manifest.ensemble, traceWeight },
  });
  const whole = calibrateAll(raw, manifest);
  const trace = calibrateTraces(traceRaw, manifest, crops.length)!;

  it('without traceWeight, a picture with crops is judged on its trace view alone (the 2026-11-27 manifests\' rule)', () => {
    const judgement = judge(raw, withWeight(undefined), 0.5, traceRaw, crops);
    expect(judgement.scores).toEqual(trace);
    expect(judgement.score).toBe(ensembleScore(trace, manifest.ensemble.weights));
    expect(judgement.views).toEqual({
      whole,
      trace,
      wholeEnsemble: ensembleScore(whole, manifest.ensemble.weights),
      traceEnsemble: ensembleScore(trace, manifest.ensemble.weights),
      traceWeight: 1,
    });
    expect(judgement.scoredView).toBe('traces');
    // Weight 1 written out is the same judgement, bit for bit.
    expect(judge(raw, withWeight(1), 0.5, traceRaw, crops)).toEqual(judgement);
    expect(judge(raw, manifest, 0.5, traceRaw, crops)).toEqual(judgement);
  });

  it('fuses each model\'s calibrated views: traceWeight x trace + (1 - traceWeight) x whole', () => {
    const judgement = judge(raw, withWeight(0.25), 0.5, traceRaw, crops);
    const expected: ModelScores = {
      svdd: 0.25 * trace.svdd + 0.75 * whole.svdd,
      autoencoder: 0.25 * trace.autoencoder + 0.75 * whole.autoencoder,
    };
    for (const key of MODEL_KEYS) expect(judgement.scores[key]).toBeCloseTo(expected[key], 12);
    expect(judgement.score).toBeCloseTo(ensembleScore(expected, manifest.ensemble.weights), 12);
    // Each view keeps its own scores; the fused ones are in `scores`.
    expect(judgement.views.whole).toEqual(whole);
    expect(judgement.views.trace).toEqual(trace);
    expect(judgement.views.traceWeight).toBe(0.25);
    // ScoredView: the view whose weighted share of the score is larger (0.25 x ~0.88 < 0.75 x ~0.31).
    expect(judgement.scoredView).toBe('image');
    expect(judge(raw, withWeight(0.75), 0.5, traceRaw, crops).scoredView).toBe('traces');
    // Weight 0: the whole view alone, crops still listed.
    const wholeOnly = judge(raw, withWeight(0), 0.5, traceRaw, crops);
    expect(wholeOnly.scores).toEqual(whole);
    expect(wholeOnly.scoredView).toBe('image');
    expect(wholeOnly.crops).toHaveLength(1);
  });

  it('judges a picture without crops on its whole view, whatever the trace weight', () => {
    for (const traceWeight of [undefined, 0, 0.4, 1]) {
      const judgement = judge(raw, withWeight(traceWeight), 0.5);
      expect(judgement.scores).toEqual(whole);
      expect(judgement.views.traceWeight).toBe(0);
      expect(judgement.scoredView).toBe('image');
      expect(judgement.crops).toEqual([]);
    }
  });

  it('takes both manifest fields together, from crop scores to verdict: input.crops.topK and ensemble.traceWeight', () => {
    // Five crops per model: three generated-looking (2 scales above the trace centre), two real-looking (4 below).
    const crop = (key: 'svdd' | 'autoencoder', scales: number) => Math.exp(manifest.calibration[key].trace!.center + scales * manifest.calibration[key].trace!.scale);
    const scales = [2, -4, 2.5, -4, 1.5];
    const batch: RawBatchScores = {
      svdd: Float32Array.from([raw.svdd]),
      autoencoder: Float32Array.from([raw.autoencoder]),
      traceSvdd: Float32Array.from(scales.map((s) => crop('svdd', s))),
      traceAutoencoder: Float32Array.from(scales.map((s) => crop('autoencoder', s))),
    };
    const rows: PictureRows = { row: 0, cropStart: 0, regions: scales.map((_, i) => ({ left: 64 * i, top: 0, detail: 10 - i })) };
    const rule = (aggregate: 'geometric-mean' | 'top-k-log-mean', topK: number | undefined, traceWeight: number | undefined) => {
      const picture = pictureRaw(batch, rows, { size: 128, aggregate, ...(topK === undefined ? {} : { topK }) });
      return judge(picture.raw, withWeight(traceWeight), 0.5, picture.traceRaw, picture.crops);
    };
    // By hand: the mean log over the counted crops, calibrated (logistic of (log - centre) / scale), then fused.
    const byHand = (counted: number[], traceWeight: number) => {
      const scores = Object.fromEntries(MODEL_KEYS.map((key) => {
        const { center, scale } = manifest.calibration[key].trace!;
        const meanLog = counted.reduce((sum, s) => sum + Math.log(crop(key, s)), 0) / counted.length;
        const traceScore = 1 / (1 + Math.exp(-(meanLog - center) / scale));
        return [key, traceWeight * traceScore + (1 - traceWeight) * whole[key]];
      })) as ModelScores;
      return ensembleScore(scores, manifest.ensemble.weights);
    };
    // The old rule: the geometric mean of all five crops, trace view alone; the real-looking crops pull it down.
    const old = rule('geometric-mean', undefined, undefined);
    expect(old.score).toBeCloseTo(byHand(scales, 1), 6);
    // Top 3 alone: the three generated-looking crops (the two others not counted).
    const top3 = rule('top-k-log-mean', 3, 1);
    expect(top3.score).toBeCloseTo(byHand([2, 2.5, 1.5], 1), 6);
    expect(top3.crops.map((c) => c.counted.svdd)).toEqual([true, false, true, false, true]);
    expect(top3.score).toBeGreaterThan(old.score);
    // Top 2 fused at 0.65 with the whole view.
    const fused = rule('top-k-log-mean', 2, 0.65);
    expect(fused.score).toBeCloseTo(byHand([2, 2.5], 0.65), 6);
    expect(fused.views.traceWeight).toBe(0.65);
  });

  it('re-judges fused scores at a new threshold without changing them', () => {
    const judgement = judge(raw, withWeight(0.5), 0.99, traceRaw, crops);
    const lowered = rejudge(judgement, judgement.score);
    expect(lowered.isFake).toBe(true);
    expect(lowered.scores).toEqual(judgement.scores);
    expect(lowered).toEqual(judge(raw, withWeight(0.5), judgement.score, traceRaw, crops));
  });
});

describe('trace curves by crop count (calibration.<model>.trace.singleCrop)', () => {
  const { svdd, autoencoder } = manifest.calibration;
  // A single-crop curve one trace scale higher than the trace curve: the same raw score calibrates lower on it.
  const shifted = (curve: typeof svdd.trace) => ({ ...curve!, singleCrop: { method: 'logistic-of-log' as const, center: curve!.center + curve!.scale, scale: 2 * curve!.scale } });
  const withSingle: Pick<ModelManifest, 'calibration' | 'ensemble'> = {
    calibration: { svdd: { ...svdd, trace: shifted(svdd.trace) }, autoencoder: { ...autoencoder, trace: shifted(autoencoder.trace) } },
    ensemble: manifest.ensemble,
  };
  const without: Pick<ModelManifest, 'calibration' | 'ensemble'> = {
    calibration: { svdd: { ...svdd, trace: { ...svdd.trace!, singleCrop: undefined } }, autoencoder: { ...autoencoder, trace: { ...autoencoder.trace!, singleCrop: undefined } } },
    ensemble: manifest.ensemble,
  };
  const raw = { svdd: Math.exp(svdd.center), autoencoder: Math.exp(autoencoder.center) };
  const traceRaw = { svdd: Math.exp(svdd.trace!.center + 2 * svdd.trace!.scale), autoencoder: Math.exp(autoencoder.trace!.center + 2 * autoencoder.trace!.scale) };
  const crop = (left: number) => ({ left, top: 0, size: 128, raw: traceRaw });

  it('calibrates a picture judged on one crop on its own curve, and one judged on several on the trace curve', () => {
    const one = judge(raw, withSingle, 0.5, traceRaw, [crop(0)]);
    const two = judge(raw, withSingle, 0.5, traceRaw, [crop(0), crop(64)]);
    // One crop: (2 - 1) / 2 trace scales above the single-crop centre; several: 2 scales above the trace centre.
    expect(one.score).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
    expect(two.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    // The crop of a single-crop picture scores what the picture does; each of two crops scores on the trace curve.
    expect(one.crops[0]!.score).toBeCloseTo(one.score, 12);
    expect(two.crops.map((c) => c.score)).toEqual([two.score, two.score]);
  });

  it('keeps the trace curve for a single crop when the manifest has no single-crop curve', () => {
    const one = judge(raw, without, 0.5, traceRaw, [crop(0)]);
    expect(one.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(calibrateTraces(traceRaw, without, 1)).toEqual(calibrateTraces(traceRaw, without, 3));
  });

  it('leaves pictures without crops to the whole-image curve', () => {
    const small = judge(raw, withSingle, 0.5);
    expect(small.score).toBeCloseTo(0.5, 12);
    expect(calibrateTraces(null, withSingle, 0)).toBeNull();
  });
});

describe('trace curves by crop count (calibration.<model>.trace.manyCrops)', () => {
  const { svdd, autoencoder } = manifest.calibration;
  // Curves built here, whatever the shipped manifest holds: the trace curve, and a many-crops curve from 6 crops one
  // trace scale higher with twice the scale, so the same raw score calibrates lower on it.
  const curves = (curve: typeof svdd.trace, many: boolean) => ({
    method: 'logistic-of-log' as const, center: curve!.center, scale: curve!.scale,
    ...(many ? { manyCrops: { method: 'logistic-of-log' as const, center: curve!.center + curve!.scale, scale: 2 * curve!.scale, minCrops: 6 } } : {}),
  });
  const manifestWith = (many: boolean): Pick<ModelManifest, 'calibration' | 'ensemble'> => ({
    calibration: { svdd: { ...svdd, trace: curves(svdd.trace, many) }, autoencoder: { ...autoencoder, trace: curves(autoencoder.trace, many) } },
    ensemble: manifest.ensemble,
  });
  const raw = { svdd: Math.exp(svdd.center), autoencoder: Math.exp(autoencoder.center) };
  const traceRaw = { svdd: Math.exp(svdd.trace!.center + 2 * svdd.trace!.scale), autoencoder: Math.exp(autoencoder.trace!.center + 2 * autoencoder.trace!.scale) };
  const cropsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ left: 64 * i, top: 0, size: 128, raw: traceRaw }));

  it('calibrates a picture judged on minCrops crops or more on the many-crops curve, one judged on fewer on the trace curve', () => {
    const five = judge(raw, manifestWith(true), 0.5, traceRaw, cropsOf(5));
    const six = judge(raw, manifestWith(true), 0.5, traceRaw, cropsOf(6));
    const eight = judge(raw, manifestWith(true), 0.5, traceRaw, cropsOf(8));
    expect(five.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    // (2 - 1) / 2 trace scales above the many-crops centre.
    expect(six.score).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
    expect(eight.score).toBeCloseTo(six.score, 12);
    // Each crop of a many-crops picture is calibrated on the picture's curve.
    expect(six.crops.map((c) => c.score)).toEqual(Array(6).fill(six.score));
  });

  it('keeps the trace curve for many crops when the manifest has no many-crops curve', () => {
    expect(calibrateTraces(traceRaw, manifestWith(false), 8)).toEqual(calibrateTraces(traceRaw, manifestWith(false), 3));
    expect(judge(raw, manifestWith(false), 0.5, traceRaw, cropsOf(8)).score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
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
