/** Small SVG charts for evaluation mode: a ROC curve and overlaid score histograms, with labelled axes. */
import type { Histogram, RocPoint } from '../detector/metrics';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 240;
const MARGIN = { left: 46, right: 12, top: 12, bottom: 40 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

function node<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const x = (value: number) => MARGIN.left + value * PLOT_W;
const y = (value: number) => MARGIN.top + (1 - value) * PLOT_H;

/** Frame, ticks and axis titles for a plot whose x runs 0..1 and y runs 0..yMax. */
function axes(svg: SVGSVGElement, xTitle: string, yTitle: string, yMax: number, yTicks: number[]): void {
  svg.append(node('rect', { x: MARGIN.left, y: MARGIN.top, width: PLOT_W, height: PLOT_H, class: 'chart-frame' }));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(node('line', { x1: x(tick), x2: x(tick), y1: y(0), y2: y(0) + 4, class: 'chart-tick' }));
    svg.append(node('text', { x: x(tick), y: y(0) + 16, 'text-anchor': 'middle', class: 'chart-label' }, String(tick)));
  }
  for (const tick of yTicks) {
    const at = y(tick / yMax);
    svg.append(node('line', { x1: MARGIN.left - 4, x2: MARGIN.left, y1: at, y2: at, class: 'chart-tick' }));
    svg.append(node('text', { x: MARGIN.left - 7, y: at + 4, 'text-anchor': 'end', class: 'chart-label' }, String(+tick.toFixed(2))));
  }
  svg.append(node('text', { x: MARGIN.left + PLOT_W / 2, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'chart-title' }, xTitle));
  svg.append(
    node('text', { x: 0, y: 0, transform: `translate(12 ${MARGIN.top + PLOT_H / 2}) rotate(-90)`, 'text-anchor': 'middle', class: 'chart-title' }, yTitle),
  );
}

function chart(label: string): SVGSVGElement {
  const svg = node('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'chart' });
  svg.append(node('title', {}, label));
  return svg;
}

/** ROC curve with the chance diagonal and the current threshold's operating point. */
export function rocChart(points: readonly RocPoint[], current: { falsePositiveRate: number; truePositiveRate: number }, auroc: number): SVGSVGElement {
  const svg = chart(`ROC curve, area ${auroc.toFixed(3)}; at the current threshold ${(current.truePositiveRate * 100).toFixed(1)}% of fakes are caught and ${(current.falsePositiveRate * 100).toFixed(1)}% of real images flagged`);
  axes(svg, 'False positive rate (real images flagged)', 'True positive rate (fakes caught)', 1, [0, 0.25, 0.5, 0.75, 1]);
  svg.append(node('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'chart-chance' }));
  svg.append(node('polyline', { points: points.map((p) => `${x(p.falsePositiveRate).toFixed(1)},${y(p.truePositiveRate).toFixed(1)}`).join(' '), class: 'chart-roc' }));
  svg.append(node('circle', { cx: x(current.falsePositiveRate), cy: y(current.truePositiveRate), r: 5, class: 'chart-point' }));
  svg.append(node('text', { x: x(0.98), y: y(0.04), 'text-anchor': 'end', class: 'chart-label' }, `AUROC ${auroc.toFixed(3)}`));
  return svg;
}

/** Real and fake score histograms over [0, 1], overlaid, with the threshold as a vertical line. */
export function histogramChart(real: Histogram, fake: Histogram, threshold: number): SVGSVGElement {
  const svg = chart(`Ensemble score histograms of real (${real.counts.reduce((a, b) => a + b, 0)}) and fake (${fake.counts.reduce((a, b) => a + b, 0)}) images, threshold ${threshold.toFixed(3)}`);
  const top = Math.max(1, ...real.counts, ...fake.counts);
  const step = top <= 5 ? 1 : Math.ceil(top / 4);
  const ticks: number[] = [];
  for (let tick = 0; tick <= top; tick += step) ticks.push(tick);
  axes(svg, 'Ensemble score', 'Images', top, ticks);
  for (const [histogram, className] of [[real, 'chart-bar-real'], [fake, 'chart-bar-fake']] as const) {
    histogram.counts.forEach((count, i) => {
      if (count === 0) return;
      const left = x(histogram.edges[i]!);
      const right = x(histogram.edges[i + 1]!);
      svg.append(node('rect', { x: left + 0.5, y: y(count / top), width: Math.max(0.5, right - left - 1), height: y(0) - y(count / top), class: className }));
    });
  }
  svg.append(node('line', { x1: x(threshold), x2: x(threshold), y1: y(0), y2: y(1), class: 'chart-threshold' }));
  const legend = node('g', { class: 'chart-legend' });
  legend.append(
    node('rect', { x: x(0.02), y: y(0.97), width: 10, height: 10, class: 'chart-bar-real' }),
    node('text', { x: x(0.02) + 14, y: y(0.97) + 9, class: 'chart-label' }, 'real'),
    node('rect', { x: x(0.02), y: y(0.97) + 14, width: 10, height: 10, class: 'chart-bar-fake' }),
    node('text', { x: x(0.02) + 14, y: y(0.97) + 23, class: 'chart-label' }, 'fake'),
  );
  svg.append(legend);
  return svg;
}
