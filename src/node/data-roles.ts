/**
 * The data-roles table (training/data-roles.json): every data set of ../shared/data, or part of one, with its role
 * (training, validation, evaluation) and, where a set was used for a decision, which. `npm run models:eval` copies
 * it into report.json as `dataRoles`, with the report's figures that rest on a set used for a decision listed under
 * `figuresUsedForDecision`, so a reader of the report sees which figures are not held out.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const DATA_ROLES_FILE = path.resolve(import.meta.dirname, '../../training/data-roles.json');

export const DATA_ROLE_NAMES = ['training', 'validation', 'evaluation', 'not model data'] as const;
export type DataRoleName = (typeof DATA_ROLE_NAMES)[number];

export interface DataRole {
  /** The set's name in ../shared/data (a file stem or a folder). */
  set: string;
  /** Which part of it has this role. */
  part: string;
  role: DataRoleName;
  /** The decisions made on it; for an evaluation set, non-null means its figures are not held out. */
  usedForDecision: string | null;
  /** The report.json keys whose figures come from it. */
  report: string[];
  note: string;
}

export interface DataRolesSection {
  note: string;
  roles: Record<string, string>;
  sets: DataRole[];
  /** report.json key -> the decisions made on the data behind it: every validation figure, and evaluation figures
   * on a set used for a decision. */
  figuresUsedForDecision: Record<string, string>;
}

function fail(message: string): never {
  throw new TypeError(`training/data-roles.json: ${message}`);
}

function checkRow(row: unknown, index: number): DataRole {
  const where = `sets[${index}]`;
  if (typeof row !== 'object' || row === null) fail(`${where} is not an object`);
  const { set, part, role, usedForDecision, report, note } = row as Record<string, unknown>;
  if (typeof set !== 'string' || !set) fail(`${where}.set must name a data set`);
  if (typeof part !== 'string' || !part) fail(`${where}.part must say which part of ${set}`);
  if (!DATA_ROLE_NAMES.includes(role as DataRoleName)) fail(`${where}.role must be one of ${DATA_ROLE_NAMES.join(', ')}, got ${String(role)}`);
  if (usedForDecision !== null && (typeof usedForDecision !== 'string' || !usedForDecision)) fail(`${where}.usedForDecision must be null or say which decision`);
  if (usedForDecision !== null && role !== 'validation' && role !== 'evaluation') fail(`${where}: only validation or evaluation data can be used for a decision (${set}, ${role})`);
  if (!Array.isArray(report) || !report.every((key) => typeof key === 'string')) fail(`${where}.report must list report.json keys`);
  if (typeof note !== 'string') fail(`${where}.note must be a string`);
  return { set, part, role: role as DataRoleName, usedForDecision: usedForDecision as string | null, report: report as string[], note };
}

/** The report's `dataRoles` section from the file's JSON: checked, and the figures used for a decision listed. */
export function dataRolesSection(json: unknown): DataRolesSection {
  if (typeof json !== 'object' || json === null) fail('not an object');
  const { note, roles, sets } = json as Record<string, unknown>;
  if (typeof note !== 'string') fail('note must be a string');
  if (typeof roles !== 'object' || roles === null) fail('roles must describe each role');
  for (const name of DATA_ROLE_NAMES) if (typeof (roles as Record<string, unknown>)[name] !== 'string') fail(`roles.${name} must describe the role`);
  if (!Array.isArray(sets) || sets.length === 0) fail('sets must list the data sets');
  const rows = sets.map(checkRow);
  const figuresUsedForDecision: Record<string, string> = {};
  for (const row of rows) {
    if (row.usedForDecision === null) continue;
    for (const key of row.report) {
      const known = figuresUsedForDecision[key];
      if (known === undefined) figuresUsedForDecision[key] = row.usedForDecision;
      else if (!known.split('; ').includes(row.usedForDecision)) figuresUsedForDecision[key] = `${known}; ${row.usedForDecision}`;
    }
  }
  return { note, roles: roles as Record<string, string>, sets: rows, figuresUsedForDecision };
}

/** The section as `npm run models:eval` writes it into report.json. */
export async function readDataRoles(file = DATA_ROLES_FILE): Promise<DataRolesSection> {
  return dataRolesSection(JSON.parse(await readFile(file, 'utf8')));
}
