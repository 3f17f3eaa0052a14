import { describe, expect, it } from 'vitest';
import { MODEL_KEYS, ManifestError, PRESET_NAMES, inputSize, parseManifest } from '../../src/detector/manifest';
import { manifestJson } from './helpers';

describe('parseManifest', () => {
  it('accepts the shipped public/models/manifest.json', () => {
    const manifest = parseManifest(manifestJson());
    expect(inputSize(manifest)).toBe(manifest.input.shape[3]);
    for (const key of MODEL_KEYS) expect(manifest.models[key].sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const name of PRESET_NAMES) expect(manifest.thresholds.presets[name].threshold).toBeGreaterThan(0);
  });

  it('has presets ordered from most to least sensitive, with falling false-alarm rates', () => {
    const { presets } = parseManifest(manifestJson()).thresholds;
    expect(presets.sensitive.threshold).toBeLessThanOrEqual(presets.balanced.threshold);
    expect(presets.balanced.threshold).toBeLessThanOrEqual(presets.conservative.threshold);
    expect(presets.sensitive.falseAlarmRate).toBeGreaterThanOrEqual(presets.conservative.falseAlarmRate);
  });

  const broken: Array<[string, (json: Record<string, any>) => void, RegExp]> = [
    ['a missing version', (json) => delete json.version, /version/],
    ['a short sha256', (json) => (json.models.svdd.sha256 = 'abc'), /models\.svdd\.sha256/],
    ['a missing model', (json) => delete json.models.autoencoder, /models\.autoencoder/],
    ['zero bytes', (json) => (json.models.autoencoder.bytes = 0), /bytes/],
    ['weights not summing to 1', (json) => (json.ensemble.weights.svdd = 0.9), /summing to 1/],
    ['a negative weight', (json) => Object.assign(json.ensemble.weights, { svdd: 1.5, autoencoder: -0.5 }), /non-negative/],
    ['a threshold above 1', (json) => (json.thresholds.presets.balanced.threshold = 1.2), /in \[0, 1\]/],
    ['an unknown default preset', (json) => (json.thresholds.defaultPreset = 'paranoid'), /defaultPreset/],
    ['a zero calibration scale', (json) => (json.calibration.svdd.scale = 0), /scale/],
    ['an unknown calibration method', (json) => (json.calibration.svdd.method = 'isotonic'), /method/],
    ['a non-square input', (json) => (json.input.shape = [null, 3, 128, 64]), /square/],
    ['BGR channels', (json) => (json.input.channelOrder = 'BGR'), /channelOrder/],
    ['a non-finite centre', (json) => (json.calibration.autoencoder.center = 'NaN'), /center/],
  ];
  it.each(broken)('rejects %s', (_label, breakIt, message) => {
    const json = manifestJson();
    breakIt(json);
    expect(() => parseManifest(json)).toThrow(ManifestError);
    expect(() => parseManifest(json)).toThrow(message);
  });

  it('rejects non-objects', () => {
    expect(() => parseManifest(null)).toThrow(ManifestError);
    expect(() => parseManifest([])).toThrow(ManifestError);
    expect(() => parseManifest('{}')).toThrow(ManifestError);
  });
});
