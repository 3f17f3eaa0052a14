/**
 * Detection metrics shared by `npm run models:eval`, the page's evaluation mode and the tests.
 * Convention: a higher score means "more likely fake"; label true = fake (positive class).
 */

export interface LabelledScore {
  score: number;
  isFake: boolean;
}

/** Area under the ROC curve by the rank-sum (Mann-Whitney U) statistic; ties count one half. */
export function auroc(realScores: ArrayLike<number>, fakeScores: ArrayLike<number>): number {
  const nReal = realScores.length;
  const nFake = fakeScores.length;
  if (nReal === 0 || nFake === 0) return Number.NaN;
  const all: { score: number; fake: boolean }[] = [];
  for (let i = 0; i < nReal; i++) all.push({ score: realScores[i]!, fake: false });
  for (let i = 0; i < nFake; i++) all.push({ score: fakeScores[i]!, fake: true });
  all.sort((a, b) => a.score - b.score);
  let fakeRankSum = 0;
  for (let start = 0; start < all.length; ) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.score === all[start]!.score) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (all[i]!.fake) fakeRankSum += meanRank;
    start = end + 1;
  }
  return (fakeRankSum - (nFake * (nFake + 1)) / 2) / (nReal * nFake);
}

export interface Confusion {
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
}

export function confusionAt(items: readonly LabelledScore[], threshold: number): Confusion {
  const confusion: Confusion = { truePositive: 0, falsePositive: 0, trueNegative: 0, falseNegative: 0 };
  for (const { score, isFake } of items) {
    const flagged = score >= threshold;
    if (flagged && isFake) confusion.truePositive++;
    else if (flagged) confusion.falsePositive++;
    else if (isFake) confusion.falseNegative++;
    else confusion.trueNegative++;
  }
  return confusion;
}

export interface ClassificationMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  falsePositiveRate: number;
}

export function classificationMetrics(c: Confusion): ClassificationMetrics {
  const total = c.truePositive + c.falsePositive + c.trueNegative + c.falseNegative;
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(c.truePositive, c.truePositive + c.falsePositive);
  const recall = ratio(c.truePositive, c.truePositive + c.falseNegative);
  return {
    accuracy: ratio(c.truePositive + c.trueNegative, total),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    falsePositiveRate: ratio(c.falsePositive, c.falsePositive + c.trueNegative),
  };
}

export interface RocPoint {
  threshold: number;
  falsePositiveRate: number;
  truePositiveRate: number;
}

/** ROC curve: one point per distinct score (flagged when score >= threshold), from (0,0) to (1,1). */
export function rocCurve(items: readonly LabelledScore[]): RocPoint[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((item) => item.isFake).length;
  const negatives = sorted.length - positives;
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, falsePositiveRate: 0, truePositiveRate: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.isFake) tp++;
    else fp++;
    if (i + 1 < sorted.length && sorted[i + 1]!.score === sorted[i]!.score) continue;
    points.push({
      threshold: sorted[i]!.score,
      falsePositiveRate: negatives ? fp / negatives : 0,
      truePositiveRate: positives ? tp / positives : 0,
    });
  }
  return points;
}

/** Threshold that maximises F1 or Youden's J (TPR - FPR) over the observed scores. */
export function suggestThreshold(items: readonly LabelledScore[], criterion: 'f1' | 'youden'): { threshold: number; value: number } {
  let best = { threshold: 0.5, value: Number.NEGATIVE_INFINITY };
  for (const point of rocCurve(items)) {
    if (!Number.isFinite(point.threshold)) continue;
    const value =
      criterion === 'youden'
        ? point.truePositiveRate - point.falsePositiveRate
        : classificationMetrics(confusionAt(items, point.threshold)).f1;
    if (value > best.value) best = { threshold: point.threshold, value };
  }
  return best;
}

export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** How many of `values` are at or above `threshold` (the numerator of shareAtOrAbove). */
export function countAtOrAbove(values: ArrayLike<number>, threshold: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! >= threshold) count++;
  return count;
}

export function shareAtOrAbove(values: ArrayLike<number>, threshold: number): number {
  return values.length ? countAtOrAbove(values, threshold) / values.length : Number.NaN;
}

/** The normal distribution's two-sided 95% quantile. */
const Z95 = 1.959964;

/**
 * Wilson score interval (95%) of a share: `successes` of `count`. Unlike share +/- 1.96 standard errors it stays in
 * [0, 1] and is not empty at 0 of n: 0 of 12 phone photos flagged still allows up to 24%. Null when `count` is 0.
 */
export function shareInterval95(successes: number, count: number): [number, number] | null {
  if (count <= 0) return null;
  const share = successes / count;
  const z2 = Z95 * Z95;
  const centre = (share + z2 / (2 * count)) / (1 + z2 / count);
  const half = (Z95 / (1 + z2 / count)) * Math.sqrt((share * (1 - share)) / count + z2 / (4 * count * count));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** How many of the ascending `sorted` are below `value`, ties counted one half. */
function placement(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) { const mid = (low + high) >> 1; if (sorted[mid]! < value) low = mid + 1; else high = mid; }
  let end = low;
  while (end < sorted.length && sorted[end] === value) end++;
  return low + (end - low) / 2;
}

const sampleVariance = (values: readonly number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
};

/**
 * 95% interval of the AUROC by DeLong's variance (DeLong, DeLong and Clarke-Pearson 1988: the variance of the
 * Mann-Whitney statistic from each picture's placement among the other class), normal and clipped to [0, 1], as R's
 * pROC computes it by default. Null with fewer than two scores in either class. It measures the sampling of these
 * pictures only, not how far other sources or generators would differ.
 */
export function aurocInterval95(realScores: ArrayLike<number>, fakeScores: ArrayLike<number>): [number, number] | null {
  const real = Array.from(realScores).sort((a, b) => a - b);
  const fake = Array.from(fakeScores).sort((a, b) => a - b);
  if (real.length < 2 || fake.length < 2) return null;
  const fakePlacements = fake.map((score) => placement(real, score) / real.length); // share of reals each fake outscores
  const realPlacements = real.map((score) => 1 - placement(fake, score) / fake.length); // share of fakes above each real
  const area = fakePlacements.reduce((a, b) => a + b, 0) / fake.length;
  const variance = sampleVariance(fakePlacements) / fake.length + sampleVariance(realPlacements) / real.length;
  const half = Z95 * Math.sqrt(variance);
  return [Math.max(0, area - half), Math.min(1, area + half)];
}

/** AUROC of labelled scores (fake = positive). */
export function aurocOf(items: readonly LabelledScore[]): number {
  return auroc(
    items.filter((item) => !item.isFake).map((item) => item.score),
    items.filter((item) => item.isFake).map((item) => item.score),
  );
}

/** Everything about one threshold on a labelled set: the confusion matrix and the rates derived from it. */
export interface OperatingPoint extends ClassificationMetrics {
  threshold: number;
  confusion: Confusion;
}

export function operatingPoint(items: readonly LabelledScore[], threshold: number): OperatingPoint {
  const confusion = confusionAt(items, threshold);
  return { threshold, confusion, ...classificationMetrics(confusion) };
}

/**
 * Share of items on which two scorers, each judged on its own score at the threshold, give the same verdict
 * (the reference card's "model agreement").
 */
export function agreementRate(pairs: ReadonlyArray<readonly [number, number]>, threshold: number): number {
  if (pairs.length === 0) return Number.NaN;
  let agree = 0;
  for (const [a, b] of pairs) if (a >= threshold === b >= threshold) agree++;
  return agree / pairs.length;
}

export interface Histogram {
  /** Bin edges, bins + 1 of them, from min to max. */
  edges: number[];
  counts: number[];
}

/** Equal-width bins over [min, max]; values outside are clamped into the end bins, NaN is skipped. */
export function histogram(values: ArrayLike<number>, bins: number, min = 0, max = 1): Histogram {
  if (!(bins >= 1) || !(max > min)) throw new RangeError('histogram needs bins >= 1 and max > min');
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((value - min) / width)));
    counts[bin]!++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width), counts };
}

/** What flaggedByView reads of a judgement: its ensemble score and each view's ensemble alone (Judgement.views). */
export interface ViewedScore {
  score: number;
  views: { wholeEnsemble: number; traceEnsemble: number | null };
}

export interface FlaggedByView {
  pictures: number;
  /** Pictures that had crops (a trace view). */
  withCrops: number;
  /** Of the pictures with crops, the share whose trace view alone reaches the threshold; null when none had crops. */
  trace: number | null;
  /** Of all pictures, the share whose whole-image view alone reaches the threshold. */
  whole: number;
  /**
   * Of the pictures with crops, the share whose verdict the trace view decided: flagged, where the whole-image view
   * alone would not have flagged it, or not flagged where it would have. null when none had crops.
   */
  traceDecided: number | null;
}

/**
 * Which view's evidence flags pictures, view by view, at `threshold`. Unlike the view a score rests on
 * (Judgement.scoredView, 'traces' for every picture with crops when the trace view alone gives the score), each
 * share can be anything from 0 to 1 whatever the fusion rule: it measures the views, not the picture's size.
 */
export function flaggedByView(items: readonly ViewedScore[], threshold: number): FlaggedByView {
  const withCrops = items.filter((item) => item.views.traceEnsemble !== null);
  const share = (count: number, of: number) => (of === 0 ? null : count / of);
  const wholeFlags = (item: ViewedScore) => item.views.wholeEnsemble >= threshold;
  return {
    pictures: items.length,
    withCrops: withCrops.length,
    trace: share(withCrops.filter((item) => item.views.traceEnsemble! >= threshold).length, withCrops.length),
    whole: share(items.filter(wholeFlags).length, items.length) ?? Number.NaN,
    traceDecided: share(withCrops.filter((item) => item.score >= threshold !== wholeFlags(item)).length, withCrops.length),
  };
}
