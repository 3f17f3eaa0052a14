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
    ['a fractional input size', (json) => (json.input.shape = [null, 3, 127.5, 127.5]), /input\.shape\[2\] must be an integer/],
    ['a fractional alpha background (composited in whole levels)', (json) => (json.input.alphaBackground = [255, 255, 127.5]), /input\.alphaBackground\[2\] must be an integer from 0 to 255/],
    ['an alpha background above 255', (json) => (json.input.alphaBackground = [256, 255, 255]), /input\.alphaBackground\[0\]/],
    ['an alpha background that is not numbers', (json) => (json.input.alphaBackground = ['white', 255, 255]), /input\.alphaBackground\[0\] must be a finite number/],
    ['a zero batch dimension', (json) => (json.input.shape = [0, 3, 128, 128]), /input\.shape\[0\] must be an integer from 1/],
    // input.crops: every number that sizes a loop or an allocation.
    ['a zero crop stride (a loop that never ends)', (json) => (json.input.crops.stride = 0), /input\.crops\.stride must be an integer from 1 to 128/],
    ['a negative crop stride', (json) => (json.input.crops.stride = -64), /input\.crops\.stride/],
    ['a fractional crop stride', (json) => (json.input.crops.stride = 0.5), /input\.crops\.stride/],
    ['a crop stride larger than a crop (windows with gaps)', (json) => (json.input.crops.stride = 129), /input\.crops\.stride/],
    ['an infinite crop stride', (json) => (json.input.crops.stride = Number.POSITIVE_INFINITY), /input\.crops\.stride must be a finite number/],
    ['a crop size other than the image size', (json) => (json.input.crops.size = 64), /input\.crops\.size must be the image size/],
    ['a zero crop size', (json) => (json.input.crops.size = 0), /input\.crops\.size must be an integer/],
    ['zero maxCrops', (json) => (json.input.crops.maxCrops = 0), /input\.crops\.maxCrops must be an integer from 1 to 64/],
    ['a huge maxCrops (gigabytes per batch)', (json) => (json.input.crops.maxCrops = 1e6), /input\.crops\.maxCrops/],
    ['a fractional maxCrops', (json) => (json.input.crops.maxCrops = 2.5), /input\.crops\.maxCrops/],
    ['a negative maxOverlap', (json) => (json.input.crops.maxOverlap = -1), /input\.crops\.maxOverlap must be an integer from 0 to 16384/],
    ['a maxOverlap beyond a whole crop', (json) => (json.input.crops.maxOverlap = 128 * 128 + 1), /input\.crops\.maxOverlap/],
    ['a missing maxOverlap', (json) => delete json.input.crops.maxOverlap, /input\.crops\.maxOverlap must be a finite number/],
    ['a fillOverlap under maxOverlap', (json) => (json.input.crops.fillOverlap = json.input.crops.maxOverlap - 1), /input\.crops\.fillOverlap must be an integer from \d+ to 16383/],
    ['a fillOverlap of a whole crop (a picked window again)', (json) => (json.input.crops.fillOverlap = 128 * 128), /input\.crops\.fillOverlap/],
    // input.crops.aggregate and topK.
    ['an unknown crop aggregate', (json) => (json.input.crops.aggregate = 'median'), /input\.crops\.aggregate must be "geometric-mean" or "top-k-log-mean"/],
    ['top-k without topK', (json) => { json.input.crops.aggregate = 'top-k-log-mean'; delete json.input.crops.topK; }, /input\.crops\.topK must be a finite number/],
    ['a zero topK', (json) => Object.assign(json.input.crops, { aggregate: 'top-k-log-mean', topK: 0 }), /input\.crops\.topK must be an integer from 1 to 8/],
    ['a topK above maxCrops', (json) => Object.assign(json.input.crops, { aggregate: 'top-k-log-mean', topK: json.input.crops.maxCrops + 1 }), /input\.crops\.topK must be an integer from 1 to 8/],
    ['a fractional topK', (json) => Object.assign(json.input.crops, { aggregate: 'top-k-log-mean', topK: 2.5 }), /input\.crops\.topK/],
    ['a topK with the geometric mean', (json) => Object.assign(json.input.crops, { aggregate: 'geometric-mean', topK: 3 }), /input\.crops\.topK must be absent unless/],
    // calibration.<model>.trace.singleCrop.
    ['a single-crop curve with a zero scale', (json) => (json.calibration.svdd.trace.singleCrop = { method: 'logistic-of-log', center: 0, scale: 0 }), /calibration\.svdd\.trace\.singleCrop\.scale must be positive/],
    ['a single-crop curve without a centre', (json) => (json.calibration.autoencoder.trace.singleCrop = { method: 'logistic-of-log', scale: 1 }), /calibration\.autoencoder\.trace\.singleCrop\.center must be a finite number/],
    ['a single-crop curve that is not an object', (json) => (json.calibration.svdd.trace.singleCrop = 0.5), /calibration\.svdd\.trace\.singleCrop/],
    // calibration.<model>.trace.manyCrops.
    ['a many-crops curve without minCrops', (json) => (json.calibration.svdd.trace.manyCrops = { method: 'logistic-of-log', center: 0, scale: 1 }), /calibration\.svdd\.trace\.manyCrops\.minCrops must be a finite number/],
    ['a many-crops curve from one crop', (json) => (json.calibration.svdd.trace.manyCrops = { method: 'logistic-of-log', center: 0, scale: 1, minCrops: 1 }), /calibration\.svdd\.trace\.manyCrops\.minCrops must be an integer from 2 to 64/],
    ['a many-crops curve with a negative scale', (json) => (json.calibration.autoencoder.trace.manyCrops = { method: 'logistic-of-log', center: 0, scale: -1, minCrops: 6 }), /calibration\.autoencoder\.trace\.manyCrops\.scale must be positive/],
    // ensemble.traceWeight.
    ['a traceWeight above 1', (json) => (json.ensemble.traceWeight = 1.5), /ensemble\.traceWeight must be in \[0, 1\]/],
    ['a negative traceWeight', (json) => (json.ensemble.traceWeight = -0.1), /ensemble\.traceWeight/],
    ['a traceWeight that is not a number', (json) => (json.ensemble.traceWeight = '0.5'), /ensemble\.traceWeight must be a finite number/],
    // A shared backbone: Deep SVDD's crop features output and the autoencoder's input for it come together.
    ['a crop features input with no Deep SVDD output for it', (json) => { delete json.models.svdd.cropFeaturesOutput; delete json.models.autoencoder.cropsInputName; json.models.autoencoder.cropFeaturesInputName = 'crop_features'; }, /models\.svdd\.cropFeaturesOutput must be a non-empty string/],
    ['a crop features output no autoencoder input reads', (json) => { json.models.svdd.cropFeaturesOutput = 'crop_features'; delete json.models.autoencoder.cropFeaturesInputName; json.models.autoencoder.cropsInputName = 'crops'; }, /models\.autoencoder\.cropFeaturesInputName must be a non-empty string/],
    ['an autoencoder fed both the crops and their features', (json) => { json.models.svdd.cropFeaturesOutput = 'crop_features'; Object.assign(json.models.autoencoder, { cropsInputName: 'crops', cropFeaturesInputName: 'crop_features' }); }, /models\.autoencoder\.cropsInputName must be absent when cropFeaturesInputName is given/],
    ['an autoencoder with neither crops nor their features', (json) => { delete json.models.autoencoder.cropsInputName; delete json.models.autoencoder.cropFeaturesInputName; }, /models\.autoencoder\.cropsInputName must be a non-empty string/],
    ['a crop features output without crops', (json) => { delete json.input.crops; json.models.svdd.cropFeaturesOutput = 'crop_features'; }, /models\.svdd\.cropFeaturesOutput must be absent without input\.crops/],
    ['a crop features input without crops', (json) => { delete json.input.crops; delete json.models.svdd.cropFeaturesOutput; json.models.autoencoder.cropFeaturesInputName = 'crop_features'; }, /models\.autoencoder\.cropFeaturesInputName must be absent without input\.crops/],
    // metrics.wild.unseenGenerators.
    ['an unseen-generator share above 1', (json) => (json.metrics.wild = { unseenGenerators: { caughtAtDefault: 72, count: 500 } }), /metrics\.wild\.unseenGenerators\.caughtAtDefault must be in \[0, 1\]/],
    ['a fractional unseen-generator count', (json) => (json.metrics.wild = { unseenGenerators: { caughtAtDefault: 0.7, count: 2.5 } }), /metrics\.wild\.unseenGenerators\.count/],
    ['an unseen-generator interval that is not a pair', (json) => (json.metrics.wild = { unseenGenerators: { caughtAtDefault: 0.3, count: 67, caughtInterval95: [0.25] } }), /caughtInterval95 must be a \[low, high\] pair/],
    ['an unseen-generator interval above 1', (json) => (json.metrics.wild = { unseenGenerators: { caughtAtDefault: 0.3, count: 67, caughtInterval95: [0.25, 47.8] } }), /caughtInterval95\[1\] must be in \[0, 1\]/],
    ['an unseen-generator interval upside down', (json) => (json.metrics.wild = { unseenGenerators: { caughtAtDefault: 0.3, count: 67, caughtInterval95: [0.48, 0.25] } }), /low <= high/],
    ['unseen generators that are not an object', (json) => (json.metrics.wild = { unseenGenerators: 0.7 }), /metrics\.wild\.unseenGenerators must be an object/],
    ['a generated-photograph share above 1', (json) => (json.metrics.wild = { bySubject: { photograph: { caught: 24 } } }), /metrics\.wild\.bySubject\.photograph\.caught must be in \[0, 1\]/],
    ['a subject split that is not an object', (json) => (json.metrics.wild = { bySubject: 'photographs' }), /metrics\.wild\.bySubject must be an object/],
  ];
  it.each(broken)('rejects %s', (_label, breakIt, message) => {
    const json = manifestJson();
    breakIt(json);
    expect(() => parseManifest(json)).toThrow(ManifestError);
    expect(() => parseManifest(json)).toThrow(message);
  });

  it('accepts the new contract: top-k-log-mean with topK, a trace weight, the unseen-generator figure', () => {
    const json = manifestJson();
    Object.assign(json.input.crops, { aggregate: 'top-k-log-mean', topK: 3 });
    json.ensemble.traceWeight = 0.7;
    json.metrics.wild = { unseenGenerators: { caughtAtDefault: 0.724, count: 500, auroc: 0.93, caughtInterval95: [0.683, 0.761] }, realFlagged: { pooled: 0.01 } };
    const manifest = parseManifest(json);
    expect(manifest.input.crops).toMatchObject({ aggregate: 'top-k-log-mean', topK: 3 });
    expect(manifest.ensemble.traceWeight).toBe(0.7);
    expect(manifest.metrics?.wild?.unseenGenerators).toEqual({ caughtAtDefault: 0.724, count: 500, auroc: 0.93, caughtInterval95: [0.683, 0.761] });
    // A smoke run with no unseen pictures writes nulls (NaN in JSON): not measured, not an error.
    json.metrics.wild.unseenGenerators = { caughtAtDefault: null, count: 0, auroc: null, caughtInterval95: null };
    expect(() => parseManifest(json)).not.toThrow();
    for (const [topK, traceWeight] of [[1, 0], [5, 1]] as const) {
      Object.assign(json.input.crops, { topK });
      json.ensemble.traceWeight = traceWeight;
      expect(() => parseManifest(json)).not.toThrow();
    }
  });

  it('accepts both crop contracts: each graph fed the crops, or the autoencoder fed Deep SVDD\'s backbone map', () => {
    const perGraph = manifestJson();
    delete perGraph.models.svdd.cropFeaturesOutput;
    delete perGraph.models.autoencoder.cropFeaturesInputName;
    perGraph.models.autoencoder.cropsInputName = 'crops';
    expect(parseManifest(perGraph).models.autoencoder.cropsInputName).toBe('crops');
    const shared = manifestJson();
    shared.models.svdd.cropFeaturesOutput = 'crop_features';
    delete shared.models.autoencoder.cropsInputName;
    shared.models.autoencoder.cropFeaturesInputName = 'crop_features';
    const parsed = parseManifest(shared);
    expect(parsed.models.svdd.cropFeaturesOutput).toBe('crop_features');
    expect(parsed.models.autoencoder.cropFeaturesInputName).toBe('crop_features');
  });

  it('accepts the shipped crop numbers\' edges: stride 1 and a whole crop, no overlap at all, one crop', () => {
    const json = manifestJson();
    for (const crops of [{ stride: 1 }, { stride: 128 }, { maxOverlap: 0 }, { maxOverlap: 128 * 128, fillOverlap: undefined }, { maxOverlap: 2048, fillOverlap: 4096 }, { fillOverlap: 128 * 128 - 1 }, { maxCrops: 1 }, { maxCrops: 64 }]) {
      const edited = manifestJson();
      Object.assign(edited.input.crops, crops);
      if (edited.input.crops.topK !== undefined) edited.input.crops.topK = Math.min(edited.input.crops.topK, edited.input.crops.maxCrops);
      expect(() => parseManifest(edited), JSON.stringify(crops)).not.toThrow();
    }
    // The shipped manifest names the rule its models were calibrated for (2026-12-05: top-k with topK, a trace weight).
    const shipped = parseManifest(json);
    expect(['geometric-mean', 'top-k-log-mean']).toContain(shipped.input.crops?.aggregate);
    expect(shipped.input.crops?.topK === undefined).toBe(shipped.input.crops?.aggregate === 'geometric-mean');
  });

  it('rejects non-objects', () => {
    expect(() => parseManifest(null)).toThrow(ManifestError);
    expect(() => parseManifest([])).toThrow(ManifestError);
    expect(() => parseManifest('{}')).toThrow(ManifestError);
  });
});
