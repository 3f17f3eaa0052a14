/**
 * The words and geometry the page, the widget and the CLI use to say which evidence carried a score
 * (src/detector/evidence.ts), on judgements made by the real scoring code (judge) with trace calibrations.
 */
import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_SHORT,
  EVIDENCE_WORDS,
  cropBox,
  cropCounted,
  cropCountedWords,
  cropWords,
  cropsByScore,
  evidenceLine,
  viewWeightWords,
  wholeOnlyReason,
} from '../../src/detector/evidence';
import type { ModelManifest } from '../../src/detector/manifest';
import { judge, rejudge } from '../../src/detector/scoring';

/** Calibrations where raw exp(0) -> 0.5 for both views; weights 0.5 / 0.5. */
const curve = { method: 'logistic-of-log' as const, center: 0, scale: 1 };
const manifest: Pick<ModelManifest, 'calibration' | 'ensemble'> = {
  calibration: { svdd: { ...curve, trace: curve }, autoencoder: { ...curve, trace: curve } },
  ensemble: { weights: { svdd: 0.5, autoencoder: 0.5 } },
};
const raw = (logScore: number) => ({ svdd: Math.exp(logScore), autoencoder: Math.exp(logScore) });
const crop = (left: number, top: number, logScore: number) => ({ left, top, size: 128, raw: raw(logScore) });

/** What evidenceLine reads of a judgement: the verdict, the view named, both views' ensembles, the trace view's weight. */
const judged = (isFake: boolean, evidence: 'traces' | 'image', wholeEnsemble: number, traceEnsemble: number | null, traceWeight = traceEnsemble === null ? 0 : 1) =>
  ({ isFake, scoredView: evidence, views: { whole: { svdd: 0, autoencoder: 0 }, trace: null, wholeEnsemble, traceEnsemble, traceWeight } }) as const;
const ALL = { svdd: true, autoencoder: true };

describe('evidenceLine', () => {
  it('names the traces when the crops carried a flagged score', () => {
    expect(evidenceLine(judged(true, 'traces', 0.1, 0.93))).toEqual({ scoredView: 'traces', fired: true, text: 'Generator traces in fine detail (native-resolution crops)' });
    expect(evidenceLine(judged(true, 'traces', 0.1, 0.93), { short: true }).text).toBe(EVIDENCE_SHORT.traces);
    // The whole-image statistics belong to the 'image' case only.
    expect(evidenceLine(judged(true, 'traces', 0.1, 0.93), { unusual: ['much less colour than photos have (−8.2 σ)'] }).text).toBe(EVIDENCE_WORDS.traces);
  });

  it('names the whole picture, with at most two unusual statistics, when it carried a flagged score', () => {
    const unusual = ['much less colour than photos have (−8.2 σ)', 'large areas of pure black (+5.0 σ)', 'unusually flat contrast (−3.1 σ)'];
    expect(evidenceLine(judged(true, 'image', 0.98, null), { unusual }).text).toBe(
      'The picture as a whole is unlike a photograph: much less colour than photos have (−8.2 σ); large areas of pure black (+5.0 σ)',
    );
    expect(evidenceLine(judged(true, 'image', 0.98, 0.2)).text).toBe(EVIDENCE_WORDS.image);
    expect(evidenceLine(judged(true, 'image', 0.98, null), { unusual, short: true }).text).toBe('Unlike a photograph as a whole');
  });

  it('is a quieter line with the score of the view it rests on when nothing is flagged', () => {
    const traces = evidenceLine(judged(false, 'traces', 0.0474, 0.2689));
    expect(traces).toEqual({ scoredView: 'traces', fired: false, text: 'Below the threshold on fine-detail crops (0.269)' });
    expect(evidenceLine(judged(false, 'traces', 0.0474, 0.2689), { short: true }).text).toBe('Judged on fine-detail crops');
    expect(evidenceLine(judged(false, 'image', 0.0474, 0.01)).text).toBe('Below the threshold as a whole (0.047)');
  });

  it('gives both views with their weights when they share the score, since either alone may be above the threshold', () => {
    // traceWeight 0.6: score 0.6 x 0.95 + 0.4 x 0.1 = 0.61, under a 0.9 threshold although the crops alone are not.
    expect(evidenceLine(judged(false, 'traces', 0.1, 0.95, 0.6)).text).toBe(
      'Below the threshold on fine-detail crops (0.950, weight 0.6) and as a whole (0.100, weight 0.4)',
    );
    expect(evidenceLine(judged(false, 'image', 0.8, 0.2, 0.25), { short: true }).text).toBe('Judged on crops and as a whole');
    // Weight 0: the whole picture alone gives the score.
    expect(evidenceLine(judged(false, 'image', 0.3, 0.99, 0)).text).toBe('Below the threshold as a whole (0.300)');
  });

  it('says a picture without crops was judged as a whole', () => {
    expect(evidenceLine(judged(false, 'image', 0.175, null)).text).toBe('Below the threshold as a whole (0.175)');
    expect(evidenceLine(judged(false, 'image', 0.175, null), { short: true }).text).toBe('Judged as a whole');
  });

  it('follows the verdict of a re-judged prediction (same scores, new threshold)', () => {
    const judgement = judge(raw(-3), manifest, 0.5, raw(-1), [crop(0, 0, -1)]);
    expect(evidenceLine(judgement).fired).toBe(false);
    expect(evidenceLine(rejudge(judgement, 0)).fired).toBe(true);
    expect(evidenceLine(rejudge(judgement, 0)).scoredView).toBe(judgement.scoredView);
  });
});

describe('wholeOnlyReason', () => {
  it('tells a small picture from models with one view', () => {
    expect(wholeOnlyReason(32, 32, 128)).toBe('Small picture: judged as a whole (a side under 128 px)');
    expect(wholeOnlyReason(4000, 127, 128)).toMatch(/^Small picture/);
    // 128 px is not small any more: such a picture has one crop, so it is never "too small" for one.
    expect(wholeOnlyReason(128, 128, 128)).toBe('Judged as a whole (no crops)');
    expect(wholeOnlyReason(400, 300, undefined)).toBe('These models judge the picture as a whole only (no crops)');
    expect(wholeOnlyReason(400, 300, 128)).toBe('Judged as a whole (no crops)');
  });
});

describe('crops for the explanation', () => {
  const crops = [
    { left: 0, top: 0, size: 128, score: 0.2, counted: ALL },
    { left: 272, top: 172, size: 128, score: 0.9, counted: ALL },
    { left: 136, top: 0, size: 128, score: 0.2, counted: ALL },
    { left: 136, top: 172, size: 128, score: 0.95, counted: ALL },
  ];

  it('lists them highest score first, ties in pick order, without changing the input', () => {
    const ranked = cropsByScore(crops);
    expect(ranked.map((c) => c.score)).toEqual([0.95, 0.9, 0.2, 0.2]);
    expect(ranked.slice(2).map((c) => c.left)).toEqual([0, 136]);
    expect(crops[0]!.score).toBe(0.2);
  });

  it('places each in percent of the decoded picture, so it scales with any displayed size', () => {
    expect(cropBox(crops[1]!, 400, 300)).toEqual({ left: 68, top: (100 * 172) / 300, width: 32, height: (100 * 128) / 300 });
    // The right and bottom edges of the last window are the picture's.
    const box = cropBox(crops[1]!, 400, 300);
    expect(box.left + box.width).toBeCloseTo(100, 12);
    expect(box.top + box.height).toBeCloseTo(100, 12);
    expect(() => cropBox(crops[0]!, 0, 300)).toThrow(RangeError);
  });

  it('says each in words, with its rank', () => {
    expect(cropWords(crops[3]!, 1)).toBe('1. score 0.950: 128x128 px at x 136, y 172');
  });

  it('gives every judged crop its own calibrated trace ensemble score (judge)', () => {
    const judgement = judge(raw(0), manifest, 0.5, raw(0), [crop(10, 20, 0), crop(150, 20, 2)]);
    expect(judgement.crops).toEqual([
      { left: 10, top: 20, size: 128, score: 0.5, counted: ALL },
      { left: 150, top: 20, size: 128, score: 1 / (1 + Math.exp(-2)), counted: ALL },
    ]);
  });

  it('carries which crops counted under top-k, and says so in words', () => {
    const counted = { svdd: true, autoencoder: false };
    const judgement = judge(raw(0), manifest, 0.5, raw(0), [{ ...crop(10, 20, 0), counted }, { ...crop(150, 20, 2), counted: ALL }]);
    expect(judgement.crops.map((c) => c.counted)).toEqual([counted, ALL]);
    expect(cropCounted(judgement.crops[0]!)).toBe('some');
    expect(cropCounted(judgement.crops[1]!)).toBe('all');
    expect(cropCounted({ counted: { svdd: false, autoencoder: false } })).toBe('none');
    const topK = { aggregate: 'top-k-log-mean' as const, topK: 3 };
    expect(cropCountedWords({ counted: ALL }, topK)).toBe("counted (in both models' top 3)");
    expect(cropCountedWords({ counted: { svdd: false, autoencoder: false } }, topK)).toBe("left out (in neither model's top 3)");
    expect(cropCountedWords({ counted }, topK)).toBe('counted for Deep SVDD only (in its top 3)');
    expect(cropCountedWords({ counted: { svdd: false, autoencoder: true } }, topK)).toBe('counted for the autoencoder only (in its top 3)');
    // Under the geometric mean every crop counts: nothing to say.
    expect(cropCountedWords({ counted: ALL }, { aggregate: 'geometric-mean' })).toBeNull();
    expect(cropCountedWords({ counted: ALL }, undefined)).toBeNull();
  });
});

describe('view weights for the explanation', () => {
  it('labels the whole-picture view with 1 - traceWeight, and the crops with traceWeight', () => {
    const fused = judge(raw(0), { ...manifest, ensemble: { ...manifest.ensemble, traceWeight: 0.7 } }, 0.5, raw(1), [crop(0, 0, 1)]);
    expect(viewWeightWords(fused)).toEqual({
      traces: "Fine-detail crops: weight 0.7 in each model's score",
      image: "Whole picture: weight 0.3 in each model's score",
    });
    const tracesOnly = judge(raw(0), manifest, 0.5, raw(1), [crop(0, 0, 1)]);
    expect(viewWeightWords(tracesOnly).image).toBe('Whole picture: weight 0, shown for reference (the score rests on the crops above)');
    const small = judge(raw(0), manifest, 0.5);
    expect(viewWeightWords(small)).toEqual({ traces: null, image: 'Whole picture: the only view judged (weight 1)' });
  });
});
