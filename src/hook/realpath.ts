/**
 * Where a path really lands, for the hook's checks (and the lock's paths): every symlink followed,
 * dangling ones and loops included. Reads the file system (`lstat`, `readlink`) and nothing else.
 */
import { lstatSync, readlinkSync } from 'node:fs'
import path from 'node:path'

const MAX_LINKS = 40

/**
 * Where the OS would land when it opens `p`: every symlink on the way is followed, including a
 * dangling one (a write through a dangling link creates its target), and the part of the path
 * that does not exist yet is appended as is. More than 40 links (a loop) resolves to a path under
 * `/proc/airlock-symlink-loop`, which every policy denies.
 */
export function realpathLoose(p: string): string {
  let links = 0
  const pending = path.resolve(p).split('/').filter(Boolean)
  let resolved = '/'
  while (pending.length > 0) {
    const part = pending.shift() ?? ''
    if (part === '.') continue
    if (part === '..') {
      resolved = path.dirname(resolved)
      continue
    }
    const next = path.join(resolved, part)
    let target: string | null = null
    try {
      if (lstatSync(next).isSymbolicLink()) target = readlinkSync(next)
    } catch {
      // Does not exist (yet): nothing further to resolve along this path.
      return path.join(next, ...pending)
    }
    if (target === null) {
      resolved = next
      continue
    }
    if (++links > MAX_LINKS) return '/proc/airlock-symlink-loop'
    pending.unshift(...target.split('/').filter(Boolean))
    if (target.startsWith('/')) resolved = '/'
  }
  return resolved
}
