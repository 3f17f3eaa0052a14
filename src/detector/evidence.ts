/**
 * Which view of a picture carried its score, in words, and the judged crops in the order a person reads them.
 * Pure and DOM-free: the page's cards and explanation, the widget and the CLI say the same thing.
 *
 * A judgement's `evidence` names the view that gave its score: 'traces' (the native-resolution crops of a picture
 * larger than the crop size, where generator upsampling and decoder fingerprints live) or 'image' (the whole
 * picture, area-averaged, for pictures up to the crop size: unlike a photograph, or a generated thumbnail).
 * Either is a reason to look closer, never proof.
 */
import type { Evidence, JudgedCrop, Judgement } from './scoring';

/** What fired, as a sentence start, for a flagged picture. */
export const EVIDENCE_WORDS: Readonly<Record<Evidence, string>> = {
  traces: 'Generator traces in fine detail (native-resolution crops)',
  image: 'The picture as a whole is unlike a photograph',
};

/** The same, as a few words for narrow places (the widget's 320 px frame). */
export const EVIDENCE_SHORT: Readonly<Record<Evidence, string>> = {
  traces: 'Generator traces in fine detail',
  image: 'Unlike a photograph as a whole',
};

export interface EvidenceLine {
  evidence: Evidence;
  /** true: the picture is flagged and this is why; false: the quieter line under a "likely real" verdict. */
  fired: boolean;
  text: string;
}

const fixed = (value: number) => value.toFixed(3);

/**
 * The evidence line of a judgement. Flagged: what fired, with the whole-image statistics that are off when they
 * are known (`unusual`, from describeStatistics) for the 'image' case. Not flagged: quietly, the view the score
 * rests on and that view's ensemble, which is below the threshold whatever rule combines the views (the score is
 * at least that view's ensemble and is below the threshold).
 */
export function evidenceLine(
  judgement: Pick<Judgement, 'isFake' | 'evidence' | 'views'>,
  { unusual = [], short = false }: { unusual?: readonly string[]; short?: boolean } = {},
): EvidenceLine {
  const { evidence, isFake, views } = judgement;
  if (isFake) {
    let text = (short ? EVIDENCE_SHORT : EVIDENCE_WORDS)[evidence];
    if (evidence === 'image' && unusual.length > 0 && !short) text += `: ${unusual.slice(0, 2).join('; ')}`;
    return { evidence, fired: true, text };
  }
  if (evidence === 'traces' && views.traceEnsemble !== null) {
    return { evidence, fired: false, text: short ? 'Judged on fine-detail crops' : `Below the threshold on fine-detail crops (${fixed(views.traceEnsemble)})` };
  }
  return { evidence, fired: false, text: short ? 'Judged as a whole' : `Below the threshold as a whole (${fixed(views.wholeEnsemble)})` };
}

/**
 * Why a picture has no crops. `cropSize` is the manifest's `input.crops.size`, undefined for models with one view.
 */
export function wholeOnlyReason(width: number, height: number, cropSize: number | undefined): string {
  if (cropSize === undefined) return 'These models judge the picture as a whole only (no crops)';
  if (Math.min(width, height) <= cropSize) return `Small picture: judged as a whole (a side of at most ${cropSize} px)`;
  return 'Judged as a whole (no crops)';
}

/** The crops, highest score first; equal scores keep their pick order (most detail first). */
export function cropsByScore(crops: readonly JudgedCrop[]): JudgedCrop[] {
  return crops
    .map((crop, pick) => ({ crop, pick }))
    .sort((a, b) => b.crop.score - a.crop.score || a.pick - b.pick)
    .map(({ crop }) => crop);
}

/** A crop's place as percentages of the decoded picture, so it lands right on a thumbnail of any displayed size. */
export function cropBox(crop: Pick<JudgedCrop, 'left' | 'top' | 'size'>, width: number, height: number): { left: number; top: number; width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`picture size ${width}x${height}`);
  return {
    left: (100 * crop.left) / width,
    top: (100 * crop.top) / height,
    width: (100 * crop.size) / width,
    height: (100 * crop.size) / height,
  };
}

/** One crop in words, for the list beside the rectangles and for screen readers. */
export function cropWords(crop: JudgedCrop, rank: number): string {
  return `${rank}. score ${fixed(crop.score)}: ${crop.size}x${crop.size} px at x ${crop.left}, y ${crop.top}`;
}
