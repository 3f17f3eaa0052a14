/** The paired bootstrap behind compare-validation's `againstFirst` (src/node/paired-bootstrap.ts). */
import { describe, expect, it } from 'vitest';
import { auroc } from '../../src/detector/metrics';
import { seededRandom } from '../../src/node/datasets';
import { pairedDifference, validationCriterion, type PictureRole } from '../../src/node/paired-bootstrap';

/** 40 real pictures, and generated ones of two families (30 and 10), scored by a model that separates them by `gap`. */
function scenario(seed: number) {
  const random = seededRandom(seed);
  const roles: PictureRole[] = [
    ...Array.from({ length: 40 }, (): PictureRole => ({ label: 'real' })),
    ...Array.from({ length: 30 }, (): PictureRole => ({ label: 'generated', family: 'a' })),
    ...Array.from({ length: 10 }, (): PictureRole => ({ label: 'generated', family: 'b' })),
  ];
  const noise = roles.map(() => random());
  const scored = (gap: number) => roles.map((role, i) => noise[i]! + (role.label === 'generated' ? gap : 0));
  return { roles, scored };
}

describe('paired bootstrap of the validation criterion', () => {
  it('is the family-weighted AUROC averaged over the edits, families weighted by the square root of their size', () => {
    const { roles, scored } = scenario(1);
    const [asIs, edited] = [scored(0.4), scored(0.1)];
    const family = (scores: number[], name: string) => scores.filter((_, i) => roles[i]!.label === 'generated' && (roles[i] as { family: string }).family === name);
    const real = (scores: number[]) => scores.filter((_, i) => roles[i]!.label === 'real');
    const weighted = (scores: number[]) => (Math.sqrt(30) * auroc(real(scores), family(scores, 'a')) + Math.sqrt(10) * auroc(real(scores), family(scores, 'b'))) / (Math.sqrt(30) + Math.sqrt(10));
    expect(validationCriterion([asIs, edited], roles)).toBeCloseTo((weighted(asIs) + weighted(edited)) / 2, 12);
  });

  it('gives two identical model sets a difference of exactly 0 on every resample', () => {
    const { roles, scored } = scenario(2);
    const scores = [scored(0.3), scored(0.2)];
    expect(pairedDifference(scores, scores, roles, 200)).toEqual({ difference: 0, interval95: [0, 0], resamples: 200 });
  });

  it('excludes 0 for a clearly better model set and includes it for one that only differs by noise', () => {
    const { roles, scored } = scenario(3);
    const better = pairedDifference([scored(0.1)], [scored(0.5)], roles, 500);
    expect(better.difference).toBeGreaterThan(0.2);
    expect(better.interval95[0]).toBeGreaterThan(0);
    expect(better.interval95[0]).toBeLessThan(better.difference);
    expect(better.interval95[1]).toBeGreaterThan(better.difference);
    // The same separation with the scores of a few pictures reshuffled: a difference the pictures cannot resolve.
    const base = scored(0.3);
    const random = seededRandom(9);
    const jittered = base.map((score) => score + (random() - 0.5) * 0.05);
    const noise = pairedDifference([base], [jittered], roles, 500);
    expect(noise.interval95[0]).toBeLessThan(0);
    expect(noise.interval95[1]).toBeGreaterThan(0);
    // Seeded: the same inputs give the same interval.
    expect(pairedDifference([base], [jittered], roles, 500)).toEqual(noise);
  });
});
