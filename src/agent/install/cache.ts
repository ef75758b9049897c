/**
 * The tool cache: `<toolCache>/airlock-claude/<version>/<platform>/` holds the binary and its
 * completion marker, and nothing else. The marker's format and the reuse check
 * ({@link cachedInstallProblem}) are pure; reading, placing and cleaning the folders is I/O.
 *
 * An install is reused only when its marker names this version and platform, matches the pinned
 * integrity (when there is one) and describes the regular, executable file that is there. A new
 * install appears with its marker in one rename, so a half-done install is never reused.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { InstallError } from './error.js'
import type { PlatformPackage } from './platform.js'

/** What the completion marker records about an install. */
export interface Marker {
  version: string
  platform: string
  /** The SRI integrity the tarball matched. */
  integrity: string
  /** `pinned`: integrity from this release's source; `registry`: from the registry, on first use. */
  trust: 'pinned' | 'registry'
  /** Size of the binary in bytes. */
  size: number
  installedAt: string
}

/** The marker's text. */
export function renderMarker(marker: Marker): string {
  return `${JSON.stringify(marker, null, 2)}\n`
}

/** The marker in `text`, or null when it is not one (empty, another layout, corrupt). */
export function parseMarker(text: string): Marker | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const m = value as Partial<Record<keyof Marker, unknown>>
  if (
    typeof m.version !== 'string' ||
    typeof m.platform !== 'string' ||
    typeof m.integrity !== 'string' ||
    (m.trust !== 'pinned' && m.trust !== 'registry') ||
    typeof m.size !== 'number' ||
    typeof m.installedAt !== 'string'
  ) {
    return null
  }
  return {
    version: m.version,
    platform: m.platform,
    integrity: m.integrity,
    trust: m.trust,
    size: m.size,
    installedAt: m.installedAt,
  }
}

/** What the warm check sees of a cached binary (`lstat`, so a symlink is not a file). */
export interface CachedBinary {
  isFile: boolean
  size: number
  executable: boolean
}

/**
 * Why a cached install may not be reused, or null when it may: the marker must name this
 * version and platform, match the pinned integrity (when there is a pin), and describe the
 * binary that is there (a regular executable file of the recorded size).
 */
export function cachedInstallProblem(
  marker: Marker | null,
  binary: CachedBinary | null,
  expected: { version: string; platform: string; integrity: string | null },
): string | null {
  if (marker === null) return 'it has no valid completion marker'
  if (marker.version !== expected.version || marker.platform !== expected.platform) {
    return `its marker is for ${marker.version} on ${marker.platform}`
  }
  if (expected.integrity !== null && marker.integrity !== expected.integrity) {
    return 'its integrity is not the pinned one'
  }
  if (binary === null || !binary.isFile) return 'its binary is missing or not a regular file'
  if (binary.size !== marker.size) return `its binary is ${binary.size} bytes, not ${marker.size}`
  if (!binary.executable) return 'its binary is not executable'
  return null
}

/** The folder an install of `version` for `key` lives in. */
export function cacheDir(toolCache: string, version: string, key: string): string {
  return path.join(toolCache, 'airlock-claude', version, key)
}

const MARKER = '.complete'

/** The install a cached folder must hold to be reused. */
export interface CacheExpectation {
  version: string
  platform: PlatformPackage
  /** The pinned integrity, or null when the version is not pinned. */
  integrity: string | null
}

/** What a cached folder holds: its marker, why it may not be reused (or null), whether it exists. */
export interface CacheInspection {
  marker: Marker | null
  problem: string | null
  exists: boolean
}

/** Reads the marker and `lstat`s the binary in `dir`, and decides by {@link cachedInstallProblem}. */
export async function inspectCache(
  dir: string,
  expected: CacheExpectation,
): Promise<CacheInspection> {
  let text: string
  try {
    text = await fs.readFile(path.join(dir, MARKER), 'utf8')
  } catch {
    return { marker: null, problem: 'it has no completion marker', exists: existsSync(dir) }
  }
  const marker = parseMarker(text)
  let binary: CachedBinary | null
  try {
    const stat = await fs.lstat(path.join(dir, expected.platform.binary))
    binary = {
      isFile: stat.isFile(),
      size: stat.size,
      executable: process.platform === 'win32' || (stat.mode & 0o111) !== 0,
    }
  } catch {
    binary = null
  }
  const problem = cachedInstallProblem(marker, binary, {
    version: expected.version,
    platform: expected.platform.key,
    integrity: expected.integrity,
  })
  return { marker, problem, exists: true }
}

/** Writes the completion marker into a finished install's folder (before it is placed). */
export async function writeMarker(dir: string, marker: Marker): Promise<void> {
  await fs.writeFile(path.join(dir, MARKER), renderMarker(marker), { mode: 0o644 })
}

/** Removes installs of this version that a crashed run left half-done more than an hour ago. */
export async function removeStaleTemps(parent: string): Promise<void> {
  let entries: string[]
  try {
    entries = await fs.readdir(parent)
  } catch {
    return
  }
  for (const entry of entries) {
    if (!entry.startsWith('.tmp-') && !entry.startsWith('.stale-')) continue
    const full = path.join(parent, entry)
    try {
      const stat = await fs.lstat(full)
      if (Date.now() - stat.mtimeMs > 3_600_000) await fs.rm(full, { recursive: true, force: true })
    } catch {
      // Another run removed it.
    }
  }
}

/** Moves the finished install into place in one rename; a concurrent run's complete install wins. */
export async function place(tmp: string, dir: string, expected: CacheExpectation): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.rename(tmp, dir)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error
    }
    const there = await inspectCache(dir, expected)
    if (there.problem === null) return
    // An incomplete or foreign folder: move it aside (atomic), then remove it.
    const aside = path.join(path.dirname(dir), `.stale-${randomBytes(6).toString('hex')}`)
    try {
      await fs.rename(dir, aside)
    } catch {
      // Another run moved it first.
    }
    await fs.rm(aside, { recursive: true, force: true })
  }
  throw new InstallError(
    `Could not move the installed CLI into ${dir}; remove that folder, or give claude-path.`,
  )
}
