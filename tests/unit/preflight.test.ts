/**
 * The test command's preflight (scripts/preflight.ts): a missing Chromium or PyTorch is installed with apt-get when
 * running as root, else the run stops before any test with the exact command. Real requirements are never
 * uninstalled here: the script runs as a child process with CHROMIUM_PATH / PREFLIGHT_PYTHON pointing into a
 * temporary folder and a PATH whose apt-get is a stub that records its arguments.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PreflightHost, Requirement } from '../../scripts/preflight';
import { installCommand, preflight } from '../../scripts/preflight';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A requirement that is present from the start, or only once apt-get has installed its packages. */
function need(what: string, packages: string[], state: { installed: Set<string> }, presentAtStart = false): Requirement {
  return { what, aptPackages: packages, present: () => presentAtStart || packages.every((name) => state.installed.has(name)) };
}

function fakeHost(isRoot: boolean, state: { installed: Set<string> }, aptWorks = true) {
  const calls: string[] = [];
  const host: PreflightHost = {
    isRoot,
    run: (command, args) => {
      calls.push([command, ...args].join(' '));
      if (aptWorks && args[0] === 'install') for (const name of args.slice(2)) state.installed.add(name);
      return aptWorks;
    },
    log: () => undefined,
  };
  return { host, calls };
}

describe('preflight decisions', () => {
  it('does nothing when everything is there', () => {
    const state = { installed: new Set<string>() };
    const { host, calls } = fakeHost(true, state);
    expect(preflight([need('Chromium', ['chromium'], state, true)], host)).toEqual({ ok: true, installed: [] });
    expect(calls).toEqual([]);
  });

  it('as root, installs only what is missing with apt-get, then checks again', () => {
    const state = { installed: new Set<string>() };
    const { host, calls } = fakeHost(true, state);
    const outcome = preflight([need('Chromium', ['chromium'], state, true), need('PyTorch', ['python3-torch', 'python3-pil'], state)], host);
    expect(outcome).toEqual({ ok: true, installed: ['python3-torch', 'python3-pil'] });
    expect(calls).toEqual(['apt-get update', 'apt-get install -y python3-torch python3-pil']);
  });

  it('as root, stops with the command when apt-get fails', () => {
    const state = { installed: new Set<string>() };
    const { host } = fakeHost(true, state, false);
    expect(preflight([need('Chromium', ['chromium'], state)], host)).toEqual({
      ok: false,
      missing: ['Chromium'],
      command: 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium',
    });
  });

  it('says what to do for what no package provides (the data sets), and installs nothing for it', () => {
    const state = { installed: new Set<string>() };
    const { host, calls } = fakeHost(true, state);
    const data: Requirement = { what: 'the data sets', aptPackages: [], present: () => false, instead: 'put the data folder at ../shared/data' };
    expect(preflight([need('Chromium', ['chromium'], state, true), data], host)).toEqual({ ok: false, missing: ['the data sets'], command: 'put the data folder at ../shared/data' });
    expect(calls).toEqual([]);
    // With a package missing too: apt-get installs it, the data is still said.
    const outcome = preflight([need('Chromium', ['chromium'], state), data], host);
    expect(outcome).toEqual({ ok: false, missing: ['the data sets'], command: 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n  put the data folder at ../shared/data' });
    expect(calls).toEqual(['apt-get update', 'apt-get install -y chromium']);
  });

  it('as another user, runs nothing and gives the sudo command for everything missing', () => {
    const state = { installed: new Set<string>() };
    const { host, calls } = fakeHost(false, state);
    const outcome = preflight([need('Chromium', ['chromium'], state), need('PyTorch', ['python3-torch'], state)], host);
    expect(outcome).toEqual({
      ok: false,
      missing: ['Chromium', 'PyTorch'],
      command: 'sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium python3-torch',
    });
    expect(calls).toEqual([]);
  });
});

// Each test spawns tsx: seconds on a busy machine.
describe('npm test preflight as a process (stubbed apt-get, env overrides)', { timeout: 60_000 }, () => {
  let dir: string;
  const isRoot = process.getuid?.() === 0;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'preflight-'));
    // apt-get stub: records its arguments; "install" makes the fake Chromium appear unless told to fail.
    writeFileSync(
      path.join(dir, 'apt-get'),
      '#!/bin/sh\necho "$*" >> "$STUB_LOG"\n[ -n "$STUB_FAIL" ] && exit 100\n[ "$1" = install ] && printf "#!/bin/sh\\n" > "$STUB_CHROMIUM" && chmod +x "$STUB_CHROMIUM"\nexit 0\n',
    );
    chmodSync(path.join(dir, 'apt-get'), 0o755);
    writeFileSync(path.join(dir, 'python-with-torch'), '#!/bin/sh\nexit 0\n');
    writeFileSync(path.join(dir, 'python-without-torch'), '#!/bin/sh\necho "ModuleNotFoundError: No module named torch" >&2\nexit 1\n');
    chmodSync(path.join(dir, 'python-with-torch'), 0o755);
    chmodSync(path.join(dir, 'python-without-torch'), 0o755);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function runPreflight(python: string, extra: Record<string, string> = {}) {
    const env = {
      PATH: `${dir}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: process.env.HOME ?? dir,
      CHROMIUM_PATH: path.join(dir, 'chromium'),
      PREFLIGHT_PYTHON: path.join(dir, python),
      STUB_LOG: path.join(dir, 'apt.log'),
      STUB_CHROMIUM: path.join(dir, 'chromium'),
      ...extra,
    };
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/preflight.ts'], { cwd: ROOT, env, encoding: 'utf8' });
    const aptCalls = existsSync(env.STUB_LOG) ? readFileSync(env.STUB_LOG, 'utf8').trim().split('\n') : [];
    return { status: result.status, stderr: result.stderr, aptCalls, seconds: (Date.now() - started) / 1000 };
  }

  it.runIf(isRoot)('as root: installs a missing Chromium with apt-get and passes', () => {
    const run = runPreflight('python-with-torch');
    expect(run.aptCalls).toEqual(['update', 'install -y chromium']);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'chromium'))).toBe(true);
  });

  it.runIf(isRoot)('as root: apt-get failing stops the run at once with the exact command', () => {
    const run = runPreflight('python-without-torch', { STUB_FAIL: '1' });
    expect(run.status).toBe(1);
    expect(run.aptCalls).toEqual(['update']);
    expect(run.stderr).toContain('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium python3-torch libopenblas0-openmp python3-pil');
    expect(run.seconds).toBeLessThan(20);
  });

  it.skipIf(isRoot)('as another user: stops at once with the sudo command and installs nothing', () => {
    const run = runPreflight('python-without-torch');
    expect(run.status).toBe(1);
    expect(run.aptCalls).toEqual([]);
    expect(run.stderr).toContain(installCommand(['chromium', 'python3-torch', 'libopenblas0-openmp', 'python3-pil'], false));
  });

  it('stops at once, naming the folder, when ../shared/data is missing', () => {
    writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'chromium'), 0o755);
    const run = runPreflight('python-with-torch', { PREFLIGHT_DATA_DIR: path.join(dir, 'no-data') });
    expect(run.status).toBe(1);
    expect(run.aptCalls).toEqual([]);
    expect(run.stderr).toContain(`preflight: missing the data sets in ${path.join(dir, 'no-data')}`);
    expect(run.stderr).toContain(`put the project's shared data folder at ${path.join(dir, 'no-data')}`);
  });

  it('passes without touching apt-get when both are there', () => {
    writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'chromium'), 0o755);
    const run = runPreflight('python-with-torch');
    expect(run.status, run.stderr).toBe(0);
    expect(run.aptCalls).toEqual([]);
  });
});
