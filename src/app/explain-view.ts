/**
 * Draws an explanation: which evidence carried the score, then what was judged, each view with its weight in the
 * models' scores: the native-resolution crops (outlined on a thumbnail of the whole picture, with their scores and,
 * under top-k aggregation, whether each counted; listed highest first), and the whole-image view (the 128x128
 * centre square) with the autoencoder's per-pixel error as a heat overlay that can be toggled, next to the
 * autoencoder's reconstruction.
 */
import type { Explanation, Prediction, RgbaPixels } from '../detector';
import { describeStatistics, errorMapToRgba } from '../detector';
import { cropBox, cropCounted, cropCountedWords, cropWords, cropsByScore, viewWeightWords, wholeOnlyReason } from '../detector/evidence';
import type { CropAggregation } from '../detector/scoring';
import { drawThumbnail, evidenceElement } from './cards';

/** Longest side of the picture the crops are outlined on, in pixels (it is shown smaller on narrow screens). */
const CROPS_PICTURE_SIDE = 320;

function canvasOf(pixels: RgbaPixels, className: string, label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const context = canvas.getContext('2d');
  context?.putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0);
  return canvas;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface ExplanationContext {
  /** The picture's file: a thumbnail of it goes under the crop rectangles. Without it they are drawn on a plain ground. */
  file?: Blob;
  /** The models' crop size (manifest `input.crops.size`); undefined for models that judge the whole picture only. */
  cropSize?: number;
  /** How the crops' scores make the trace score (manifest `input.crops`): under top-k, which crops counted is shown. */
  aggregation?: CropAggregation;
  /** false: leave out the evidence line (a card shows it in its body). Default true. */
  evidenceLine?: boolean;
}

/**
 * The judged crops: rectangles over the picture at their places (percentages of the decoded picture, so they scale
 * with whatever size the thumbnail is shown at), each with its rank and score, and the same as a list, highest
 * first, which is also what a screen reader gets; under top-k aggregation a crop that no model counted is dashed,
 * and the list says for each whether it counted. A picture with no crops says why in one line.
 */
function cropsView(prediction: Prediction, name: string, context: ExplanationContext): HTMLElement {
  const section = element('div', 'explain-crops');
  section.dataset.crops = String(prediction.crops.length);
  if (prediction.crops.length === 0) {
    section.append(element('p', 'crops-none hint', `${wholeOnlyReason(prediction.width, prediction.height, context.cropSize)}.`));
    return section;
  }
  const ranked = cropsByScore(prediction.crops);
  const size = ranked[0]!.size;
  const listId = `crop-list-${++viewIds}`;
  const weight = element('p', 'view-weight view-weight-traces', viewWeightWords(prediction).traces ?? '');
  weight.dataset.weight = String(prediction.views.traceWeight);
  const topK = context.aggregation?.aggregate === 'top-k-log-mean' ? context.aggregation.topK : undefined;
  const heading = element(
    'p',
    'crops-heading hint',
    `The ${ranked.length} native-resolution crops judged (${size}x${size} px, picked by fine detail), trace score 0..1, highest first` +
      (topK === undefined
        ? ':'
        : `; each model's trace score is the geometric mean of its ${topK} highest crop scores, so a crop outside them (dashed) did not count:`),
  );

  const picture = element('div', 'crops-picture');
  // At most 16rem on its longer side, its own shape (the rectangles are placed in percent of it).
  picture.style.aspectRatio = `${prediction.width} / ${prediction.height}`;
  picture.style.width = `min(100%, ${(16 * Math.min(1, prediction.width / prediction.height)).toFixed(3)}rem)`;
  picture.setAttribute('role', 'img');
  picture.setAttribute('aria-label', `${name} (${prediction.width}x${prediction.height} px) with the ${ranked.length} judged crops outlined; their scores are in the list that follows`);
  picture.setAttribute('aria-describedby', listId);
  const canvas = element('canvas', 'crops-thumbnail');
  canvas.setAttribute('aria-hidden', 'true');
  picture.append(canvas);
  if (context.file) drawThumbnail(context.file, canvas, CROPS_PICTURE_SIDE).catch(() => picture.classList.add('thumb-missing'));
  else picture.classList.add('thumb-missing');

  const list = element('ol', 'crop-list');
  list.id = listId;
  ranked.forEach((crop, i) => {
    const rank = i + 1;
    const place = cropBox(crop, prediction.width, prediction.height);
    const box = element('div', 'crop-box');
    Object.assign(box.style, { left: `${place.left}%`, top: `${place.top}%`, width: `${place.width}%`, height: `${place.height}%` });
    const counted = cropCounted(crop);
    box.dataset.rank = String(rank);
    box.dataset.score = String(crop.score);
    box.dataset.counted = counted;
    box.setAttribute('aria-hidden', 'true');
    box.append(element('span', 'crop-label', `${rank} · ${crop.score.toFixed(2)}${counted === 'none' ? ' · not counted' : ''}`));
    picture.append(box);

    const countedWords = cropCountedWords(crop, context.aggregation);
    const item = element('li', 'crop-item', countedWords ? `${cropWords(crop, rank)}, ${countedWords}` : cropWords(crop, rank));
    item.dataset.score = String(crop.score);
    item.dataset.counted = counted;
    list.append(item);
  });
  section.append(weight, heading, element('div', 'crops-figure'));
  section.lastElementChild!.append(picture, list);
  return section;
}

let viewIds = 0;

export function createExplanationView(prediction: Prediction, name: string, context: ExplanationContext = {}): HTMLElement {
  const explanation: Explanation | undefined = prediction.explanation;
  if (!explanation) throw new Error('this prediction has no explanation');
  const figure = document.createElement('figure');
  figure.className = 'explain';
  figure.dataset.meanError = String(explanation.meanError);
  figure.dataset.evidence = prediction.scoredView;

  const unusual = describeStatistics(explanation.statistics ?? []);
  const evidence = evidenceElement(prediction, unusual);
  evidence.classList.add('explain-evidence');
  evidence.append(
    element('span', 'evidence-caveat', prediction.isFake ? '. A score is a reason to look closer, not proof.' : '. A low score proves nothing either.'),
  );

  const stack = document.createElement('div');
  stack.className = 'explain-stack';
  const input = canvasOf(explanation.input, 'explain-input', `${name}: the whole-picture view the models saw (centre square, ${explanation.input.width} px)`);
  const heatmap = canvasOf(
    errorMapToRgba(explanation.errorMap),
    'explain-heatmap',
    `${name}: reconstruction error heat map, brighter where the autoencoder could not reproduce the image`,
  );
  stack.append(input, heatmap);

  const reconstruction = canvasOf(explanation.reconstruction, 'explain-reconstruction', `${name}: the autoencoder's reconstruction`);

  const toggle = document.createElement('label');
  toggle.className = 'explain-toggle';
  const checkbox = document.createElement('input');
  checkbox.type = 'checkbox';
  checkbox.checked = true;
  checkbox.className = 'heatmap-toggle';
  checkbox.id = `heatmap-toggle-${++viewIds}`;
  checkbox.addEventListener('change', () => (heatmap.hidden = !checkbox.checked));
  toggle.append(checkbox, ' Error heat map');

  // The whole-picture view with its weight: for a picture with crops it is one view of two (or none of the score).
  const wholeWeight = element('p', 'view-weight view-weight-image', viewWeightWords(prediction).image);
  wholeWeight.dataset.weight = String(1 - prediction.views.traceWeight);

  const caption = document.createElement('figcaption');
  caption.className = 'hint';
  caption.textContent = `Whole-picture view. Left: what the models saw, bright where the autoencoder's error is high. Right: its reconstruction. Mean squared error ${explanation.meanError.toFixed(4)}, worst pixel ${explanation.maxError.toFixed(4)}.`;
  const statistics = document.createElement('p');
  statistics.className = 'explain-statistics';
  statistics.textContent = unusual.length
    ? `Unlike natural photos: ${unusual.join('; ')}.`
    : 'Colour, contrast, detail and shadows are all within the range of natural photos.';
  if (explanation.statistics) caption.append(statistics);

  const images = document.createElement('div');
  images.className = 'explain-images';
  images.append(stack, reconstruction);
  if (context.evidenceLine !== false) figure.append(evidence);
  figure.append(cropsView(prediction, name, context), wholeWeight, images, toggle, caption);
  return figure;
}
