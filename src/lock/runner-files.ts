/**
 * A self-hosted runner's own secrets: finds the runner's installation from the process tree
 * (evidence, not a variable the workflow could set) and lists the files in it the agent may never
 * read. `runnerRootOf`, `runnerPrivatePaths` and `parentPidOf` are pure; `findRunnerRoot` reads
 * `/proc`.
 */
import { readFileSync, readlinkSync } from 'node:fs'
import path from 'node:path'

/**
 * Files of the GitHub runner's own installation that hold secrets or secret-bearing logs:
 * `.credentials` and `.credentials_rsaparams` (the runner's registration and the RSA key it
 * authenticates to GitHub with), `.runner`, the runner's `.env` and `.path`, and `_diag` (the
 * runner's and worker's logs, with job messages). On a self-hosted runner they sit next to the
 * work folder, readable by the job's user; the agent must never read them.
 */
export const RUNNER_PRIVATE_ENTRIES = [
  '.credentials',
  '.credentials_rsaparams',
  '.runner',
  '.env',
  '.path',
  '_diag',
] as const

/** The runner's processes: the action is started by the worker, which the listener starts. */
const RUNNER_PROCESSES = new Set(['Runner.Worker', 'Runner.Listener'])

/** The runner's installation folder for an executable path such as `<root>/bin/Runner.Worker`. Pure. */
export function runnerRootOf(exe: string): string | null {
  const bin = path.dirname(exe)
  if (!RUNNER_PROCESSES.has(path.basename(exe)) || path.basename(bin) !== 'bin') return null
  return path.dirname(bin)
}

/** The paths under a runner root that the agent may not read or write. Pure. */
export function runnerPrivatePaths(root: string): string[] {
  return RUNNER_PRIVATE_ENTRIES.map((entry) => path.join(root, entry))
}

/** The parent pid in the text of `/proc/<pid>/stat` (the field after the parenthesised name). Pure. */
export function parentPidOf(stat: string): number | null {
  const close = stat.lastIndexOf(')')
  if (close < 0) return null
  const fields = stat.slice(close + 2).split(' ')
  const ppid = Number(fields[1])
  return Number.isInteger(ppid) && ppid > 0 ? ppid : null
}

/**
 * Finds the runner's installation by walking up from this process to the first ancestor whose
 * executable is `Runner.Worker` or `Runner.Listener`. Evidence, not configuration: an
 * environment variable could be set by the workflow. Returns null inside a job container (the
 * runner lives on the host) or when not started by a runner.
 */
export function findRunnerRoot(procRoot = '/proc', start = process.ppid): string | null {
  let pid: number | null = start
  for (let depth = 0; pid !== null && pid > 1 && depth < 16; depth++) {
    try {
      const root = runnerRootOf(readlinkSync(path.join(procRoot, String(pid), 'exe')))
      if (root !== null) return root
    } catch {
      // Not ours to read (another user's process) or gone: keep walking.
    }
    try {
      pid = parentPidOf(readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8'))
    } catch {
      return null
    }
  }
  return null
}
