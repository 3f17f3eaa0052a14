/**
 * training/data-roles.json and the report section built from it (src/node/data-roles.ts): every data set of
 * ../shared/data has a role, evaluation sets used for a decision say so, and report.json's figures on them are
 * listed as used for a decision.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_ROLES_FILE, dataRolesSection, readDataRoles } from '../../src/node/data-roles';
import { DEFAULT_DATA_DIR } from '../../src/node/datasets';

const committed = () => JSON.parse(readFileSync(DATA_ROLES_FILE, 'utf8')) as { sets: Array<Record<string, unknown>> } & Record<string, unknown>;
const withRow = (change: Record<string, unknown>, index = 0) => {
  const json = committed();
  json.sets[index] = { ...json.sets[index], ...change };
  return json;
};

describe('data roles', () => {
  it('gives every data set of ../shared/data a role (data files and folders alike)', async () => {
    const section = await readDataRoles();
    const named = new Set(section.sets.map((row) => row.set.split('/')[0]));
    // The sets the data README describes: NAME.json + NAME.* files, and the folders.
    const entries = readdirSync(DEFAULT_DATA_DIR, { withFileTypes: true });
    const sets = new Set([
      ...entries.filter((entry) => entry.isFile() && entry.name.endsWith('.json')).map((entry) => entry.name.replace(/\.json$/, '')),
      ...entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name),
    ]);
    expect(sets.size).toBeGreaterThan(10);
    for (const set of sets) expect(named, `${set} has no row in training/data-roles.json`).toContain(set);
    // photos/ has two halves with different roles.
    expect(section.sets.filter((row) => row.set.startsWith('photos/')).map((row) => row.set)).toEqual(expect.arrayContaining(['photos/train', 'photos/val']));
  });

  it('names the sets the trace view\'s split file uses (training/data-splits.json)', async () => {
    const section = await readDataRoles();
    const splits = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../training/data-splits.json'), 'utf8')) as { pictures: Array<{ file: string }> };
    const folders = new Set(splits.pictures.map((picture) => picture.file.split('/')[0]));
    const named = new Set(section.sets.map((row) => row.set.split('/')[0]));
    for (const folder of folders) expect(named).toContain(folder);
  });

  it('lists the figures on evaluation sets used for a decision, and every validation figure, as used for a decision', async () => {
    const section = await readDataRoles();
    const decided = section.sets.filter((row) => row.usedForDecision !== null);
    // The history: PRIOR_WEIGHT on the seed protocol's sets, the second round on cifar10_test's false alarms.
    for (const set of ['cifar10_test', 'mnist_test', 'fashion_mnist_test_2k']) {
      expect(decided.find((row) => row.set === set)?.role, set).toBe('evaluation');
    }
    for (const row of decided) for (const key of row.report) expect(section.figuresUsedForDecision[key]).toContain(row.usedForDecision);
    expect(Object.keys(section.figuresUsedForDecision)).toEqual(expect.arrayContaining(['seedProtocol', 'falseAlarm.cifar10_test', 'generated.cifakeValidation']));
    // A held-out figure is not listed.
    expect(section.figuresUsedForDecision['generated.sd15HeldOutGrids']).toBeUndefined();
    expect(section.figuresUsedForDecision['auroc.fake_cifar_like']).toBeUndefined();
  });

  it('joins the decisions of two sets behind one figure', () => {
    const json = committed();
    json.sets = [
      { set: 'a', part: 'all', role: 'evaluation', usedForDecision: 'x', report: ['k'], note: '' },
      { set: 'b', part: 'all', role: 'validation', usedForDecision: 'y', report: ['k', 'j'], note: '' },
      { set: 'c', part: 'all', role: 'evaluation', usedForDecision: null, report: ['h'], note: '' },
      { set: 'd', part: 'all', role: 'evaluation', usedForDecision: 'y', report: ['k'], note: '' },
    ];
    // Once each: d's decision is b's.
    expect(dataRolesSection(json).figuresUsedForDecision).toEqual({ k: 'x; y', j: 'y' });
  });

  it('refuses a table that would mislead: unknown role, a decision on training data, a row without its part', () => {
    expect(() => dataRolesSection(withRow({ role: 'test' }))).toThrow(/role must be one of/);
    const training = committed().sets.findIndex((row) => row.role === 'training');
    expect(() => dataRolesSection(withRow({ usedForDecision: 'calibration' }, training))).toThrow(/only validation or evaluation/);
    expect(() => dataRolesSection(withRow({ part: '' }))).toThrow(/part/);
    expect(() => dataRolesSection(withRow({ report: 'seedProtocol' }))).toThrow(/report/);
    expect(() => dataRolesSection({ ...committed(), sets: [] })).toThrow(/sets/);
  });

  it('is what report.json carries, once models:eval has been run with it', () => {
    const report = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../public/models/report.json'), 'utf8')) as { dataRoles?: unknown };
    // report.json predates the table until the next `npm run models:eval`; from then on it must match the file.
    if (report.dataRoles !== undefined) expect(report.dataRoles).toEqual(dataRolesSection(committed()));
    expect(existsSync(DATA_ROLES_FILE)).toBe(true);
  });
});
