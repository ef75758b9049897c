/**
 * File helpers the credentials code shares: real paths of files that may not exist, containment,
 * regular files, and how a path is shown in a message. `realOrResolved` and
 * `isFile` read the file system; the others are pure.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'

/** Whether `child` is `parent` or inside it (both absolute). Pure. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/** The real path of `p`, or `p` resolved when it does not exist (or cannot be resolved). */
export async function realOrResolved(p: string): Promise<string> {
  try {
    return await fs.realpath(p)
  } catch {
    return path.resolve(p)
  }
}

/** Whether `p` is a regular file, links followed; `false` when it cannot be looked at. */
export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile()
  } catch {
    return false
  }
}

/**
 * How messages show a path: relative to the repository (`.git/config`), or to the home (`~/…`),
 * or else as is. Pure.
 */
export function displayPath(repo: string, home: string): (p: string) => string {
  return (p) => {
    if (isInside(p, repo)) return path.relative(repo, p) || '.'
    if (isInside(p, home)) return `~/${path.relative(home, p)}`
    return p
  }
}

/** Whether a thrown value is a file-system error with `code` (`ENOENT`). */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
