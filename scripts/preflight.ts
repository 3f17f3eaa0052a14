/**
 * `npm test`, step one: what the suite needs from outside node_modules, checked before any test starts, so a
 * missing browser or PyTorch stops the run at once with the command that fixes it instead of failing deep inside
 * a test. As root with apt-get (a fresh Debian machine, CI) it installs what is missing itself.
 *  - Chromium for the end-to-end tests: playwright-core drives it and downloads no browser itself.
 *  - Debian's PyTorch and Pillow for the model tests (ONNX parity, smoke retrain), under /usr/bin/python3.
 *  - The data sets in ../shared/data, beside this repository, for the model tests (the smoke retrain trains on
 *    them, the evaluation subset scores them): no package has them, so a missing folder stops the run with where
 *    they belong.
 * Environment: CHROMIUM_PATH (the browser the e2e harness launches, default /usr/bin/chromium),
 * PREFLIGHT_PYTHON (the Python to check, default /usr/bin/python3, the one the model tests run) and
 * PREFLIGHT_DATA_DIR (default ../shared/data); the last two for testing this.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Requirement {
  /** What it is and what needs it, for the messages. */
  what: string;
  present(): boolean;
  /** Debian packages that provide it; none when no package does (then `instead` says what to do). */
  aptPackages: string[];
  instead?: string;
}

export interface PreflightHost {
  isRoot: boolean;
  /** Runs a command with inherited output; true when it exits 0 (false also when it cannot start). */
  run(command: string, args: string[], env?: Record<string, string>): boolean;
  log(line: string): void;
}

export type PreflightOutcome = { ok: true; installed: string[] } | { ok: false; missing: string[]; command: string };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function requirements(env: NodeJS.ProcessEnv = process.env): Requirement[] {
  const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const python = env.PREFLIGHT_PYTHON ?? '/usr/bin/python3';
  const data = env.PREFLIGHT_DATA_DIR ?? path.resolve(import.meta.dirname, '../../shared/data');
  return [
    { what: `Chromium at ${chromium} (end-to-end tests)`, present: () => isExecutable(chromium), aptPackages: ['chromium'] },
    {
      what: `PyTorch and Pillow for ${python} (model tests)`,
      present: () => spawnSync(python, ['-c', 'import torch, PIL'], { stdio: 'ignore' }).status === 0,
      // libopenblas0-openmp: Debian's torch wants an OpenMP BLAS; the pthreads one deadlocks with its threads.
      aptPackages: ['python3-torch', 'libopenblas0-openmp', 'python3-pil'],
    },
    {
      what: `the data sets in ${data} (model tests: smoke retrain, evaluation subset)`,
      // What the model tests read first: the CIFAR-10 sets and the photographs (shared/data/README.md lists all).
      present: () => ['cifar10_train.json', 'cifar10_test.json', 'mnist_test.json', 'photos'].every((name) => existsSync(path.join(data, name))),
      aptPackages: [],
      instead: `put the project's shared data folder at ${data} (beside this repository; its README.md lists the sets)`,
    },
  ];
}

/** The command a person runs to install these packages. */
export const installCommand = (packages: string[], isRoot: boolean) => {
  const sudo = isRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;
};

/** Checks every requirement; installs the missing ones when it can (root with apt-get), else says how. */
export function preflight(needs: Requirement[], host: PreflightHost): PreflightOutcome {
  const missing = needs.filter((need) => !need.present());
  if (missing.length === 0) return { ok: true, installed: [] };
  const packages = missing.flatMap((need) => need.aptPackages);
  // What apt-get cannot install is said in words, after the apt-get command when there is one.
  const instead = missing.filter((need) => need.aptPackages.length === 0).map((need) => need.instead ?? `provide ${need.what}`);
  const command = [...(packages.length > 0 ? [installCommand(packages, host.isRoot)] : []), ...instead].join('\n  ');
  for (const need of missing) host.log(`preflight: missing ${need.what}`);
  if (host.isRoot && packages.length > 0) {
    host.log(`preflight: installing ${packages.join(' ')} with apt-get`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (host.run('apt-get', ['update'], env) && host.run('apt-get', ['install', '-y', ...packages], env)) {
      const still = missing.filter((need) => !need.present());
      if (still.length === 0) return { ok: true, installed: packages };
      return { ok: false, missing: still.map((need) => need.what), command };
    }
  }
  return { ok: false, missing: missing.map((need) => need.what), command };
}

async function main(): Promise<void> {
  const host: PreflightHost = {
    isRoot: process.getuid?.() === 0,
    run: (command, args, env) => spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const outcome = preflight(requirements(), host);
  if (outcome.ok) {
    if (outcome.installed.length > 0) host.log(`preflight: installed ${outcome.installed.join(' ')}`);
    return;
  }
  host.log(`preflight: the tests cannot run without ${outcome.missing.join(' and ')}. Install with:\n\n  ${outcome.command}\n`);
  process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
