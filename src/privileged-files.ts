import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { findProgram } from './sandbox.js'
import type { Violation } from './types.js'

/**
 * Files in the workspace that run with more privilege than their caller: setuid or setgid bits,
 * or file capabilities (`security.capability`). Git records neither, so neither the diff nor the
 * patch shows them; a root agent keeps CAP_SETFCAP (the CLI's seccomp helper needs it), so it
 * could plant one for a later step. Checked only when the action runs as root.
 */
export interface PrivilegedFiles {
  /** Repository-relative path → what makes it privileged (`setuid`, `setgid`, `cap_net_raw=ep`). */
  files: Map<string, string>
  /** False when `getcap` is not installed: file capabilities were not looked at. */
  capabilitiesChecked: boolean
}

const run = promisify(execFile)

/** Paths from `find … -print0`, relative to `root`. Pure. */
export function parseFindOutput(output: string, root: string): string[] {
  return output
    .split('\0')
    .filter((p) => p !== '')
    .map((p) => path.relative(root, p))
}

/**
 * `getcap -r` lines: `/path cap_net_raw=ep` (libcap ≥ 2.48) or `/path = cap_net_raw+ep` (older).
 * Pure.
 */
export function parseGetcap(output: string, root: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of output.split('\n')) {
    const match = /^(.+?) (?:= )?(cap_[\w,]+[=+-][eip]+.*)$/.exec(line)
    if (match?.[1] === undefined || match[2] === undefined) continue
    out.set(path.relative(root, match[1]), match[2].trim())
  }
  return out
}

/** What changed between two scans: files that became privileged, or differently so. Pure. */
export function privilegedViolations(before: PrivilegedFiles, after: PrivilegedFiles): Violation[] {
  const out: Violation[] = []
  for (const [file, what] of [...after.files].sort(([a], [b]) => a.localeCompare(b))) {
    if (before.files.get(file) === what) continue
    out.push({
      kind: 'privileged-file',
      path: file,
      rule: what,
      detail: `"${file}" was given ${what} during the run; a later step running it would get more privilege than its caller`,
    })
  }
  return out
}

/** Scans the workspace (one `find`, one `getcap -r`), the `.git` folder included. */
export async function scanPrivilegedFiles(workspace: string): Promise<PrivilegedFiles> {
  const files = new Map<string, string>()
  const opts = { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' as const }
  for (const [perm, what] of [
    ['-4000', 'setuid'],
    ['-2000', 'setgid'],
  ] as const) {
    const found = await run(
      'find',
      [workspace, '-xdev', '-type', 'f', '-perm', perm, '-print0'],
      opts,
    )
    for (const file of parseFindOutput(found.stdout, workspace)) {
      files.set(file, files.has(file) ? `${files.get(file) ?? ''}+${what}` : what)
    }
  }
  const getcap = findProgram('getcap', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`)
  if (getcap === null) return { files, capabilitiesChecked: false }
  const caps = await run(getcap, ['-r', workspace], opts)
  for (const [file, what] of parseGetcap(caps.stdout, workspace)) files.set(file, what)
  return { files, capabilitiesChecked: true }
}
