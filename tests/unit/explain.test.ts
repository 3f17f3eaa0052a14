import { describe, expect, it } from 'vitest';
import { describeStatistics, errorMapToRgba, explanationFromOutputs, heatColour, planarToRgba, squareSide, statisticsOfRow } from '../../src/detector/explain';

describe('planarToRgba', () => {
  it('interleaves planar RGB in [0, 1] into opaque RGBA bytes at an offset', () => {
    // Two 1x1 images; take the second.
    const planar = Float32Array.from([0, 0, 0, 1, 0.5, 0.2]);
    expect(Array.from(planarToRgba(planar, 1, 3).data)).toEqual([255, 128, 51, 255]);
    expect(() => planarToRgba(planar, 2)).toThrow(RangeError);
  });
});

describe('heat map', () => {
  it('ramps from dark to light, clamped', () => {
    const sum = (rgb: number[]) => rgb[0]! + rgb[1]! + rgb[2]!;
    expect(heatColour(0)).toEqual([0, 0, 4]);
    expect(heatColour(1)).toEqual([252, 255, 164]);
    expect(heatColour(2)).toEqual(heatColour(1));
    for (let t = 0.1; t <= 1; t += 0.1) expect(sum(heatColour(t))).toBeGreaterThan(sum(heatColour(t - 0.1)));
  });

  it('is transparent where the error is zero and most opaque at the maximum', () => {
    const map = errorMapToRgba(Float32Array.from([0, 0.01, 0.04, 0.02]));
    expect(map.width).toBe(2);
    const alpha = [3, 7, 11, 15].map((i) => map.data[i]!);
    expect(alpha[0]).toBe(0);
    expect(alpha[2]).toBe(Math.round(255 * 0.85));
    expect(alpha[1]).toBeLessThan(alpha[3]!);
    expect(() => errorMapToRgba(new Float32Array(3))).toThrow(RangeError);
    expect(squareSide(1024)).toBe(32);
  });
});

describe('explanationFromOutputs', () => {
  it('takes one row of each batch output', () => {
    const input = new Float32Array(2 * 3 * 4).fill(0.5);
    const reconstruction = Float32Array.from({ length: 2 * 3 }, (_, i) => (i < 3 ? 0 : 1));
    const errorMap = Float32Array.from([0.1, 0.3]);
    const explanation = explanationFromOutputs(input, 2, reconstruction, errorMap, 1, 1);
    expect(explanation.input.width).toBe(2);
    expect(Array.from(explanation.reconstruction.data)).toEqual([255, 255, 255, 255]);
    expect(explanation.meanError).toBeCloseTo(0.3, 6);
    expect(explanation.maxError).toBeCloseTo(0.3, 6);
  });
});

describe('statistics in words', () => {
  it('names the statistics far from natural photos, worst first', () => {
    const names = ['log_mean_chroma', 'log_chroma_spread', 'log_luma_contrast', 'log_luma_detail', 'log_shadow_clipping'];
    const rows = Float32Array.from([0.1, -0.5, 1, 2, -1, /* second image */ -8.2, -6, 1.2, 0.4, 4.5]);
    expect(describeStatistics(statisticsOfRow(rows, names, 0))).toEqual([]);
    expect(describeStatistics(statisticsOfRow(rows, names, 1))).toEqual([
      'much less colour than photos have (−8.2 σ)',
      'colour far more uniform than in photos (−6.0 σ)',
      'large areas of pure black (+4.5 σ)',
    ]);
  });
});
