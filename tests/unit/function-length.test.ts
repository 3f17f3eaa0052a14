/**
 * No function longer than a page: every function in src/ (declarations, methods, accessors, constructors, function
 * expressions and arrow functions, measured by the TypeScript compiler from its first line to its last) and every
 * Python function in training/*.py (measured by Python's `ast`, lambdas included) is at most MAX_LINES lines.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 80;
const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');
const TRAINING = path.join(ROOT, 'training');

interface FunctionLength {
  where: string;
  name: string;
  lines: number;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every function with a body in one TypeScript file, with its length in lines (start line to end line). */
function typescriptFunctions(file: string): FunctionLength[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && !ts.isComputedPropertyName(node.name) ? node.name.getText(source) : '(anonymous)';
      found.push({ where: `${path.relative(ROOT, file)}:${start + 1}`, name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every Python function (and lambda) in training/*.py, with its length in lines, from the system Python's ast. */
function pythonFunctions(): FunctionLength[] {
  const script = `
import ast, glob, json, os, sys
found = []
for file in sorted(glob.glob(os.path.join(sys.argv[1], '*.py'))):
    with open(file, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), file)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            found.append({'where': f'{os.path.relpath(file, sys.argv[2])}:{node.lineno}', 'name': getattr(node, 'name', '(lambda)'), 'lines': node.end_lineno - node.lineno + 1})
print(json.dumps(found))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, TRAINING, ROOT], { encoding: 'utf8' })) as FunctionLength[];
}

const tooLong = (functions: FunctionLength[]) =>
  functions.filter((f) => f.lines > MAX_LINES).map((f) => `${f.where} ${f.name}: ${f.lines} lines`);

describe(`functions are at most ${MAX_LINES} lines`, () => {
  it('in src/ (TypeScript)', () => {
    const functions = sourceFiles(SRC).flatMap(typescriptFunctions);
    // The measure finds functions at all: parseManifest is one of them.
    expect(functions.some((f) => f.name === 'parseManifest')).toBe(true);
    expect(tooLong(functions)).toEqual([]);
  });

  it('in training/*.py (Python)', () => {
    const functions = pythonFunctions();
    expect(functions.some((f) => f.name === 'main')).toBe(true);
    expect(tooLong(functions)).toEqual([]);
  });
});
