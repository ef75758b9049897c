/**
 * Where the CLI's package is downloaded from: the registry (or an https mirror), the URLs in its
 * standard layout, and the sha512 in an integrity string. Pure: the environment is a parameter.
 *
 * Only https is fetched (plain http to a loopback address aside, for a local mirror and the
 * tests), and never a URL with credentials, which would reach the log.
 */
import { InstallError } from './error.js'
import type { PlatformPackage } from './platform.js'

/** Where packages come from unless `npm_config_registry` names a mirror. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]'
}

/**
 * Checks that `url` may be fetched: https, or http to a loopback address only (a local mirror,
 * the tests), and no credentials. Returns null, or why not (without the URL itself).
 */
export function urlProblem(url: URL): string | null {
  if (url.username !== '' || url.password !== '') return 'it carries credentials'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return null
  return 'it is not https'
}

/**
 * The registry to download from: `npm_config_registry` (or `NPM_CONFIG_REGISTRY`) when set, else
 * the default. A mirror is safe for the pinned version: the download must still match the pin.
 * Refuses a registry URL that is not https or carries credentials (they would reach the log).
 */
export function registryFrom(env: Readonly<Record<string, string | undefined>>): URL {
  const value = (env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY ?? '').trim()
  if (value === '') return new URL(DEFAULT_REGISTRY)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InstallError(
      'npm_config_registry is not a URL; unset it to use registry.npmjs.org, or give claude-path.',
    )
  }
  const problem = urlProblem(url) ?? (url.search !== '' ? 'it has a query string' : null)
  if (problem !== null) {
    throw new InstallError(
      `npm_config_registry cannot be used to install the CLI because ${problem}; point it at an https mirror that needs no credentials, unset it, or give claude-path.`,
    )
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  url.hash = ''
  return url
}

/** The tarball of `pkg@version` in the registry's standard layout. */
export function tarballUrl(registry: URL, pkg: PlatformPackage, version: string): URL {
  const base = pkg.name.slice(pkg.name.indexOf('/') + 1)
  return new URL(`${pkg.name}/-/${base}-${version}.tgz`, registry)
}

/** The registry's document for one version of `pkg` (it holds `dist.integrity`). */
export function manifestUrl(registry: URL, pkg: PlatformPackage, version: string): URL {
  return new URL(`${pkg.name.replace('/', '%2f')}/${version}`, registry)
}

/** The base64 sha512 digest of an SRI integrity string, or null when it holds no sha512. */
export function sha512Of(integrity: string): string | null {
  for (const part of integrity.trim().split(/\s+/)) {
    const match = /^sha512-([A-Za-z0-9+/]{86}==)(\?.*)?$/.exec(part)
    if (match?.[1] !== undefined) return match[1]
  }
  return null
}
