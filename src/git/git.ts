/**
 * The only way the action runs git. After the agent ran, the repository is hostile: its config,
 * attributes, hooks and object store may all have been planted. Every call made here therefore
 * starts git with a clean environment and command-line settings that switch off each way git
 * can be made to run another program, and never through a shell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { errorMessage } from '../pipeline/errors.js'

/**
 * Settings given with `-c` to every git call. Command-line settings outrank every config file,
 * including a planted `.git/config`. Checked against git 2.39.
 */
export const HARDENING_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  // No file-system monitor program.
  'core.fsmonitor': 'false',
  // No hook of any kind: a path that is not a directory holds no hooks.
  'core.hooksPath': '/dev/null',
  // No untracked cache read from (or written to) an index.
  'core.untrackedCache': 'false',
  // No pager program, should git ever think it has a terminal.
  'core.pager': 'cat',
  // No transport at all: a partial clone cannot lazily fetch (ssh, remote helpers, proxies).
  'protocol.allow': 'never',
  // No credential helper program (an empty value empties the list).
  'credential.helper': '',
  // No gpg (or gpg.program) run to show signatures.
  'log.showSignature': 'false',
  // Replace refs cannot swap one object for another under our feet.
  'core.useReplaceRefs': 'false',
  // A planted commit-graph or multi-pack index cannot misstate history or object locations.
  'core.commitGraph': 'false',
  'core.multiPackIndex': 'false',
  // No automatic gc or maintenance started in the background.
  'gc.auto': '0',
  'maintenance.auto': 'false',
})

/**
 * Environment every git call gets, on top of `PATH`. Everything else named `GIT_*` that the
 * action's own environment holds is dropped, so a caller's `GIT_DIR`, `GIT_CONFIG_COUNT`,
 * `GIT_EXTERNAL_DIFF`, `GIT_SSH_COMMAND` or `GIT_TRACE` never reaches git by accident.
 */
export const HARDENING_ENV: Readonly<Record<string, string>> = Object.freeze({
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_ATTR_NOSYSTEM: '1',
  GIT_NO_REPLACE_OBJECTS: '1',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
  // Not hardening: glibc returns freed memory to the kernel eagerly, and on VMs where that is
  // expensive `git add` of 10,000 files spent 80% of its system time in brk (npm run bench).
  MALLOC_TOP_PAD_: '16777216',
})

/** How to run one git command. */
export interface GitOptions {
  /** Working directory of the git process. */
  cwd: string
  /** Variables set on purpose for this call (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`). */
  env?: Readonly<Record<string, string>>
  /** More `-c` settings for this call, given after (and so winning over) the hardening ones. */
  config?: Readonly<Record<string, string>>
  /** Folders git may use even when another user owns them (`safe.directory`). */
  safeDirectories?: readonly string[]
  /** Written to git's standard input, which is then closed. */
  input?: Buffer | string
  /** Exit codes that are not failures. Default: only 0. */
  okExitCodes?: readonly number[]
  /** Largest standard output {@link runGit} accepts before failing. Default: 256 MiB. */
  maxOutputBytes?: number
  /** The git program to run. Default: `git`, looked up on `PATH`. */
  executable?: string
  /** Ends git (SIGTERM) once it has run this long, and fails the call. Default: no limit. */
  timeoutMs?: number
}

/** A git command that failed. Carries git's own words, never the environment it ran with. */
export class GitError extends Error {
  /**
   * @param subcommand the git subcommand (`diff-tree`, `add`, ...)
   * @param exitCode git's exit code, or `null` when a signal ended it
   * @param stderr git's standard error, trimmed and shortened
   */
  constructor(
    readonly subcommand: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    message?: string,
  ) {
    super(
      message ??
        `git ${subcommand} failed (${exitCode === null ? 'killed' : `exit code ${exitCode}`})` +
          (stderr === '' ? '.' : `: ${stderr}`),
    )
    this.name = 'GitError'
  }
}

const MAX_STDERR_BYTES = 4096

/** The full argument list for one call: hardening settings, then the caller's, then `args`. */
export function gitArgs(args: readonly string[], options: GitOptions): string[] {
  const settings: string[] = []
  const set = (key: string, value: string): void => {
    settings.push('-c', `${key}=${value}`)
  }
  for (const [key, value] of Object.entries(HARDENING_CONFIG)) set(key, value)
  for (const dir of options.safeDirectories ?? []) set('safe.directory', dir)
  for (const [key, value] of Object.entries(options.config ?? {})) set(key, value)
  return ['--no-pager', ...settings, ...args]
}

/** The environment for one call: `PATH` from `base`, the hardening variables, then the caller's. */
export function gitEnv(
  extra: Readonly<Record<string, string>> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = { ...HARDENING_ENV }
  if (base.PATH !== undefined) env.PATH = base.PATH
  return { ...env, ...extra }
}

/** How a git process ended. */
interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** One running git process, watched: how it ends, and the start of its standard error. */
interface Watched {
  /** Resolves once git has exited and its output is closed; rejects when it could not start. */
  exited: Promise<Exit>
  /** Up to {@link MAX_STDERR_BYTES} of standard error, as text, trimmed. */
  stderr: () => string
  /** Whether git was ended because it ran longer than its time limit. */
  timedOut: () => boolean
}

/** Collects the start of git's standard error, and ends git after `timeoutMs` when one is set. */
function watch(child: ChildProcessWithoutNullStreams, timeoutMs: number | undefined): Watched {
  const stderr: Buffer[] = []
  let stderrBytes = 0
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderrBytes >= MAX_STDERR_BYTES) return
    stderr.push(chunk.subarray(0, MAX_STDERR_BYTES - stderrBytes))
    stderrBytes += chunk.length
  })
  let timedOut = false
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true
          child.kill()
        }, timeoutMs)
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal })
    })
  })
  // Awaited by the caller; this only keeps an early spawn failure from being reported as unhandled.
  void exited.catch(() => undefined)
  return {
    exited,
    stderr: () => Buffer.concat(stderr).toString('utf8').trim(),
    timedOut: () => timedOut,
  }
}

/**
 * Runs git and streams its standard output to `onChunk`, in order, with backpressure. Returning
 * `false` from `onChunk` stops reading: git is ended and the call resolves to -1 without error.
 * Otherwise resolves to git's exit code when it is one of `okExitCodes`, and rejects with a
 * {@link GitError} when it is not, or when git ran longer than `timeoutMs`.
 */
export async function streamGit(
  args: readonly string[],
  options: GitOptions,
  onChunk: (chunk: Buffer) => boolean | undefined | Promise<boolean | undefined>,
): Promise<number> {
  const subcommand = args[0] ?? ''
  const child = spawn(options.executable ?? 'git', gitArgs(args, options), {
    cwd: options.cwd,
    env: gitEnv(options.env),
  })
  const watched = watch(child, options.timeoutMs)
  child.stdin.on('error', () => undefined) // git may exit before reading it all; its exit code tells
  child.stdin.end(options.input)

  let stopped = false
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      if ((await onChunk(chunk)) === false) {
        stopped = true
        break
      }
    }
  } catch (error) {
    child.kill()
    await watched.exited.catch(() => undefined)
    throw error
  }
  if (stopped) child.kill()

  let result: Exit
  try {
    result = await watched.exited
  } catch (error) {
    const reason = errorMessage(error)
    throw new GitError(subcommand, null, '', `git ${subcommand} could not start: ${reason}`)
  }
  const message = watched.stderr()
  if (stopped) return -1
  if (watched.timedOut()) {
    const limit = `${options.timeoutMs ?? 0} ms`
    throw new GitError(subcommand, result.code, message, `git ${subcommand} ran past ${limit}.`)
  }
  if (result.code !== null && (options.okExitCodes ?? [0]).includes(result.code)) {
    return result.code
  }
  throw new GitError(subcommand, result.code, message)
}

/**
 * Runs git for a small output and returns its standard output. Rejects with a
 * {@link GitError} on a failing exit code, or when the output passes `maxOutputBytes`.
 */
export async function runGit(args: readonly string[], options: GitOptions): Promise<Buffer> {
  const limit = options.maxOutputBytes ?? 256 * 1024 * 1024
  const chunks: Buffer[] = []
  let size = 0
  await streamGit(args, options, (chunk) => {
    size += chunk.length
    if (size > limit) return false
    chunks.push(chunk)
    return undefined
  })
  if (size > limit) {
    const subcommand = args[0] ?? ''
    throw new GitError(subcommand, null, '', `git ${subcommand} printed more than ${limit} bytes.`)
  }
  return Buffer.concat(chunks, size)
}
