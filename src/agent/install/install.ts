/**
 * Installs the pinned CLI: the tool cache when it holds a complete, matching install, else one
 * download into it. I/O; each step is a module of its own (`platform`, `registry`, `download`,
 * `tar`, `verify`, `cache`), and this one runs them in order.
 *
 * Nothing reaches the cache before it matched the integrity (pinned in this release, or the
 * registry's on first use, which the log says), yielded only `package/claude`, and reported the
 * version; a failed install leaves nothing in the cache.
 */
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import {
  cacheDir,
  inspectCache,
  place,
  removeStaleTemps,
  writeMarker,
  type Marker,
} from './cache.js'
import { attempts, downloadBinary, registryIntegrity, type DownloadTiming } from './download.js'
import { describeError, InstallError, IntegrityError } from './error.js'
import { detectMusl, pinnedIntegrity, platformPackage, type PlatformPackage } from './platform.js'
import { registryFrom, tarballUrl } from './registry.js'
import { reportsVersion, runVersion } from './verify.js'

/** How to install; everything the installer touches is named here. */
export interface InstallOptions {
  version: string
  platform: PlatformPackage
  /** The tool cache's root (`RUNNER_TOOL_CACHE`). */
  toolCache: string
  registry: URL
  /** The tarball's SRI integrity, or null to take it from the registry (trust on first use). */
  integrity: string | null
  /** `PATH` for `claude --version`, the only variable of the action's it gets. */
  path: string
  log: (line: string) => void
  warn: (line: string) => void
  /** For tests: shorter waits. */
  timing?: DownloadTiming
}

/** An installed CLI. */
export interface InstalledClaude {
  /** Absolute path of the binary. */
  path: string
  /** True when a warm tool cache was reused. */
  cached: boolean
  trust: Marker['trust']
}

function trustText(trust: Marker['trust']): string {
  return trust === 'pinned' ? 'pinned in Airlock' : 'from the registry on first use'
}

/** The install in `dir` when it may be reused (said in the log), else null (warned when there). */
async function fromCache(dir: string, options: InstallOptions): Promise<InstalledClaude | null> {
  const { version, platform } = options
  const cached = await inspectCache(dir, options)
  if (cached.problem === null && cached.marker !== null) {
    options.log(
      `CLI: ${version} (${platform.key}) from the tool cache, installed ${cached.marker.installedAt}, integrity ${trustText(cached.marker.trust)}.`,
    )
    return { path: path.join(dir, platform.binary), cached: true, trust: cached.marker.trust }
  }
  if (cached.exists) {
    options.warn(
      `The cached CLI in ${dir} cannot be reused (${cached.problem ?? 'unknown'}); installing it again.`,
    )
  }
  return null
}

/** The integrity the download must match: the pinned one, else the registry's (warned). */
async function trustedIntegrity(
  options: InstallOptions,
): Promise<{ integrity: string; trust: Marker['trust'] }> {
  const { version, platform } = options
  if (options.integrity !== null) return { integrity: options.integrity, trust: 'pinned' }
  const source = options.registry.host
  let integrity: string
  try {
    integrity = await registryIntegrity(options)
  } catch (error) {
    throw new InstallError(
      `Could not read the integrity of ${platform.name}@${version} from ${source} (${describeError(error)}); check claude-version, allow ${source} from this runner, or give claude-path.`,
    )
  }
  options.warn(
    `claude-version ${version} is not pinned in this Airlock release: its integrity (${integrity.slice(0, 19)}…) comes from ${source} and is trusted on first use; use the default version, or give claude-path with a binary you verified, to avoid that.`,
  )
  return { integrity, trust: 'registry' }
}

/** Downloads the binary into `tmp` (see `downloadBinary`); returns its size, or says what to do. */
async function fetchBinary(
  tmp: string,
  expected: string,
  trust: Marker['trust'],
  options: InstallOptions,
): Promise<number> {
  const { version, platform } = options
  const source = options.registry.host
  const url = tarballUrl(options.registry, platform, version)
  try {
    return await downloadBinary(
      url,
      expected,
      platform.binary,
      path.join(tmp, platform.binary),
      options,
    )
  } catch (error) {
    if (error instanceof IntegrityError) {
      throw new InstallError(
        `The CLI package downloaded from ${source} does not match the integrity ${trust === 'pinned' ? 'pinned in Airlock' : 'the registry published'} for ${platform.name}@${version}, so nothing was installed; check the registry or mirror (npm_config_registry), or give claude-path.`,
      )
    }
    const network = !(error instanceof InstallError) || error.retryable
    throw new InstallError(
      network
        ? `Could not download the Claude Code CLI ${version} (${platform.key}) from ${source} after ${attempts(options) === 1 ? 'one attempt' : `${attempts(options)} attempts`} (${describeError(error)}); allow ${source} from this runner, or give claude-path.`
        : `The CLI package ${platform.name}@${version} from ${source} was refused (${describeError(error)}), so nothing was installed; check the registry or mirror (npm_config_registry), or give claude-path.`,
    )
  }
}

/** Makes the verified binary in `tmp` executable and checks that it runs and reports the version. */
async function checkRuns(tmp: string, options: InstallOptions): Promise<void> {
  const { version, platform } = options
  const binary = path.join(tmp, platform.binary)
  await fs.chmod(binary, 0o755)
  const home = path.join(tmp, 'home')
  await fs.mkdir(home, { mode: 0o700 })
  let reported: string
  try {
    reported = await runVersion(binary, home, options.path)
  } catch (error) {
    throw new InstallError(
      `The downloaded CLI ${version} (${platform.key}) does not run here (${describeError(error).split('\n')[0] ?? ''}); give claude-path with a binary that runs on this runner.`,
    )
  }
  await fs.rm(home, { recursive: true, force: true })
  if (!reportsVersion(reported, version)) {
    throw new InstallError(
      `The downloaded CLI reports version '${reported.trim().slice(0, 60)}', not ${version}, so it is not used; check claude-version, or give claude-path.`,
    )
  }
}

/**
 * The CLI of `options.version` for `options.platform`, from the tool cache when a complete,
 * matching install is there (no network), else downloaded once: the native package's tarball is
 * fetched directly (no npm, no install script), must match the pinned integrity (or, for a
 * version this release does not pin, the registry's, trusted on first use and said so in the
 * log), yields only `package/claude`, must report the version, and is moved into
 * `<toolCache>/airlock-claude/<version>/<platform>/` with its completion marker in one rename.
 * A failed install leaves nothing in the cache.
 */
export async function installClaude(options: InstallOptions): Promise<InstalledClaude> {
  const { version, platform } = options
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new InstallError(`claude-version '${version.slice(0, 40)}' is not an exact version.`)
  }
  const dir = cacheDir(options.toolCache, version, platform.key)
  const cached = await fromCache(dir, options)
  if (cached !== null) return cached
  const { integrity, trust } = await trustedIntegrity(options)

  const parent = path.dirname(dir)
  await fs.mkdir(parent, { recursive: true })
  await removeStaleTemps(parent)
  const tmp = await fs.mkdtemp(path.join(parent, `.tmp-${platform.key}-`))
  try {
    const started = Date.now()
    const size = await fetchBinary(tmp, integrity, trust, options)
    await checkRuns(tmp, options)
    const installedAt = new Date().toISOString()
    await writeMarker(tmp, { version, platform: platform.key, integrity, trust, size, installedAt })
    await fs.chmod(tmp, 0o755)
    await place(tmp, dir, options)
    options.log(
      `CLI: installed ${version} (${platform.key}) from ${options.registry.host} in ${((Date.now() - started) / 1000).toFixed(1)} s, integrity ${trustText(trust)}, into ${dir}.`,
    )
    return { path: path.join(dir, platform.binary), cached: false, trust }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

/** Where `resolveClaude` gets what it needs from the runner. */
export interface ResolveOptions {
  version: string
  /** The `claude-path` input (absolute), or null to install. */
  claudePath: string | null
  toolCache: string
  env: Readonly<Record<string, string | undefined>>
  log: (line: string) => void
  warn: (line: string) => void
}

/**
 * The CLI binary to run: `claude-path` as is (it must exist), else the pinned version for this
 * runner's platform from the tool cache, installed there first if needed (`installClaude`).
 */
export async function resolveClaude(options: ResolveOptions): Promise<string> {
  if (options.claudePath !== null) {
    if (!existsSync(options.claudePath)) {
      throw new InstallError(
        `Input 'claude-path' names '${options.claudePath}', which does not exist; give the path of the claude binary.`,
      )
    }
    options.log(`CLI: ${options.claudePath} (claude-path; not installed or checked by Airlock).`)
    return options.claudePath
  }
  const platform = platformPackage(process.platform, process.arch, detectMusl())
  const installed = await installClaude({
    version: options.version,
    platform,
    toolCache: options.toolCache,
    registry: registryFrom(options.env),
    integrity: pinnedIntegrity(options.version, platform.key),
    path: options.env.PATH ?? '/usr/bin:/bin',
    log: options.log,
    warn: options.warn,
  })
  return installed.path
}
