/**
 * Draws an explanation: what the models saw (the 128x128 centre crop) with the autoencoder's per-pixel error
 * as a heat overlay that can be toggled, next to the autoencoder's reconstruction.
 */
import type { Explanation, RgbaPixels } from '../detector';
import { describeStatistics, errorMapToRgba } from '../detector';

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

let toggleIds = 0;

export function createExplanationView(explanation: Explanation, name: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'explain';
  figure.dataset.meanError = String(explanation.meanError);

  const stack = document.createElement('div');
  stack.className = 'explain-stack';
  const input = canvasOf(explanation.input, 'explain-input', `${name}: the centre crop the models saw`);
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
  checkbox.id = `heatmap-toggle-${++toggleIds}`;
  checkbox.addEventListener('change', () => (heatmap.hidden = !checkbox.checked));
  toggle.append(checkbox, ' Error heat map');

  const caption = document.createElement('figcaption');
  caption.className = 'hint';
  caption.textContent = `Left: what the models saw, bright where the autoencoder's error is high. Right: its reconstruction. Mean squared error ${explanation.meanError.toFixed(4)}, worst pixel ${explanation.maxError.toFixed(4)}.`;
  const unusual = describeStatistics(explanation.statistics ?? []);
  const statistics = document.createElement('p');
  statistics.className = 'explain-statistics';
  statistics.textContent = unusual.length
    ? `Unlike natural photos: ${unusual.join('; ')}.`
    : 'Colour, contrast, detail and shadows are all within the range of natural photos.';
  if (explanation.statistics) caption.append(statistics);

  const images = document.createElement('div');
  images.className = 'explain-images';
  images.append(stack, reconstruction);
  figure.append(images, toggle, caption);
  return figure;
}
