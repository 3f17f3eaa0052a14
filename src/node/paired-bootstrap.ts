/**
 * How far apart two model sets' validation criterion can come out by the draw of pictures alone: a paired, stratified
 * bootstrap of compare-validation.ts's shipping criterion (the family-weighted AUROC, families weighted by the square
 * root of their size, averaged over the everyday edits). Each resample draws the real pictures, and each family's
 * generated pictures, with replacement: one draw for both model sets and every edit, so what both sets find hard or
 * easy cancels and only their difference varies. The 2.5th and 97.5th percentiles of the resampled differences are
 * its 95% interval. It measures the sampling of these validation pictures, not how other sources would differ.
 */
import { auroc } from '../detector/metrics';
import { seededRandom } from './datasets';

/** Who each scored picture is: real, or generated of a family. */
export type PictureRole = { label: 'real' } | { label: 'generated'; family: string };

/** Picture indices by stratum: the real ones, and the generated ones of each family. */
interface Strata { real: number[]; families: number[][] }

function strataOf(roles: readonly PictureRole[]): Strata {
  const real: number[] = [];
  const byFamily = new Map<string, number[]>();
  roles.forEach((role, i) => {
    if (role.label === 'real') real.push(i);
    else byFamily.set(role.family, [...(byFamily.get(role.family) ?? []), i]);
  });
  return { real, families: [...byFamily.values()] };
}

/** The criterion over the pictures `strata` names: `scores[edit][picture]`. */
function criterionOf(scores: readonly (readonly number[])[], strata: Strata): number {
  const weights = strata.families.map((family) => Math.sqrt(family.length));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (const perPicture of scores) {
    const real = strata.real.map((i) => perPicture[i]!);
    const weighted = strata.families.reduce((acc, family, f) => acc + weights[f]! * auroc(real, family.map((i) => perPicture[i]!)), 0);
    sum += weighted / totalWeight;
  }
  return sum / scores.length;
}

/** compare-validation's criterion of one model set: `scores[edit][picture]`, pictures in `roles`' order. */
export function validationCriterion(scores: readonly (readonly number[])[], roles: readonly PictureRole[]): number {
  return criterionOf(scores, strataOf(roles));
}

const resample = (indices: readonly number[], random: () => number) => indices.map(() => indices[Math.floor(random() * indices.length)]!);

/**
 * The criterion's difference `candidate - baseline` on these pictures, and its paired bootstrap 95% interval over
 * `resamples` draws (seeded: the same inputs give the same interval).
 */
export function pairedDifference(
  baseline: readonly (readonly number[])[],
  candidate: readonly (readonly number[])[],
  roles: readonly PictureRole[],
  resamples = 1000,
  seed = 20261206,
): { difference: number; interval95: [number, number]; resamples: number } {
  if (baseline.length !== candidate.length) throw new Error('both model sets must be scored under the same edits');
  const strata = strataOf(roles);
  const random = seededRandom(seed);
  const differences: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn: Strata = { real: resample(strata.real, random), families: strata.families.map((family) => resample(family, random)) };
    differences.push(criterionOf(candidate, drawn) - criterionOf(baseline, drawn));
  }
  differences.sort((a, b) => a - b);
  const at = (q: number) => differences[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { difference: criterionOf(candidate, strata) - criterionOf(baseline, strata), interval95: [at(0.025), at(0.975)], resamples };
}
