/**
 * Which view of a picture carried its score, in words, and the judged crops in the order a person reads them.
 * Pure and DOM-free: the page's cards and explanation, the widget and the CLI say the same thing.
 *
 * A judgement's `scoredView` names the view that carried its score: 'traces' (the native-resolution crops of a
 * picture at least the crop size on both sides, where generator upsampling and decoder fingerprints live) or
 * 'image' (the whole picture, area-averaged: unlike a photograph, or a generated thumbnail; the only view of a
 * picture smaller than the crop size). When the manifest fuses both views (`ensemble.traceWeight` under 1), it
 * is the view whose weighted share of the score is larger. Either is a reason to look closer, never proof.
 */
import type { CropAggregation, ScoredView, JudgedCrop, Judgement } from './scoring';

/** What fired, as a sentence start, for a flagged picture. */
export const EVIDENCE_WORDS: Readonly<Record<ScoredView, string>> = {
  traces: 'Generator traces in fine detail (native-resolution crops)',
  image: 'The picture as a whole is unlike a photograph',
};

/** The same, as a few words for narrow places (the widget's 320 px frame). */
export const EVIDENCE_SHORT: Readonly<Record<ScoredView, string>> = {
  traces: 'Generator traces in fine detail',
  image: 'Unlike a photograph as a whole',
};

export interface EvidenceLine {
  /** The view the score rests on (Judgement.scoredView). */
  scoredView: ScoredView;
  /** true: the picture is flagged and this is why; false: the quieter line under a "No sign of generation found" verdict. */
  fired: boolean;
  text: string;
}

const fixed = (value: number) => value.toFixed(3);

/** A view's weight as people write it: 0.3, 0.75, 1. */
export const weightText = (weight: number) => String(+weight.toFixed(2));

/**
 * The evidence line of a judgement. Flagged: what fired, with the whole-image statistics that are off when they
 * are known (`unusual`, from describeStatistics) for the 'image' case. Not flagged: quietly, the view the score
 * rests on and that view's ensemble, which then is the score itself and so below the threshold; when both views
 * share the score (a trace weight strictly between 0 and 1), both ensembles with their weights, since either
 * alone may be above the threshold.
 */
export function evidenceLine(
  judgement: Pick<Judgement, 'isFake' | 'scoredView' | 'views'>,
  { unusual = [], short = false }: { unusual?: readonly string[]; short?: boolean } = {},
): EvidenceLine {
  const { scoredView, isFake, views } = judgement;
  if (isFake) {
    let text = (short ? EVIDENCE_SHORT : EVIDENCE_WORDS)[scoredView];
    if (scoredView === 'image' && unusual.length > 0 && !short) text += `: ${unusual.slice(0, 2).join('; ')}`;
    return { scoredView, fired: true, text };
  }
  const { traceEnsemble, traceWeight } = views;
  if (traceEnsemble !== null && traceWeight > 0 && traceWeight < 1) {
    return {
      scoredView,
      fired: false,
      text: short
        ? 'Judged on crops and as a whole'
        : `Below the threshold on fine-detail crops (${fixed(traceEnsemble)}, weight ${weightText(traceWeight)}) and as a whole (${fixed(views.wholeEnsemble)}, weight ${weightText(1 - traceWeight)})`,
    };
  }
  if (scoredView === 'traces' && traceEnsemble !== null) {
    return { scoredView, fired: false, text: short ? 'Judged on fine-detail crops' : `Below the threshold on fine-detail crops (${fixed(traceEnsemble)})` };
  }
  return { scoredView, fired: false, text: short ? 'Judged as a whole' : `Below the threshold as a whole (${fixed(views.wholeEnsemble)})` };
}

/**
 * What each view weighs in a judgement's model scores, in words, for the explanation: the crops' share and the
 * whole picture's (1 - traceWeight). A picture without crops has the whole picture as its only view.
 */
export function viewWeightWords(judgement: Pick<Judgement, 'views' | 'crops'>): { traces: string | null; image: string } {
  const { traceWeight, trace } = judgement.views;
  if (trace === null) return { traces: null, image: 'Whole picture: the only view judged (weight 1)' };
  const image = 1 - traceWeight;
  return {
    traces: `Fine-detail crops: weight ${weightText(traceWeight)} in each model's score`,
    image:
      image === 0
        ? 'Whole picture: weight 0, shown for reference (the score rests on the crops above)'
        : `Whole picture: weight ${weightText(image)} in each model's score`,
  };
}

/**
 * Why a picture has no crops. `cropSize` is the manifest's `input.crops.size`, undefined for models with one view.
 */
export function wholeOnlyReason(width: number, height: number, cropSize: number | undefined): string {
  if (cropSize === undefined) return 'These models judge the picture as a whole only (no crops)';
  if (Math.min(width, height) < cropSize) return `Small picture: judged as a whole (a side under ${cropSize} px)`;
  return 'Judged as a whole (no crops)';
}

/** The crops, highest score first; equal scores keep their pick order (most detail first). */
export function cropsByScore<T extends Pick<JudgedCrop, 'score'>>(crops: readonly T[]): T[] {
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
export function cropWords(crop: Pick<JudgedCrop, 'left' | 'top' | 'size' | 'score'>, rank: number): string {
  return `${rank}. score ${fixed(crop.score)}: ${crop.size}x${crop.size} px at x ${crop.left}, y ${crop.top}`;
}

/** Whether a crop counted towards the models' trace scores: 'all' (both), 'some' (one model only) or 'none'. */
export function cropCounted(crop: Pick<JudgedCrop, 'counted'>): 'all' | 'some' | 'none' {
  const { svdd, autoencoder } = crop.counted;
  return svdd && autoencoder ? 'all' : svdd || autoencoder ? 'some' : 'none';
}

/**
 * Under 'top-k-log-mean', whether a crop counted, in words (null under 'geometric-mean', where every crop counts).
 * Each model keeps its own topK largest crop scores, so a crop can count for one model only.
 */
export function cropCountedWords(crop: Pick<JudgedCrop, 'counted'>, aggregation: CropAggregation | undefined): string | null {
  if (aggregation?.aggregate !== 'top-k-log-mean') return null;
  const top = `top ${aggregation.topK ?? ''}`.trim();
  switch (cropCounted(crop)) {
    case 'all':
      return `counted (in both models' ${top})`;
    case 'none':
      return `left out (in neither model's ${top})`;
    default:
      return crop.counted.svdd ? `counted for Deep SVDD only (in its ${top})` : `counted for the autoencoder only (in its ${top})`;
  }
}
