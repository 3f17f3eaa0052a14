import { describe, expect, it } from 'vitest';
import type { LabelledScore } from '../../src/detector/metrics';
import {
  agreementRate, auroc, aurocInterval95, aurocOf, classificationMetrics, confusionAt, countAtOrAbove, flaggedByView, histogram, operatingPoint, quantile, rocCurve,
  shareAtOrAbove, shareInterval95, suggestThreshold,
} from '../../src/detector/metrics';
import { judge } from '../../src/detector/scoring';
import { shippedManifest } from './helpers';

const items = (real: number[], fake: number[]): LabelledScore[] => [
  ...real.map((score) => ({ score, isFake: false })),
  ...fake.map((score) => ({ score, isFake: true })),
];

/** AUROC by counting every (real, fake) pair: the definition the rank-sum formula must match. */
function pairwiseAuroc(real: number[], fake: number[]): number {
  let wins = 0;
  for (const r of real) for (const f of fake) wins += f > r ? 1 : f === r ? 0.5 : 0;
  return wins / (real.length * fake.length);
}

/** Trapezoid area under the ROC points. */
function rocArea(points: { falsePositiveRate: number; truePositiveRate: number }[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += (points[i]!.falsePositiveRate - points[i - 1]!.falsePositiveRate) * (points[i]!.truePositiveRate + points[i - 1]!.truePositiveRate) / 2;
  }
  return area;
}

describe('auroc', () => {
  it('is 1 for perfect separation, 0 for inverted, 0.5 for all ties, NaN without one class', () => {
    expect(auroc([0.1, 0.2], [0.8, 0.9])).toBe(1);
    expect(auroc([0.8, 0.9], [0.1, 0.2])).toBe(0);
    expect(auroc([0.5, 0.5], [0.5, 0.5, 0.5])).toBe(0.5);
    expect(auroc([], [0.3])).toBeNaN();
  });

  it('equals the pairwise count and the trapezoid area under rocCurve, with ties', () => {
    const real = [0.1, 0.4, 0.4, 0.35, 0.8, 0.2, 0.6];
    const fake = [0.4, 0.9, 0.7, 0.35, 0.95];
    const expected = pairwiseAuroc(real, fake);
    expect(auroc(real, fake)).toBeCloseTo(expected, 12);
    expect(aurocOf(items(real, fake))).toBeCloseTo(expected, 12);
    expect(rocArea(rocCurve(items(real, fake)))).toBeCloseTo(expected, 12);
  });
});

/** DeLong's variance by the definition: every (real, fake) pair's kernel, averaged per picture of each class. */
function pairwiseDelongVariance(real: number[], fake: number[]): number {
  const kernel = (r: number, f: number) => (f > r ? 1 : f === r ? 0.5 : 0);
  const perFake = fake.map((f) => real.reduce((sum, r) => sum + kernel(r, f), 0) / real.length);
  const perReal = real.map((r) => fake.reduce((sum, f) => sum + kernel(r, f), 0) / fake.length);
  const variance = (v: number[]) => { const m = v.reduce((a, b) => a + b, 0) / v.length; return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1); };
  return variance(perFake) / fake.length + variance(perReal) / real.length;
}

/** A seeded standard normal (mulberry32 + Box-Muller): the coverage test is the same on every run. */
function normals(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('95% intervals (report.json: how far a figure of a few pictures can be trusted)', () => {
  it('gives a share the Wilson interval: not empty at 0 of n, inside [0, 1], null without pictures', () => {
    const [low, high] = shareInterval95(1, 12)!;
    expect(low).toBeCloseTo(0.01487, 4);
    expect(high).toBeCloseTo(0.35388, 4);
    expect(shareInterval95(0, 12)![0]).toBe(0);
    expect(shareInterval95(0, 12)![1]).toBeCloseTo(0.24249, 4);
    expect(shareInterval95(12, 12)![1]).toBe(1);
    expect(shareInterval95(0, 0)).toBeNull();
    expect(countAtOrAbove([0.2, 0.5, 0.5, 0.9], 0.5)).toBe(3);
  });

  it("computes DeLong's AUROC variance from placements exactly as from every pair, ties included", () => {
    const real = [0.1, 0.3, 0.3, 0.45, 0.5, 0.62, 0.7, 0.7];
    const fake = [0.3, 0.5, 0.55, 0.7, 0.8, 0.9];
    const [low, high] = aurocInterval95(real, fake)!;
    const area = pairwiseAuroc(real, fake);
    const half = 1.959964 * Math.sqrt(pairwiseDelongVariance(real, fake));
    expect(low).toBeCloseTo(area - half, 10);
    expect(high).toBeCloseTo(Math.min(1, area + half), 10);
    expect(half).toBeGreaterThan(0.2); // 8 + 6 scores resolve little
    expect(aurocInterval95([0.1], fake)).toBeNull();
    expect(aurocInterval95(real, [0.9])).toBeNull();
    expect(aurocInterval95([0.1, 0.2], [0.8, 0.9])).toEqual([1, 1]);
  });

  it('covers the true AUROC about 95% of the time (40 + 40 scores, normal classes one standard deviation apart)', () => {
    const draw = normals(20261206);
    const trueArea = 0.76025; // P(fake > real) = Phi(1 / sqrt 2)
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const real = Array.from({ length: 40 }, draw);
      const fake = Array.from({ length: 40 }, () => draw() + 1);
      const [low, high] = aurocInterval95(real, fake)!;
      if (low <= trueArea && trueArea <= high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.91);
    expect(covered / trials).toBeLessThan(0.985);
  });
});

describe('rocCurve', () => {
  it('runs from (0,0) to (1,1), one point per distinct score, monotone', () => {
    const points = rocCurve(items([0.1, 0.3, 0.3], [0.3, 0.9]));
    expect(points[0]).toMatchObject({ falsePositiveRate: 0, truePositiveRate: 0 });
    expect(points.at(-1)).toMatchObject({ falsePositiveRate: 1, truePositiveRate: 1 });
    expect(points.map((p) => p.threshold)).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.3, 0.1]);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.falsePositiveRate).toBeGreaterThanOrEqual(points[i - 1]!.falsePositiveRate);
      expect(points[i]!.truePositiveRate).toBeGreaterThanOrEqual(points[i - 1]!.truePositiveRate);
    }
  });
});

describe('confusion and rates', () => {
  const set = items([0.1, 0.6, 0.2, 0.3], [0.7, 0.5, 0.2]);

  it('flags at score >= threshold', () => {
    expect(confusionAt(set, 0.5)).toEqual({ truePositive: 2, falsePositive: 1, trueNegative: 3, falseNegative: 1 });
    expect(confusionAt(set, 0.2)).toEqual({ truePositive: 3, falsePositive: 3, trueNegative: 1, falseNegative: 0 });
  });

  it('derives accuracy, precision, recall, F1 and false-positive rate; empty denominators give 0', () => {
    const point = operatingPoint(set, 0.5);
    expect(point.threshold).toBe(0.5);
    expect(point.accuracy).toBeCloseTo(5 / 7, 12);
    expect(point.precision).toBeCloseTo(2 / 3, 12);
    expect(point.recall).toBeCloseTo(2 / 3, 12);
    expect(point.f1).toBeCloseTo(2 / 3, 12);
    expect(point.falsePositiveRate).toBeCloseTo(1 / 4, 12);
    expect(classificationMetrics({ truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 })).toEqual({
      accuracy: 0, precision: 0, recall: 0, f1: 0, falsePositiveRate: 0,
    });
  });
});

describe('suggestThreshold', () => {
  it('finds the separating threshold when one exists', () => {
    const set = items([0.1, 0.2, 0.3], [0.6, 0.7]);
    expect(suggestThreshold(set, 'f1')).toEqual({ threshold: 0.6, value: 1 });
    expect(suggestThreshold(set, 'youden')).toEqual({ threshold: 0.6, value: 1 });
  });

  it('maximises its criterion over every observed score', () => {
    const set = items([0.1, 0.45, 0.2, 0.55, 0.3], [0.4, 0.5, 0.9, 0.35]);
    for (const criterion of ['f1', 'youden'] as const) {
      const best = suggestThreshold(set, criterion);
      for (const { score } of set) {
        const point = operatingPoint(set, score);
        const value = criterion === 'f1' ? point.f1 : point.recall - point.falsePositiveRate;
        expect(value).toBeLessThanOrEqual(best.value + 1e-12);
      }
    }
  });
});

describe('agreementRate', () => {
  it('counts pairs judged the same way on each side of the threshold', () => {
    expect(agreementRate([[0.9, 0.95], [0.1, 0.2], [0.9, 0.1], [0.5, 0.49]], 0.5)).toBe(0.5);
    expect(agreementRate([], 0.5)).toBeNaN();
  });
});

describe('histogram', () => {
  it('bins [min, max] equally, clamps the ends, skips NaN', () => {
    const { edges, counts } = histogram([0, 0.05, 0.1, 0.5, 0.99, 1, 1.2, -0.1, Number.NaN], 10);
    expect(edges).toHaveLength(11);
    expect(edges[0]).toBe(0);
    expect(edges[10]).toBeCloseTo(1, 12);
    expect(counts).toEqual([3, 1, 0, 0, 0, 1, 0, 0, 0, 3]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(() => histogram([1], 0)).toThrow(RangeError);
  });
});

describe('quantile and shareAtOrAbove', () => {
  it('interpolates linearly and counts at-or-above', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNaN();
    expect(shareAtOrAbove([0.1, 0.5, 0.9, 0.5], 0.5)).toBe(0.75);
  });
});

describe('flaggedByView (report.json: which view flags generated pictures)', () => {
  const manifest = shippedManifest();
  const { svdd, autoencoder } = manifest.calibration;
  /** Raw scores `w` scales from the whole-image centres and `t` from the trace centres (null: no crops). */
  const picture = (w: number, t: number | null, traceWeight?: number) =>
    judge(
      { svdd: Math.exp(svdd.center + w * svdd.scale), autoencoder: Math.exp(autoencoder.center + w * autoencoder.scale) },
      { calibration: manifest.calibration, ensemble: traceWeight === undefined ? manifest.ensemble : { ...manifest.ensemble, traceWeight } },
      0.5,
      t === null ? null : { svdd: Math.exp(svdd.trace!.center + t * svdd.trace!.scale), autoencoder: Math.exp(autoencoder.trace!.center + t * autoencoder.trace!.scale) },
    );

  it('counts each view on its own: neither share is 1 just because every picture has crops', () => {
    // Four pictures with crops, judged on the trace view alone (the shipped rule): flagged by the traces only (2),
    // by the whole view only (1: not flagged, the traces decided), by both (1: the traces changed nothing).
    const judged = [picture(-2, 2), picture(-3, 1), picture(2, -2), picture(3, 3)];
    expect(judged.every((j) => j.scoredView === 'traces')).toBe(true);
    expect(flaggedByView(judged, 0.5)).toEqual({ pictures: 4, withCrops: 4, trace: 0.75, whole: 0.5, traceDecided: 0.75 });
  });

  it('leaves the trace view out for pictures without crops, and says so with null when none has any', () => {
    expect(flaggedByView([picture(2, null), picture(-2, null)], 0.5)).toEqual({ pictures: 2, withCrops: 0, trace: null, whole: 0.5, traceDecided: null });
    expect(flaggedByView([picture(2, null), picture(-2, 2)], 0.5)).toEqual({ pictures: 2, withCrops: 1, trace: 1, whole: 0.5, traceDecided: 1 });
  });

  it('counts a fused verdict the traces changed, and not one they left as the whole view had it', () => {
    // traceWeight 0.5: a whole-view 0.27 and a trace 0.95 fuse above 0.5 (traces decided); both high (not decided).
    const judged = [picture(-1, 3, 0.5), picture(3, 3, 0.5), picture(-3, -3, 0.5)];
    expect(judged.map((j) => j.isFake)).toEqual([true, true, false]);
    expect(flaggedByView(judged, 0.5)).toMatchObject({ trace: 2 / 3, whole: 1 / 3, traceDecided: 1 / 3 });
  });
});
