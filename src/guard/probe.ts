/**
 * What the guard may ask about the machine, and the real machine's answers: whether a path exists,
 * a small file's text, the environment. The only I/O of the guard; it never throws.
 */
import * as fs from 'node:fs'

/** What the detector may ask about the machine. Paths are absolute. */
export interface IsolationProbe {
  /** Whether something (file, directory, link target) exists at the path. */
  exists(path: string): boolean
  /** The file's text, or `null` when it is missing or unreadable. */
  read(path: string): string | null
  /** The environment of the action's own process. */
  env: Record<string, string | undefined>
}

/** The files the detector reads; exported so tests and fixtures stay in step with the code. */
export const PROBE_PATHS = {
  dockerenv: '/.dockerenv',
  containerenv: '/run/.containerenv',
  initCgroup: '/proc/1/cgroup',
  selfCgroup: '/proc/self/cgroup',
  mountinfo: '/proc/self/mountinfo',
  initSched: '/proc/1/sched',
  runnerHome: '/home/runner',
  hostedToolcache: '/opt/hostedtoolcache',
} as const

/** Largest file `readProbe` reads; every file it is asked for is far smaller on a real machine. */
export const MAX_PROBE_READ_BYTES = 256 * 1024

/**
 * The real machine, as seen by this process. Never throws: a path that cannot be read is `null`,
 * and reads stop at {@link MAX_PROBE_READ_BYTES} (`/proc` files report size 0, so the size is not
 * asked first).
 */
export function readProbe(): IsolationProbe {
  return {
    exists: (path: string): boolean => {
      try {
        return fs.existsSync(path)
      } catch {
        return false
      }
    },
    read: (path: string): string | null => {
      let fd: number | undefined
      try {
        fd = fs.openSync(path, 'r')
        const buffer = Buffer.alloc(MAX_PROBE_READ_BYTES)
        let length = 0
        for (;;) {
          const n = fs.readSync(fd, buffer, length, buffer.length - length, null)
          if (n === 0) break
          length += n
          if (length === buffer.length) break
        }
        return buffer.subarray(0, length).toString('utf8')
      } catch {
        return null
      } finally {
        if (fd !== undefined) {
          try {
            fs.closeSync(fd)
          } catch {
            // nothing to do: the descriptor is gone either way
          }
        }
      }
    },
    env: { ...process.env },
  }
}
