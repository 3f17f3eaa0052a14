/**
 * `deepfake-detector score <files or folders> [--json | --csv] [--threshold T | --preset NAME] [--backend node|wasm]`
 *
 * Scores image files with the shipped models through the same library code as the page (sharp decoding, the
 * shared preprocessing and scoring). Results go to stdout (a table, one JSON array, or CSV); progress and
 * warnings to stderr. A file that cannot be read gets an error entry and the run goes on. Exit status: 0 when
 * at least one image was scored, 1 when none could be, 2 for a usage error (a models folder that cannot be read
 * included).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PresetName } from '../detector/manifest';
import { PRESET_NAMES } from '../detector/manifest';
import type { ResultRow } from '../detector/export';
import { toCsv, toJsonRecord } from '../detector/export';
import type { Provenance } from '../detector/provenance';
import { METADATA_TIME_LIMIT_MS } from '../detector/provenance/limits';
import { NodeProvenanceReader } from '../detector/provenance/node-isolate';
import { presetThreshold, validateThreshold } from '../detector/scoring';
import { verdictWords } from '../detector/verdict';
import { PACKAGE_VERSION } from '../detector/version';
import type { FileOutcome, NodeDetector } from './node-detector';
import { createNodeDetector, oneLine } from './node-detector';
import type { NodeBackend } from './ort-node';
import { DEFAULT_MODELS_DIR, readManifest } from './ort-node';

/** Extensions picked up when walking a folder; files named on the command line are always tried. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.avif', '.tif', '.tiff', '.bmp']);

const USAGE = `Usage: deepfake-detector score <files or folders...> [options]

Scores images with the ensemble (Deep SVDD + autoencoder). Folders are searched recursively for
${[...IMAGE_EXTENSIONS].join(' ')} files.

Options:
  --json              print one JSON array: { file, score, isFake, scores: { svdd, autoencoder }, evidence,
                      crops: [{ left, top, size, score }], provenance } per image, { file, error } for a file that
                      could not be read. evidence: "traces" (native-resolution crops carried the score) or "image" (the
                      whole picture); crops: the 128 px windows judged (none for pictures under 128 px)
  --csv               print CSV: ${'file,score,svdd,autoencoder,verdict,evidence,threshold,modelVersion,error'}
                      then provenance,c2pa,metadataAi,sourceType,generator,camera
  --no-provenance     do not read each file's metadata. By default the CLI reads it as the page does: C2PA
                      Content Credentials (validated offline), IPTC digital source type, generator parameters,
                      camera EXIF: "provenance" in each --json entry, its columns in --csv, a line per file in
                      the table. ScoredView beside the score, never part of it
  --metadata-limit S  seconds one file's metadata may take (default ${METADATA_TIME_LIMIT_MS / 1000}); past it the reading is stopped (its
                      thread terminated), the file is still scored and its metadata says why it was not read
  --threshold T       flag images whose ensemble score is >= T (0..1); default: the manifest's default
  --preset NAME       use a preset threshold: ${PRESET_NAMES.join(' | ')}
  --backend B         node (onnxruntime-node, default) | wasm (onnxruntime-web)
  --models DIR        folder with manifest.json and the .onnx files (default: the models shipped with this
                      package: public/models in a checkout)
  --batch N           images per inference run (default 32)
  -q, --quiet         no progress on stderr
  -v, --version       the package's version and the models' (they change apart)
  -h, --help          this text

Exit status: 0 when at least one image was scored, 1 when none could be, 2 for a usage error.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliOptions {
  inputs: string[];
  format: 'table' | 'json' | 'csv';
  threshold?: number;
  preset?: PresetName;
  backend: NodeBackend;
  modelsDir: string;
  batchSize: number;
  provenance: boolean;
  /** Per-file metadata time limit, ms. */
  metadataLimitMs: number;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { inputs: [], format: 'table', backend: 'node', modelsDir: DEFAULT_MODELS_DIR, batchSize: 32, provenance: true, metadataLimitMs: METADATA_TIME_LIMIT_MS, quiet: false, help: false, version: false };
  const args = [...argv];
  if (args[0] === '-h' || args[0] === '--help' || args.length === 0) return { ...options, help: true };
  if (args[0] === '-v' || args[0] === '--version') {
    // `--version --models DIR` names the models folder whose version to report.
    if (args[1] === '--models' && args[2] !== undefined) options.modelsDir = path.resolve(args[2]);
    return { ...options, version: true };
  }
  const command = args.shift();
  if (command !== 'score') throw new UsageError(`unknown command "${command}" (the command is "score")`);
  const value = (flag: string) => {
    const next = args.shift();
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  let formatFlag: string | undefined;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--') {
      options.inputs.push(...args.splice(0));
    } else if (arg === '--json' || arg === '--csv') {
      if (formatFlag && formatFlag !== arg) throw new UsageError(`give either --json or --csv, not both`);
      formatFlag = arg;
      options.format = arg === '--json' ? 'json' : 'csv';
    } else if (arg === '--threshold') {
      const text = value(arg);
      const threshold = Number(text);
      if (text.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
        throw new UsageError(`--threshold must be a number in [0, 1], got "${text}"`);
      }
      options.threshold = threshold;
    } else if (arg === '--preset') {
      const name = value(arg);
      if (!PRESET_NAMES.includes(name as PresetName)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${name}"`);
      options.preset = name as PresetName;
    } else if (arg === '--backend') {
      const backend = value(arg);
      if (backend !== 'node' && backend !== 'wasm') throw new UsageError(`--backend must be node or wasm, got "${backend}"`);
      options.backend = backend;
    } else if (arg === '--models') {
      options.modelsDir = path.resolve(value(arg));
    } else if (arg === '--batch') {
      const size = Number(value(arg));
      if (!Number.isInteger(size) || size < 1) throw new UsageError('--batch must be a positive integer');
      options.batchSize = size;
    } else if (arg === '--provenance') {
      options.provenance = true; // the default; kept so that older command lines still work
    } else if (arg === '--no-provenance') {
      options.provenance = false;
    } else if (arg === '--metadata-limit') {
      const text = value(arg);
      const seconds = Number(text);
      if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new UsageError(`--metadata-limit must be a number of seconds in (0, 600], got "${text}"`);
      options.metadataLimitMs = seconds * 1000;
    } else if (arg === '-q' || arg === '--quiet') {
      options.quiet = true;
    } else if (arg === '-h' || arg === '--help') {
      options.help = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.inputs.push(arg);
    }
  }
  if (options.threshold !== undefined && options.preset) throw new UsageError('give either --threshold or --preset, not both');
  if (!options.help && options.inputs.length === 0) throw new UsageError('no files or folders given');
  return options;
}

/**
 * Files to score, in a stable order: named files as given (even with an unknown extension, so the user hears
 * why they fail), folders walked recursively for image extensions (hidden entries skipped, names sorted).
 * Inputs that do not exist become error entries.
 */
export async function collectFiles(inputs: readonly string[]): Promise<{ files: string[]; missing: Array<{ file: string; error: string }>; skipped: number }> {
  const files: string[] = [];
  const missing: Array<{ file: string; error: string }> = [];
  let skipped = 0;
  async function walk(folder: string): Promise<void> {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
      else skipped++;
    }
  }
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      missing.push({ file: input, error: 'no such file or folder' });
      continue;
    }
    if (info.isDirectory()) await walk(input);
    else files.push(input);
  }
  return { files, missing, skipped };
}

function formatTable(rows: ResultRow[]): string {
  const width = Math.min(60, Math.max(4, ...rows.map((row) => row.file.length)));
  const lines = [`${'file'.padEnd(width)}  ensemble      svdd  autoenc.  verdict`];
  for (const row of rows) {
    const name = row.file.length > width ? `…${row.file.slice(-(width - 1))}` : row.file.padEnd(width);
    lines.push(
      row.ok
        ? `${name}  ${row.score.toFixed(4).padStart(8)}  ${row.scores.svdd.toFixed(4).padStart(8)}  ${row.scores.autoencoder.toFixed(4).padStart(8)}  ${verdictWords(row.isFake)}`
        : `${name}  error: ${row.error}`,
    );
    if (row.ok && row.provenance) lines.push(`${' '.repeat(Math.min(width, 4))}metadata: ${row.provenance.summary}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * The options to score with, or the exit status when the command line is answered without scoring: a usage
 * error (2), --help (0) or --version (0, or 2 when the models folder cannot be read).
 */
async function optionsOrExitStatus(argv: readonly string[], io: CliIo): Promise<CliOptions | number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`deepfake-detector: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (options.version) return printVersions(options.modelsDir, io);
  return options;
}

/** `--version`: the package's version and the models'; exit status 0, or 2 when the models cannot be read. */
async function printVersions(modelsDir: string, io: CliIo): Promise<number> {
  let models: string;
  try {
    models = (await readManifest(modelsDir)).version;
  } catch (error) {
    io.stderr(`deepfake-detector: --models ${modelsDir}: ${oneLine(error)}\n`);
    return 2;
  }
  io.stdout(`ensemble-deepfake-detector ${PACKAGE_VERSION}\nmodels ${models}\n`);
  return 0;
}

/** Scores the files in batches, logging failures and the rate as it goes; disposes of the detector. */
async function scoreWithProgress(detector: NodeDetector, files: string[], batchSize: number, log: (text: string) => void): Promise<FileOutcome[]> {
  const started = performance.now();
  try {
    return await detector.scoreFiles(files, {
      batchSize,
      onProgress: (done, total, outcome) => {
        if (!outcome.ok) log(`${outcome.file}: ${outcome.error}\n`);
        if (done === total || done % batchSize === 0) {
          const rate = done / ((performance.now() - started) / 1000);
          log(`${done}/${total} (${rate.toFixed(1)} images/s)\n`);
        }
      },
    });
  } finally {
    await detector.dispose();
  }
}

/**
 * Metadata of each scored file, from its bytes, with the same reader as the page (src/detector/provenance/), on a
 * thread of its own that is terminated at the time limit (node-isolate.ts).
 */
async function readProvenance(outcomes: readonly FileOutcome[], timeLimitMs: number): Promise<Map<string, Provenance>> {
  const provenance = new Map<string, Provenance>();
  const reader = new NodeProvenanceReader({ timeLimitMs });
  try {
    for (const outcome of outcomes) {
      if (outcome.ok) provenance.set(outcome.file, await reader.read(new Uint8Array(await readFile(outcome.file))));
    }
  } finally {
    reader.dispose();
  }
  return provenance;
}

/** One file's row of the output: its judgement and metadata, or the reason it could not be read. */
function resultRow(outcome: FileOutcome, threshold: number, modelVersion: string, provenance: ReadonlyMap<string, Provenance>): ResultRow {
  return outcome.ok
    ? {
        file: outcome.file,
        ok: true,
        score: outcome.judgement.score,
        isFake: outcome.judgement.isFake,
        scores: outcome.judgement.scores,
        evidence: outcome.judgement.scoredView,
        crops: outcome.judgement.crops,
        threshold,
        modelVersion,
        ...(provenance.has(outcome.file) ? { provenance: provenance.get(outcome.file)! } : {}),
      }
    : { file: outcome.file, ok: false, error: outcome.error, threshold, modelVersion };
}

/** The rows as stdout carries them: one JSON array, CSV, or the table. */
function formatRows(rows: ResultRow[], format: CliOptions['format']): string {
  if (format === 'json') {
    const records = rows.map((row) => toJsonRecord(row, { runFacts: false }));
    return `${JSON.stringify(records, null, 2)}\n`;
  }
  if (format === 'csv') return toCsv(rows);
  return formatTable(rows);
}

/** Runs the CLI and returns its exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const parsed = await optionsOrExitStatus(argv, io);
  if (typeof parsed === 'number') return parsed;
  const options = parsed;
  const log = (text: string) => {
    if (!options.quiet) io.stderr(text);
  };

  // A models folder that cannot be read (missing, no manifest, a file failing its sha256) is a usage error: one
  // line and exit 2, no stack trace.
  const badModels = (error: unknown) => {
    io.stderr(`deepfake-detector: --models ${options.modelsDir}: ${oneLine(error)}\n`);
    return 2;
  };
  let manifest;
  try {
    manifest = await readManifest(options.modelsDir);
  } catch (error) {
    return badModels(error);
  }
  const threshold = options.preset ? presetThreshold(manifest, options.preset) : validateThreshold(options.threshold ?? manifest.thresholds.default);
  const { files, missing, skipped } = await collectFiles(options.inputs);
  if (skipped > 0) log(`skipped ${skipped} file${skipped === 1 ? '' : 's'} in folders without an image extension\n`);

  const outcomes: FileOutcome[] = missing.map(({ file, error }) => ({ file, ok: false, error }));
  if (files.length > 0) {
    log(`scoring ${files.length} file${files.length === 1 ? '' : 's'} with models ${manifest.version} (${options.backend}), threshold ${threshold}\n`);
    let detector;
    try {
      detector = await createNodeDetector({ modelsDir: options.modelsDir, backend: options.backend, threshold });
    } catch (error) {
      return badModels(error);
    }
    outcomes.push(...(await scoreWithProgress(detector, files, options.batchSize, log)));
  }

  const provenance = options.provenance ? await readProvenance(outcomes, options.metadataLimitMs) : new Map<string, Provenance>();
  const rows = outcomes.map((outcome) => resultRow(outcome, threshold, manifest.version, provenance));
  io.stdout(formatRows(rows, options.format));
  const scored = rows.filter((row) => row.ok).length;
  const flagged = rows.filter((row) => row.ok && row.isFake).length;
  log(`${scored} scored, ${flagged} flagged, ${rows.length - scored} could not be read\n`);
  return scored > 0 ? 0 : 1;
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
