/**
 * No import cycle anywhere in src/, type-only imports included; and the worker's ONNX Runtime code is split by
 * concern (runtime.ts over ort-builds.ts, webgpu-device.ts and fallback.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The module files a file imports by relative path (static, dynamic, type-only and re-exports). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.flatMap((specifier) => {
    const target = path.resolve(path.dirname(file), specifier);
    for (const candidate of [target, `${target}.ts`, path.join(target, 'index.ts')]) if (candidate.endsWith('.ts') && existsSync(candidate)) return [candidate];
    return [];
  });
}

/** Whether `file` imports itself through some chain of imports: a path back to it, or null. */
function cycleThrough(file: string, graph: Map<string, string[]>): string[] | null {
  const seen = new Set<string>();
  const walk = (current: string, trail: string[]): string[] | null => {
    for (const next of graph.get(current) ?? []) {
      if (next === file) return [...trail, next];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...trail, next]);
      if (found) return found;
    }
    return null;
  };
  return walk(file, [file]);
}

describe('import graph', () => {
  it('has no cycle through any module in src/', () => {
    const files = sourceFiles(SRC);
    const graph = new Map(files.map((file) => [file, imports(file)]));
    // The graph is read at all: protocol.ts's imports are found.
    expect(graph.get(path.join(SRC, 'detector/protocol.ts'))?.length).toBeGreaterThan(0);
    const cycles = files.flatMap((file) => {
      const cycle = cycleThrough(file, graph);
      return cycle ? [cycle.map((step) => path.relative(SRC, step)).join(' -> ')] : [];
    });
    expect(cycles).toEqual([]);
  });

  it('has no cycle through the runtime modules', () => {
    const files = sourceFiles(SRC);
    const graph = new Map(files.map((file) => [file, imports(file)]));
    for (const name of ['runtime.ts', 'ort-builds.ts', 'webgpu-device.ts', 'fallback.ts']) {
      expect(cycleThrough(path.join(SRC, 'detector/worker', name), graph)?.map((file) => path.relative(SRC, file)) ?? null, name).toBeNull();
    }
  });

  it('keeps the worker runtime split by concern: builds, device watching and fallback never import runtime.ts', () => {
    const worker = path.join(SRC, 'detector/worker');
    for (const name of ['ort-builds.ts', 'webgpu-device.ts', 'fallback.ts']) {
      expect(imports(path.join(worker, name)).map((file) => path.basename(file)), name).not.toContain('runtime.ts');
    }
    expect(imports(path.join(worker, 'webgpu-device.ts')).map((file) => path.basename(file))).toEqual(['ort-builds.ts']);
  });
});
