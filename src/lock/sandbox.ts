/**
 * The OS sandbox: probes bubblewrap the way the CLI starts it (full, or the weaker nested
 * variant) and decides by the `sandbox` input, with one sentence naming the fix when it cannot
 * start. `decideSandbox`, `explainProbeFailure` and `capDropWrapper` are pure; `probeSandbox` runs
 * `bwrap` and reads one `/proc/sys` file; `findProgram` looks on PATH.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import type { SandboxSetting } from './policy.js'
import type { SandboxMode } from '../types/stages.js'

/** What the probe saw. */
export interface ProbeResult {
  ok: boolean
  /** Missing programs (bwrap, socat). */
  missing: string[]
  /** bubblewrap's own error, when it ran and failed. */
  error: string | null
  /** `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 24.04), when present. */
  apparmorRestrictsUserns: boolean
}

/** The sandbox decision and the sentences that explain it. */
export interface SandboxDecision {
  setting: SandboxSetting
  /** Set when the agent must not run. */
  refusal: string | null
  warnings: string[]
}

/**
 * Turns a probe result and the `sandbox` input into a decision, with one sentence naming the fix.
 * `required` fails closed; `best-effort` may fall back to the weaker nested sandbox (when that
 * probe passes) or, last, to no sandbox, always with a warning; `off` never probes.
 */
export function decideSandbox(
  mode: SandboxMode,
  full: ProbeResult | null,
  weaker: ProbeResult | null,
): SandboxDecision {
  if (mode === 'off') {
    return {
      setting: 'off',
      refusal: null,
      warnings: [
        'The OS sandbox is off (sandbox: off): commands the agent runs are confined by deny rules only, not by the kernel.',
      ],
    }
  }
  if (full?.ok === true) return { setting: 'on', refusal: null, warnings: [] }
  const why = explainProbeFailure(full)
  if (mode === 'required') {
    return { setting: 'off', refusal: `The OS sandbox cannot start here: ${why}`, warnings: [] }
  }
  if (weaker?.ok === true) {
    return {
      setting: 'weaker-nested',
      refusal: null,
      warnings: [
        `The full OS sandbox cannot start here (${why}); using the weaker nested sandbox (sandbox: best-effort), which shares /proc with the container.`,
      ],
    }
  }
  return {
    setting: 'off',
    refusal: null,
    warnings: [
      `The OS sandbox cannot start here (${why}); running without it (sandbox: best-effort).`,
    ],
  }
}

/** One sentence: what failed and how to fix it. */
export function explainProbeFailure(result: ProbeResult | null): string {
  if (result === null) return 'it was not probed.'
  if (result.missing.length > 0) {
    return `${result.missing.join(' and ')} not found; install them first (Debian/Ubuntu: sudo apt-get install -y bubblewrap socat).`
  }
  if (result.apparmorRestrictsUserns) {
    return 'AppArmor forbids unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, Ubuntu 24.04); run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` in a step before Airlock.'
  }
  const detail = (result.error ?? 'unknown error').split('\n')[0]?.slice(0, 200) ?? ''
  return `bubblewrap failed (${detail}); inside Docker, run the job container with --privileged or a seccomp/AppArmor profile that allows user namespaces, or set sandbox: best-effort to accept the weaker nested sandbox.`
}

/**
 * The wrapper the CLI runs instead of bubblewrap when it runs as root: bubblewrap started by root
 * keeps root's capabilities inside the sandbox, and with CAP_SYS_ADMIN a command can simply
 * remount the read-only views writable (seen here: `mount -o remount,bind,rw /` succeeded).
 * `--cap-drop ALL` takes every capability from the sandboxed command.
 */
export function capDropWrapper(bwrap: string): string {
  return `#!/bin/sh\nexec '${bwrap.replaceAll("'", `'\\''`)}' --cap-drop ALL --cap-add CAP_SETUID --cap-add CAP_SETGID --cap-add CAP_SETFCAP "$@"\n`
}

/** The absolute path of a program on PATH, or null. */
export function findProgram(
  program: string,
  pathVar: string = process.env.PATH ?? '',
): string | null {
  for (const dir of pathVar.split(':')) {
    if (dir === '' || !dir.startsWith('/')) continue
    try {
      accessSync(`${dir}/${program}`, constants.X_OK)
      return `${dir}/${program}`
    } catch {
      // Not here.
    }
  }
  return null
}

function which(program: string, pathVar: string): boolean {
  return pathVar.split(':').some((dir) => {
    if (dir === '') return false
    try {
      accessSync(`${dir}/${program}`, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/**
 * Starts bubblewrap with the namespaces the CLI uses (new session, PID and network namespaces,
 * a fresh /proc) — or, for `weaker`, the CLI's nested variant (user namespace, /proc bound) —
 * and runs `/bin/true` in it.
 */
export function probeSandbox(weaker = false): ProbeResult {
  const pathVar = process.env.PATH ?? '/usr/bin:/bin'
  const missing = ['bwrap', 'socat'].filter((program) => !which(program, pathVar))
  let apparmor: boolean
  try {
    apparmor =
      readFileSync('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').trim() === '1'
  } catch {
    apparmor = false
  }
  if (missing.includes('bwrap'))
    return { ok: false, missing, error: null, apparmorRestrictsUserns: apparmor }
  const procArgs = weaker ? ['--unshare-user', '--bind', '/proc', '/proc'] : ['--proc', '/proc']
  const run = spawnSync(
    'bwrap',
    [
      '--new-session',
      '--die-with-parent',
      '--unshare-net',
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--unshare-pid',
      ...procArgs,
      '--',
      '/bin/true',
    ],
    { encoding: 'utf8', timeout: 15_000 },
  )
  const ok = run.status === 0 && missing.length === 0
  return {
    ok,
    missing,
    error:
      run.status === 0 ? null : run.stderr || run.error?.message || `exit ${String(run.status)}`,
    apparmorRestrictsUserns: apparmor && run.status !== 0,
  }
}
