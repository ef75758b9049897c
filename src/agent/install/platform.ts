/**
 * Which native package of the CLI this runner needs, and the integrity this release pins for it.
 * Pure, except {@link detectMusl}, which reads the Node process report.
 *
 * A platform the CLI publishes no package for is refused with a message that says to give
 * `claude-path`; a version this release does not pin has no pinned integrity (null), never a guess.
 */
import { PINNED_CLAUDE_INTEGRITY, PINNED_CLAUDE_VERSION } from './pins.js'
import { InstallError } from './error.js'

/** The npm package whose native platform packages hold the CLI binary. */
export const CLAUDE_PACKAGE = '@anthropic-ai/claude-code'

/** Each platform the CLI publishes a native package for (`<package>-<key>`), and its binary. */
export const PLATFORM_BINARIES: Readonly<Record<string, string>> = {
  'linux-x64': 'claude',
  'linux-arm64': 'claude',
  'linux-x64-musl': 'claude',
  'linux-arm64-musl': 'claude',
  'darwin-x64': 'claude',
  'darwin-arm64': 'claude',
  'win32-x64': 'claude.exe',
  'win32-arm64': 'claude.exe',
}

/** The native package for one platform. */
export interface PlatformPackage {
  /** `linux-x64`, `linux-x64-musl`, `darwin-arm64` … (also the tool cache's folder name). */
  readonly key: string
  /** `@anthropic-ai/claude-code-<key>`. */
  readonly name: string
  /** The binary's file name inside the package (`claude` or `claude.exe`). */
  readonly binary: string
}

/**
 * The CLI's native package for a Node platform and architecture (`musl`: a Linux whose C
 * library is musl, as on Alpine). Throws when the CLI publishes none for it.
 */
export function platformPackage(platform: string, arch: string, musl: boolean): PlatformPackage {
  const key = platform === 'linux' ? `linux-${arch}${musl ? '-musl' : ''}` : `${platform}-${arch}`
  const binary = PLATFORM_BINARIES[key]
  if (binary === undefined) {
    throw new InstallError(
      `The Claude Code CLI has no native package for ${key}; give claude-path with a claude binary built for this runner.`,
    )
  }
  return { key, name: `${CLAUDE_PACKAGE}-${key}`, binary }
}

/** The integrity pinned in this release for `version` on `key`, or null when it is not pinned. */
export function pinnedIntegrity(version: string, key: string): string | null {
  return version === PINNED_CLAUDE_VERSION ? (PINNED_CLAUDE_INTEGRITY[key] ?? null) : null
}

/** Whether this Linux runs on musl (Alpine): Node reports no glibc version there. */
export function detectMusl(): boolean {
  if (process.platform !== 'linux') return false
  // No network interfaces or DNS in the report: only its header is read.
  ;(process.report as { excludeNetwork?: boolean }).excludeNetwork = true
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } }
  return report.header?.glibcVersionRuntime === undefined
}
