/**
 * Result rows as CSV and JSON, shared by the page's batch export and the Node CLI so both files read the same.
 * Pure functions; numbers are written at full precision.
 */
import type { CanvasReadback } from './protocol';
import type { Provenance } from './provenance';
import { canvasNoiseCell } from './readback-noise';
import { cameraWords, provenanceSaysAi } from './provenance';
import type { ScoredView, JudgedCrop, ModelScores } from './scoring';

/**
 * One file's result. `evidence` is the view that carried the score ('traces': the native crops, 'image': the
 * whole picture) and `crops` the native crops judged (none for pictures smaller than the crop size), as in Prediction.
 */
export type ResultRow = (
  | { file: string; ok: true; score: number; isFake: boolean; scores: ModelScores; evidence?: ScoredView; crops?: ReadonlyArray<Pick<JudgedCrop, 'left' | 'top' | 'size' | 'score'>>; threshold: number; modelVersion: string; provenance?: Provenance }
  | { file: string; ok: false; error: string; threshold: number; modelVersion: string }
) & {
  /** The page's canvas read-back check (a run fact): altered when the browser adds anti-fingerprinting noise. */
  canvasReadback?: CanvasReadback;
};

/**
 * The score columns (`evidence`: which view carried the score, 'traces' or 'image'), then what the file's metadata says (src/detector/provenance): its one line, the C2PA state
 * (valid / untrusted / invalid), whether the metadata itself declares AI (created / composite), the IPTC digital
 * source type, the generator and the camera. Empty where a file has none. Last, `canvasNoise`: on the page, what
 * the canvas read-back check found when this browser alters read-back (anti-fingerprinting), else empty.
 */
export const CSV_COLUMNS = ['file', 'score', 'svdd', 'autoencoder', 'verdict', 'evidence', 'threshold', 'modelVersion', 'error', 'provenance', 'c2pa', 'metadataAi', 'sourceType', 'generator', 'camera', 'canvasNoise'] as const;

function provenanceCells(provenance: Provenance | undefined): string[] {
  if (!provenance) return ['', '', '', '', '', ''];
  return [
    provenance.summary,
    provenance.c2pa?.state ?? '',
    provenanceSaysAi(provenance) ?? '',
    provenance.sourceType ?? '',
    provenance.generator?.tool ?? '',
    provenance.camera ? cameraWords(provenance.camera) : '',
  ];
}

/**
 * RFC 4180 quoting: fields with a comma, quote, or line break are quoted, inner quotes doubled. A text cell that
 * a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return: a file may be named
 * `=HYPERLINK(...)`) gets a leading ' (OWASP "CSV injection"). Numbers are written as they are: -0.5 is a number.
 */
export function csvField(value: string | number | boolean): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function verdictOf(row: ResultRow): 'fake' | 'real' | 'error' {
  return row.ok ? (row.isFake ? 'fake' : 'real') : 'error';
}

export function toCsv(rows: Iterable<ResultRow>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const cells = row.ok
      ? [row.file, row.score, row.scores.svdd, row.scores.autoencoder, verdictOf(row), row.evidence ?? '', row.threshold, row.modelVersion, '', ...provenanceCells(row.provenance), canvasNoiseCell(row.canvasReadback)]
      : [row.file, '', '', '', 'error', '', row.threshold, row.modelVersion, row.error, ...provenanceCells(undefined), canvasNoiseCell(row.canvasReadback)];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Splits CSV text (as written by toCsv) back into records of strings; for tests and round trips. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/**
 * The JSON record of one row, for the page's export and the CLI's --json alike: `{ file, score, isFake, scores,
 * evidence, crops: [{ left, top, size, score }] }` (crops in the decoded picture's pixels, each with its own
 * calibrated trace score) and, when it was read, the file's `provenance` (the same object as Prediction.provenance), or `{ file, error }`;
 * with `runFacts` (the default) also the threshold and model version, and `canvasReadback` when the page found its
 * canvas read-back altered (anti-fingerprinting noise). The CLI leaves the run facts out of each
 * record: they are the same for every file of a run, and its documented output is the bare record.
 */
export function toJsonRecord(row: ResultRow, { runFacts = true }: { runFacts?: boolean } = {}): Record<string, unknown> {
  const run = runFacts ? { threshold: row.threshold, modelVersion: row.modelVersion, ...(row.canvasReadback?.altered ? { canvasReadback: row.canvasReadback } : {}) } : {};
  return row.ok
    ? {
        file: row.file,
        score: row.score,
        isFake: row.isFake,
        scores: { svdd: row.scores.svdd, autoencoder: row.scores.autoencoder },
        ...(row.evidence ? { evidence: row.evidence } : {}),
        ...(row.crops ? { crops: row.crops.map(({ left, top, size, score }) => ({ left, top, size, score })) } : {}),
        ...run,
        ...(row.provenance ? { provenance: row.provenance } : {}),
      }
    : { file: row.file, error: row.error, ...run };
}
