/**
 * Writes to system paths, for the lock: file operations on `/etc/claude-code` (the managed
 * settings and their drop-in folder) and the one kernel parameter Airlock changes (AppArmor's
 * user-namespace restriction, for the sandbox). As root they are plain fs calls (but `cp -p`);
 * otherwise each is one `sudo -n` command. Every command is a program and an argument array Airlock
 * chose, never a shell string, run through `@actions/exec` so that the log shows it
 * (`[command]/usr/bin/sudo -n …`). I/O.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, rmdirSync } from 'node:fs'
import path from 'node:path'
import { getExecOutput, type ExecOutput } from '@actions/exec'
import { errorMessage } from '../pipeline/errors.js'

/**
 * File operations on system paths (`/etc/claude-code`). As root they are plain fs calls; as a
 * user with passwordless sudo (GitHub-hosted runners) each one is one `sudo -n` command with an
 * argument array. Content is always staged in a file the caller owns first. Each operation is
 * done when its promise settles; a failure rejects with one sentence naming the command.
 */
export interface PrivilegedFs {
  readonly viaSudo: boolean
  mkdir(dir: string): Promise<void>
  /** Copies `from` to `to` byte for byte, with mode `mode` and owner root. */
  install(from: string, to: string, mode: number): Promise<void>
  /** Copies preserving mode, owner and times. */
  copy(from: string, to: string): Promise<void>
  move(from: string, to: string): Promise<void>
  remove(file: string): Promise<void>
  /** Removes an empty folder; does nothing when it is not empty or gone. Never rejects. */
  removeEmptyDir(dir: string): Promise<void>
}

/**
 * Runs `program` with `args` and waits for it; throws, naming the command and with its stderr,
 * when it cannot start or exits non-zero. `program` is a bare name (`@actions/exec` splits its
 * first argument as a command line; these have no spaces) and `args` go to the process as they
 * are, with no shell. The command line is echoed to the log (not `silent`): every command here
 * changes the machine, and its arguments are Airlock's own paths and values. None of them prints
 * on stdout (no `-v`; `sysctl -q`), so what reaches the log besides the echo is only a failing
 * command's stderr, which names Airlock's paths, never anything the agent wrote. Stdin is closed.
 */
async function command(program: string, args: string[]): Promise<void> {
  const shown = [program, ...args].join(' ')
  let result: ExecOutput
  try {
    result = await getExecOutput(program, args, { ignoreReturnCode: true, input: Buffer.alloc(0) })
  } catch (error) {
    throw new Error(`\`${shown}\` could not be run: ${errorMessage(error)}`, { cause: error })
  }
  if (result.exitCode !== 0) {
    const stderr = result.stderr
      .trim()
      .split(/\s*\n\s*/)
      .join(' ')
    throw new Error(
      `\`${shown}\` failed with exit code ${result.exitCode}${stderr === '' ? '.' : `: ${stderr}`}`,
    )
  }
}

function sudo(args: string[]): Promise<void> {
  return command('sudo', ['-n', ...args])
}

/** Plain fs calls (as root) as a promise: resolves when `op` returns, rejects with what it threw. */
function plain(op: () => void): Promise<void> {
  return new Promise((resolve) => {
    op()
    resolve()
  })
}

const direct: PrivilegedFs = {
  viaSudo: false,
  mkdir: (dir) => plain(() => mkdirSync(dir, { recursive: true, mode: 0o755 })),
  install: (from, to, mode) =>
    plain(() => {
      const staged = path.join(path.dirname(to), `.${path.basename(to)}.airlock-tmp`)
      copyFileSync(from, staged)
      chmodSync(staged, mode)
      renameSync(staged, to)
    }),
  copy: (from, to) => command('cp', ['-p', '--', from, to]),
  move: (from, to) => plain(() => renameSync(from, to)),
  remove: (file) => plain(() => rmSync(file, { force: true })),
  removeEmptyDir: (dir) =>
    plain(() => {
      try {
        rmdirSync(dir)
      } catch {
        // Not empty or already gone: leave it.
      }
    }),
}

const viaSudo: PrivilegedFs = {
  viaSudo: true,
  mkdir: (dir) => sudo(['mkdir', '-p', '-m', '755', '--', dir]),
  install: (from, to, mode) =>
    sudo(['install', '-m', mode.toString(8), '-o', 'root', '-g', 'root', '--', from, to]),
  copy: (from, to) => sudo(['cp', '-p', '--', from, to]),
  move: (from, to) => sudo(['mv', '-f', '--', from, to]),
  remove: (file) => sudo(['rm', '-f', '--', file]),
  removeEmptyDir: async (dir) => {
    try {
      // A folder that is not empty is left quietly (exit 0, nothing on stderr for the log).
      await sudo(['rmdir', '--ignore-fail-on-non-empty', '--', dir])
    } catch {
      // Already gone: leave it.
    }
  },
}

/** Ubuntu 24.04's switch that stops bubblewrap (unprivileged user namespaces) under AppArmor. */
export const APPARMOR_USERNS_SYSCTL = 'kernel.apparmor_restrict_unprivileged_userns'

/**
 * Sets a kernel parameter (`sysctl -q -w key=value`), with `sudo -n` when asked; the command is
 * echoed to the log. Rejects, naming the command, on failure.
 */
export function setSysctl(key: string, value: string, useSudo: boolean): Promise<void> {
  const args = ['sysctl', '-q', '-w', `${key}=${value}`]
  return useSudo ? sudo(args) : command('sysctl', args.slice(1))
}

/** True when this process may write system paths itself. */
export function isRoot(): boolean {
  return process.getuid?.() === 0
}

/**
 * Whether passwordless sudo works here. A quiet, synchronous probe (`sudo -n true`, bounded to
 * 10 s): it changes nothing, so echoing it would only add a line to the log, and callers decide
 * with it before anything is changed.
 */
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
