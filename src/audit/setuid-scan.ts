/**
 * What git does not record: files in the workspace with setuid or setgid bits or file
 * capabilities, found with `find` and `getcap` (I/O; the output parsers are pure), and the
 * violations they make.
 */
import { execFile } from 'node:child_process'
import { lstat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { findProgram } from '../lock/index.js'
import type { Violation } from '../types/stages.js'

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

/** What a file's mode makes it: `setuid`, `setgid`, `setuid+setgid`, or `null` (neither). Pure. */
export function setIdBits(mode: number): string | null {
  const bits = [
    ...((mode & 0o4000) !== 0 ? ['setuid'] : []),
    ...((mode & 0o2000) !== 0 ? ['setgid'] : []),
  ]
  return bits.length > 0 ? bits.join('+') : null
}

/**
 * Scans the workspace, the `.git` folder included: one `find` for setuid and setgid files (their
 * bits then read with `lstat`) and, at the same time, one `getcap -r`. Rejects when a listed
 * file's mode cannot be read.
 */
export async function scanPrivilegedFiles(workspace: string): Promise<PrivilegedFiles> {
  const opts = { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' as const }
  const getcap = findProgram('getcap', `${process.env.PATH ?? ''}:/usr/sbin:/sbin`)
  const [found, caps] = await Promise.all([
    run(
      'find',
      [
        workspace,
        '-xdev',
        '-type',
        'f',
        '(',
        '-perm',
        '-4000',
        '-o',
        '-perm',
        '-2000',
        ')',
        '-print0',
      ],
      opts,
    ),
    getcap === null ? null : run(getcap, ['-r', workspace], opts),
  ])
  const files = new Map<string, string>()
  for (const file of parseFindOutput(found.stdout, workspace)) {
    // Nothing runs in the workspace during a scan: a file find listed but lstat cannot read (a
    // path longer than PATH_MAX, which find walks and lstat refuses) fails the scan, never skips.
    const what = setIdBits((await lstat(path.resolve(workspace, file))).mode)
    if (what !== null) files.set(file, what)
  }
  if (caps === null) return { files, capabilitiesChecked: false }
  for (const [file, what] of parseGetcap(caps.stdout, workspace)) files.set(file, what)
  return { files, capabilitiesChecked: true }
}
