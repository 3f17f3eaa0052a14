/**
 * docs/package.md ("Using the npm package in your own app") as steps: between `<!-- consumer: NAME -->`
 * markers, each fenced block whose info string names a file (```ts main.ts) is a file to write, each ```sh block
 * holds commands to run, one a line. tests/package/consumer.test.ts carries them out as written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type ReadmeStep = { kind: 'file'; path: string; text: string } | { kind: 'command'; line: string };
export type ConsumerName = 'web' | 'node' | 'npx';

export function readmeConsumers(guideFile: string): Record<ConsumerName, ReadmeStep[]> {
  const readme = readFileSync(guideFile, 'utf8');
  const parts = readme.split(/^<!-- consumer: (\w+) -->$/m);
  const found: Partial<Record<ConsumerName, ReadmeStep[]>> = {};
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    if (name === 'end') break;
    const steps: ReadmeStep[] = [];
    for (const block of parts[i + 1]!.matchAll(/^```(\w+)(?: +(\S+))?\n([\s\S]*?)^```$/gm)) {
      const [, language, file, text] = block;
      if (file) steps.push({ kind: 'file', path: path.normalize(file), text: text! });
      else if (language === 'sh') for (const line of text!.split('\n')) if (line.trim() && !line.trim().startsWith('#')) steps.push({ kind: 'command', line: line.trim() });
    }
    found[name as ConsumerName] = steps;
  }
  for (const name of ['web', 'node', 'npx'] as const) if (!found[name]?.length) throw new Error(`${path.basename(guideFile)} has no steps for the "${name}" consumer`);
  return found as Record<ConsumerName, ReadmeStep[]>;
}

/** A command without its trailing `# comment`, as a key for its output. */
export const commandKey = (line: string) => line.replace(/\s+#.*$/, '').trim();
