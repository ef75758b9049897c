/**
 * Writes to system paths, for the lock: file operations on `/etc/claude-code` (the managed
 * settings and their drop-in folder) and the one kernel parameter Airlock changes (AppArmor's
 * user-namespace restriction, for the sandbox). As root they are plain fs calls; otherwise each is
 * one `sudo -n` command. Every command is an argument array, never a shell string. I/O.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, rmdirSync } from 'node:fs'
import path from 'node:path'

/**
 * File operations on system paths (`/etc/claude-code`). As root they are plain fs calls; as a
 * user with passwordless sudo (GitHub-hosted runners) each one is one `sudo -n` command with an
 * argument array. Content is always staged in a file the caller owns first.
 */
export interface PrivilegedFs {
  readonly viaSudo: boolean
  mkdir(dir: string): void
  /** Copies `from` to `to` byte for byte, with mode `mode` and owner root. */
  install(from: string, to: string, mode: number): void
  /** Copies preserving mode, owner and times. */
  copy(from: string, to: string): void
  move(from: string, to: string): void
  remove(file: string): void
  /** Removes an empty folder; does nothing when it is not empty. */
  removeEmptyDir(dir: string): void
}

function sudo(args: string[]): void {
  execFileSync('sudo', ['-n', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
}

const direct: PrivilegedFs = {
  viaSudo: false,
  mkdir: (dir) => mkdirSync(dir, { recursive: true, mode: 0o755 }),
  install: (from, to, mode) => {
    const staged = path.join(path.dirname(to), `.${path.basename(to)}.airlock-tmp`)
    copyFileSync(from, staged)
    chmodSync(staged, mode)
    renameSync(staged, to)
  },
  copy: (from, to) => execFileSync('cp', ['-p', '--', from, to]),
  move: (from, to) => renameSync(from, to),
  remove: (file) => rmSync(file, { force: true }),
  removeEmptyDir: (dir) => {
    try {
      rmdirSync(dir)
    } catch {
      // Not empty or already gone: leave it.
    }
  },
}

const viaSudo: PrivilegedFs = {
  viaSudo: true,
  mkdir: (dir) => sudo(['mkdir', '-p', '-m', '755', '--', dir]),
  install: (from, to, mode) =>
    sudo(['install', '-m', mode.toString(8), '-o', 'root', '-g', 'root', '--', from, to]),
  copy: (from, to) => sudo(['cp', '-p', '--', from, to]),
  move: (from, to) => sudo(['mv', '-f', '--', from, to]),
  remove: (file) => sudo(['rm', '-f', '--', file]),
  removeEmptyDir: (dir) => {
    try {
      sudo(['rmdir', '--', dir])
    } catch {
      // Not empty or already gone: leave it.
    }
  },
}

/** Ubuntu 24.04's switch that stops bubblewrap (unprivileged user namespaces) under AppArmor. */
export const APPARMOR_USERNS_SYSCTL = 'kernel.apparmor_restrict_unprivileged_userns'

/** Sets a kernel parameter (`sysctl -w key=value`), with `sudo -n` when asked. Throws on failure. */
export function setSysctl(key: string, value: string, useSudo: boolean): void {
  const args = ['sysctl', '-q', '-w', `${key}=${value}`]
  if (useSudo) sudo(args)
  else execFileSync(args[0] ?? 'sysctl', args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** True when this process may write system paths itself. */
export function isRoot(): boolean {
  return process.getuid?.() === 0
}

/** Whether passwordless sudo works here. */
export function hasPasswordlessSudo(): boolean {
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}

/**
 * The way to change system paths on this runner, or `null` when there is none (not root, no
 * passwordless sudo): the lock cannot be written, and the action fails closed.
 */
export function privilegedFs(): PrivilegedFs | null {
  if (isRoot()) return direct
  if (hasPasswordlessSudo()) return viaSudo
  return null
}

/** The implementation recorded in state (`viaSudo`), for the post step. */
export function privilegedFsFor(useSudo: boolean): PrivilegedFs {
  return useSudo ? viaSudo : direct
}
