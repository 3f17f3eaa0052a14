/**
 * training/subject-labels.json labels exactly the generated test-split pictures of training/data-splits.json, each as
 * a photograph or an illustration, so the report's bySubject rows cover the whole test split and nothing else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DataSplits } from '../../src/node/evaluate-wild';
import { SPLITS_FILE, SUBJECTS, SUBJECTS_FILE } from '../../src/node/evaluate-wild';

const splits = JSON.parse(readFileSync(SPLITS_FILE, 'utf8')) as DataSplits;
const { labels } = JSON.parse(readFileSync(SUBJECTS_FILE, 'utf8')) as { labels: Record<string, string> };

describe('subject labels', () => {
  it('cover every generated test picture and no other picture', () => {
    const generatedTest = splits.pictures.filter((p) => p.split === 'test' && p.label === 'generated').map((p) => p.file);
    expect(Object.keys(labels).sort()).toEqual([...generatedTest].sort());
  });

  it('are photograph or illustration, both in use', () => {
    const values = Object.values(labels);
    expect(values.every((v) => (SUBJECTS as readonly string[]).includes(v))).toBe(true);
    for (const subject of SUBJECTS) expect(values.filter((v) => v === subject).length, subject).toBeGreaterThan(20);
  });
});
