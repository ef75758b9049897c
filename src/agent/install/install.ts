import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { createGunzip } from 'node:zlib'
import { PINNED_CLAUDE_INTEGRITY, PINNED_CLAUDE_VERSION } from './pins.js'

// ---------------------------------------------------------------------------------------------
// Pure parts: the platform table, the registry's URLs, integrity, the tar format, the marker.

/** The npm package whose native platform packages hold the CLI binary. */
export const CLAUDE_PACKAGE = '@anthropic-ai/claude-code'

/** Where packages come from unless `npm_config_registry` names a mirror. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/'

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

/** Any failure of the install; the message is one sentence that says what to do. */
export class InstallError extends Error {
  override name = 'InstallError'
  /** Whether trying the download again may help (network errors, timeouts, 5xx, truncation). */
  readonly retryable: boolean
  constructor(message: string, retryable = false) {
    super(message)
    this.retryable = retryable
  }
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

/** Whether `claude --version` output reports exactly `version` (`2.1.197 (Claude Code)`). */
export function reportsVersion(output: string, version: string): boolean {
  return output.trim().split(/\s+/)[0] === version
}

/** One tar header block, decoded. */
export interface TarHeader {
  name: string
  size: number
  /** The type flag: `0` file, `5` folder, `1`/`2` links, `x`/`g` pax, `L`/`K` GNU long names … */
  type: string
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8')
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  const first = block[start] ?? 0
  if ((first & 0x80) !== 0) {
    // GNU base-256: big-endian, the top bit of the first byte set (sizes over 8 GiB).
    let value = first & 0x7f
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0)
    return value
  }
  const text = field(block, start, length).trim()
  if (!/^[0-7]*$/.test(text)) throw new InstallError(`the package's tarball has a bad ${what}`)
  return text === '' ? 0 : parseInt(text, 8)
}

/**
 * Decodes a 512-byte tar header; null for an all-zero block (the end of the archive). Throws
 * when the checksum does not match, so a corrupt block is never read as an entry.
 */
export function parseTarHeader(block: Buffer): TarHeader | null {
  if (block.length !== 512) throw new InstallError('the package tarball ends inside a header')
  if (block.every((byte) => byte === 0)) return null
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0)
  if (octal(block, 148, 8, 'header checksum') !== sum) {
    throw new InstallError("the package's tarball has a header with a wrong checksum")
  }
  const type = String.fromCharCode(block[156] ?? 0)
  const magic = block.subarray(257, 263).toString('latin1')
  const prefix = magic === 'ustar\0' ? field(block, 345, 155) : ''
  const name = field(block, 0, 100)
  return {
    name: prefix !== '' ? `${prefix}/${name}` : name,
    size: octal(block, 124, 12, 'entry size'),
    type: type === '\0' ? '0' : type,
  }
}

/** The records of a pax extended header (`<length> <key>=<value>\n` …). */
export function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(0x20, at)
    const length = space === -1 ? NaN : Number(body.subarray(at, space).toString('latin1'))
    if (!Number.isInteger(length) || length <= 0 || at + length > body.length) {
      throw new InstallError("the package's tarball has a malformed pax header")
    }
    const record = body.subarray(space + 1, at + length - 1).toString('utf8')
    const equals = record.indexOf('=')
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1)
    at += length
  }
  return records
}

/**
 * Why an entry name is refused, or null: absolute paths, `..`, backslashes and NUL could land
 * outside the package's folder in a careless extractor; a CLI package has no such entry.
 */
export function entryNameProblem(name: string): string | null {
  if (name === '') return 'an entry without a name'
  if (name.includes('\0') || name.includes('\\')) return `an entry name with a NUL or a backslash`
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `an absolute entry (${name})`
  if (name.split('/').includes('..')) return `an entry that leaves the package folder (${name})`
  return null
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  K: 'a link',
}

/** Size caps: far above the real package (77 MB compressed, 245 MB binary), far below a full disk. */
export const MAX_DOWNLOAD_BYTES = 1 << 30
export const MAX_BINARY_BYTES = 2 ** 31
const MAX_META_BYTES = 1 << 20

/**
 * Reads a tar stream and hands the body of the one regular file named `wanted` to `write`,
 * chunk by chunk; returns its size. Entry names never become paths: the caller writes where it
 * chose. Refuses (throws) any link, device or FIFO entry, any name that could leave the package
 * folder, a second `wanted` entry, a `wanted` that is not a regular file, a missing `wanted`, and
 * a stream that ends inside an entry.
 */
export async function extractTarEntry(
  source: AsyncIterable<Buffer>,
  wanted: string,
  write: (chunk: Buffer) => Promise<void>,
): Promise<number> {
  const queue: Buffer[] = []
  let queued = 0
  const take = (n: number): Buffer => {
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const head = queue[0]
      if (head === undefined) break
      const used = Math.min(head.length, n - filled)
      head.copy(out, filled, 0, used)
      filled += used
      if (used === head.length) queue.shift()
      else queue[0] = head.subarray(used)
    }
    queued -= n
    return out
  }
  /** Up to `n` bytes without copying. */
  const takeSome = (n: number): Buffer => {
    const head = queue[0] ?? Buffer.alloc(0)
    if (head.length <= n) {
      queue.shift()
      queued -= head.length
      return head
    }
    queue[0] = head.subarray(n)
    queued -= n
    return head.subarray(0, n)
  }

  type State =
    | { at: 'header' }
    | { at: 'body'; left: number; pad: number; sink: 'wanted' | 'skip' | 'meta'; kind: string }
    | { at: 'end' }
  let state = { at: 'header' } as State
  let meta: Buffer[] = []
  let nextName: string | null = null
  let nextSize: number | null = null
  let found = false as boolean
  let written = 0

  const openEntry = (header: TarHeader): State => {
    const size = header.size
    const pad = (512 - (size % 512)) % 512
    if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
      if (size > MAX_META_BYTES) throw new InstallError("the package's tarball has a huge header")
      meta = []
      return { at: 'body', left: size, pad, sink: 'meta', kind: header.type }
    }
    const name = (nextName ?? header.name).replace(/^\.\//, '')
    const realSize = nextSize ?? size
    nextName = null
    nextSize = null
    const problem = entryNameProblem(name)
    if (problem !== null) throw new InstallError(`the package's tarball has ${problem}`)
    const typeName = TYPE_NAMES[header.type]
    if (typeName !== undefined) {
      throw new InstallError(`the package's tarball has ${typeName} (${name}), which it must not`)
    }
    if (!['0', '7', '5'].includes(header.type)) {
      throw new InstallError(`the package's tarball has an entry of unknown type '${header.type}'`)
    }
    const isWanted = name.replace(/\/+$/, '') === wanted
    if (isWanted && header.type === '5') {
      throw new InstallError(`the package's tarball has ${wanted} as a folder, not a file`)
    }
    if (isWanted && found) throw new InstallError(`the package's tarball has ${wanted} twice`)
    if (isWanted && realSize > MAX_BINARY_BYTES) {
      throw new InstallError(`the package's tarball has a ${wanted} larger than 2 GiB`)
    }
    if (isWanted) found = true
    const left = header.type === '5' ? 0 : realSize
    return {
      at: 'body',
      left,
      pad: (512 - (left % 512)) % 512,
      sink: isWanted ? 'wanted' : 'skip',
      kind: header.type,
    }
  }

  const closeMeta = (kind: string): void => {
    const body = Buffer.concat(meta)
    meta = []
    if (kind === 'L') {
      nextName = field(body, 0, body.length)
    } else if (kind === 'x') {
      const records = parsePax(body)
      if (records.path !== undefined) nextName = records.path
      if (records.size !== undefined) {
        if (!/^\d+$/.test(records.size)) throw new InstallError('the tarball has a bad pax size')
        nextSize = Number(records.size)
      }
      if (records.linkpath !== undefined) {
        throw new InstallError("the package's tarball has a link, which it must not")
      }
    }
  }

  const drain = async (): Promise<void> => {
    for (;;) {
      if (state.at === 'end') {
        queue.length = 0
        queued = 0
        return
      }
      if (state.at === 'header') {
        if (queued < 512) return
        const header = parseTarHeader(take(512))
        state = header === null ? { at: 'end' } : openEntry(header)
        continue
      }
      if (state.left > 0) {
        if (queued === 0) return
        const chunk =
          state.sink === 'meta' ? take(Math.min(state.left, queued)) : takeSome(state.left)
        state.left -= chunk.length
        if (state.sink === 'wanted') {
          written += chunk.length
          await write(chunk)
        } else if (state.sink === 'meta') {
          meta.push(chunk)
        }
        continue
      }
      if (state.pad > 0) {
        if (queued === 0) return
        state.pad -= takeSome(state.pad).length
        continue
      }
      if (state.sink === 'meta') closeMeta(state.kind)
      state = { at: 'header' }
    }
  }

  for await (const chunk of source) {
    queue.push(chunk)
    queued += chunk.length
    await drain()
  }
  if (state.at === 'body' || queued > 0) {
    throw new InstallError("the package's tarball ends inside an entry (a truncated download)")
  }
  if (!found) throw new InstallError(`the package's tarball has no ${wanted}`)
  return written
}

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

// ---------------------------------------------------------------------------------------------
// I/O: detection, download, extraction, the tool cache.

/** Whether this Linux runs on musl (Alpine): Node reports no glibc version there. */
export function detectMusl(): boolean {
  if (process.platform !== 'linux') return false
  // No network interfaces or DNS in the report: only its header is read.
  ;(process.report as { excludeNetwork?: boolean }).excludeNetwork = true
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } }
  return report.header?.glibcVersionRuntime === undefined
}

/** Delays before the 2nd and 3rd attempt of a download. */
const RETRY_DELAYS_MS = [1_000, 4_000]
/** A download that receives nothing for this long is given up (and retried). */
const IDLE_TIMEOUT_MS = 30_000
/** No attempt takes longer than this, however slowly bytes arrive. */
const ATTEMPT_TIMEOUT_MS = 10 * 60_000
const MAX_REDIRECTS = 5

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
  timing?: { retryDelaysMs?: number[]; idleTimeoutMs?: number; attemptTimeoutMs?: number }
}

/** An installed CLI. */
export interface InstalledClaude {
  /** Absolute path of the binary. */
  path: string
  /** True when a warm tool cache was reused. */
  cached: boolean
  trust: Marker['trust']
}

/** The folder an install of `version` for `key` lives in. */
export function cacheDir(toolCache: string, version: string, key: string): string {
  return path.join(toolCache, 'airlock-claude', version, key)
}

const MARKER = '.complete'

async function inspectCache(
  dir: string,
  options: InstallOptions,
): Promise<{ marker: Marker | null; problem: string | null; exists: boolean }> {
  let text: string
  try {
    text = await fs.readFile(path.join(dir, MARKER), 'utf8')
  } catch {
    return { marker: null, problem: 'it has no completion marker', exists: existsSync(dir) }
  }
  const marker = parseMarker(text)
  let binary: CachedBinary | null
  try {
    const stat = await fs.lstat(path.join(dir, options.platform.binary))
    binary = {
      isFile: stat.isFile(),
      size: stat.size,
      executable: process.platform === 'win32' || (stat.mode & 0o111) !== 0,
    }
  } catch {
    binary = null
  }
  const problem = cachedInstallProblem(marker, binary, {
    version: options.version,
    platform: options.platform.key,
    integrity: options.integrity,
  })
  return { marker, problem, exists: true }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error'
  const cause = (error as { cause?: unknown }).cause
  const detail = cause instanceof Error ? cause.message : ''
  return detail !== '' && !error.message.includes(detail)
    ? `${error.message}: ${detail}`
    : error.message
}

/** A fetch with a deadline and an idle timer, following redirects only to URLs `urlProblem` accepts. */
class Download {
  readonly #controller = new AbortController()
  #idle: NodeJS.Timeout | undefined
  readonly #total: NodeJS.Timeout
  readonly #idleMs: number
  #why = ''

  constructor(idleMs: number, totalMs: number) {
    this.#idleMs = idleMs
    this.#total = setTimeout(() => {
      this.#abort(`took longer than ${Math.round(totalMs / 1000)} s`)
    }, totalMs)
    this.alive()
  }

  #abort(why: string): void {
    this.#why = why
    this.#controller.abort(new InstallError(why, true))
  }

  /** Resets the idle timer: call it whenever bytes arrive. */
  alive(): void {
    clearTimeout(this.#idle)
    this.#idle = setTimeout(() => {
      this.#abort(`received nothing for ${Math.round(this.#idleMs / 1000)} s`)
    }, this.#idleMs)
  }

  /** Why the download was aborted, or ''. */
  get aborted(): string {
    return this.#why
  }

  done(): void {
    clearTimeout(this.#idle)
    clearTimeout(this.#total)
  }

  async get(start: URL, accept: string): Promise<Response> {
    let url = start
    for (let hop = 0; ; hop++) {
      const problem = urlProblem(url)
      if (problem !== null) {
        throw new InstallError(`the registry redirected to ${url.host}, refused because ${problem}`)
      }
      const response = await fetch(url, {
        redirect: 'manual',
        signal: this.#controller.signal,
        headers: { accept, 'user-agent': 'airlock (github action)' },
      })
      this.alive()
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel()
        if (hop >= MAX_REDIRECTS) throw new InstallError('the registry redirected too many times')
        url = new URL(location, url)
        continue
      }
      if (response.status === 200 && response.body !== null) return response
      await response.body?.cancel()
      const retryable = response.status === 429 || response.status >= 500
      throw new InstallError(`${url.host} answered HTTP ${response.status}`, retryable)
    }
  }
}

function attempts(options: InstallOptions): number {
  return (options.timing?.retryDelaysMs ?? RETRY_DELAYS_MS).length + 1
}

async function withRetries<T>(
  options: InstallOptions,
  what: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const delays = options.timing?.retryDelaysMs ?? RETRY_DELAYS_MS
  for (let i = 0; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      const retryable = !(error instanceof InstallError) || error.retryable
      const delay = delays[i]
      if (!retryable || delay === undefined) throw error
      options.log(
        `CLI install: ${what} failed (${describeError(error)}); trying again in ${Math.round(delay / 1000)} s.`,
      )
      await sleep(delay)
    }
  }
}

/** The download's digest is not the expected one: never retried, never installed. */
class IntegrityError extends InstallError {
  override name = 'IntegrityError'
}

function truncated(received: number, declared: number): InstallError {
  return new InstallError(`the download ended after ${received} of ${declared} bytes`, true)
}

/** Asks the registry for the integrity of `pkg@version` (used when this release pins none). */
async function registryIntegrity(options: InstallOptions): Promise<string> {
  const url = manifestUrl(options.registry, options.platform, options.version)
  return withRetries(options, 'reading the package document', async () => {
    const download = new Download(
      options.timing?.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      options.timing?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
    )
    try {
      const response = await download.get(url, 'application/json')
      const text = await response.text()
      if (text.length > 4 * MAX_META_BYTES) throw new InstallError('the package document is huge')
      let document: { name?: unknown; version?: unknown; dist?: { integrity?: unknown } }
      try {
        document = JSON.parse(text) as typeof document
      } catch {
        throw new InstallError("the registry's document for the package is not JSON")
      }
      const integrity = document.dist?.integrity
      if (
        document.name !== options.platform.name ||
        document.version !== options.version ||
        typeof integrity !== 'string' ||
        sha512Of(integrity) === null
      ) {
        throw new InstallError(`the registry's document for the package has no sha512 integrity`)
      }
      return integrity
    } catch (error) {
      throw download.aborted !== '' ? new InstallError(download.aborted, true) : error
    } finally {
      download.done()
    }
  })
}

/**
 * One attempt: streams the tarball through sha512 and gunzip, writes the body of
 * `package/<binary>` to `outFile` (mode 0600, never executable until verified), and compares the
 * digest with `expected` once the last byte is in. Nothing is run before that comparison.
 */
async function downloadOnce(
  url: URL,
  expected: string,
  wanted: string,
  outFile: string,
  options: InstallOptions,
): Promise<number> {
  const download = new Download(
    options.timing?.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    options.timing?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
  )
  await fs.rm(outFile, { force: true })
  const file = await fs.open(outFile, 'wx', 0o600)
  const hash = createHash('sha512')
  let received = 0
  let declared: number | null = null
  try {
    const response = await download.get(url, 'application/octet-stream')
    const length = Number(response.headers.get('content-length') ?? NaN)
    declared = Number.isSafeInteger(length) && length >= 0 ? length : null
    if (declared !== null && declared > MAX_DOWNLOAD_BYTES) {
      throw new InstallError('the package tarball is larger than 1 GiB')
    }
    const tap = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
        download.alive()
        received += chunk.length
        if (received > MAX_DOWNLOAD_BYTES) {
          done(new InstallError('the package tarball is larger than 1 GiB'))
          return
        }
        hash.update(chunk)
        done(null, chunk)
      },
    })
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
    let size = 0
    await pipeline(
      body,
      tap,
      createGunzip({ chunkSize: 1 << 20 }),
      async (source: AsyncIterable<Buffer>) => {
        size = await extractTarEntry(source, `package/${wanted}`, async (chunk) => {
          await file.write(chunk)
        })
      },
    )
    if (declared !== null && received !== declared) throw truncated(received, declared)
    if (hash.digest('base64') !== sha512Of(expected)) throw new IntegrityError('the digest differs')
    return size
  } catch (error) {
    if (download.aborted !== '') throw new InstallError(download.aborted, true)
    // Whatever broke first (gunzip, the tar reader, the socket), a short body is the cause.
    if (declared !== null && received < declared) throw truncated(received, declared)
    throw error
  } finally {
    download.done()
    await file.close()
  }
}

function runVersion(binary: string, home: string, pathVar: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['--version'],
      {
        // Only what the check needs: none of the action's variables (tokens) reach the binary.
        env: {
          PATH: pathVar,
          HOME: home,
          CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          ...(process.env.SystemRoot !== undefined ? { SystemRoot: process.env.SystemRoot } : {}),
        },
        cwd: home,
        timeout: 60_000,
        maxBuffer: 64 * 1024,
        encoding: 'utf8',
      },
      (error, stdout) => {
        if (error !== null) reject(new Error(error.message, { cause: error }))
        else resolve(stdout)
      },
    )
  })
}

/** Removes installs of this version that a crashed run left half-done more than an hour ago. */
async function removeStaleTemps(parent: string): Promise<void> {
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
  const binary = path.join(dir, platform.binary)
  const cached = await inspectCache(dir, options)
  if (cached.problem === null && cached.marker !== null) {
    options.log(
      `CLI: ${version} (${platform.key}) from the tool cache, installed ${cached.marker.installedAt}, integrity ${cached.marker.trust === 'pinned' ? 'pinned in Airlock' : 'from the registry on first use'}.`,
    )
    return { path: binary, cached: true, trust: cached.marker.trust }
  }
  if (cached.exists) {
    options.warn(
      `The cached CLI in ${dir} cannot be reused (${cached.problem ?? 'unknown'}); installing it again.`,
    )
  }

  const source = options.registry.host
  let integrity = options.integrity
  const trust: Marker['trust'] = integrity !== null ? 'pinned' : 'registry'
  if (integrity === null) {
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
  }

  const parent = path.dirname(dir)
  await fs.mkdir(parent, { recursive: true })
  await removeStaleTemps(parent)
  const tmp = await fs.mkdtemp(path.join(parent, `.tmp-${platform.key}-`))
  try {
    const url = tarballUrl(options.registry, platform, version)
    const tmpBinary = path.join(tmp, platform.binary)
    const started = Date.now()
    const expected = integrity
    let size: number
    try {
      size = await withRetries(options, 'the download', () =>
        downloadOnce(url, expected, platform.binary, tmpBinary, options),
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
    await fs.chmod(tmpBinary, 0o755)
    const home = path.join(tmp, 'home')
    await fs.mkdir(home, { mode: 0o700 })
    let reported: string
    try {
      reported = await runVersion(tmpBinary, home, options.path)
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
    const marker: Marker = {
      version,
      platform: platform.key,
      integrity: expected,
      trust,
      size,
      installedAt: new Date().toISOString(),
    }
    await fs.writeFile(path.join(tmp, MARKER), renderMarker(marker), { mode: 0o644 })
    await fs.chmod(tmp, 0o755)
    await place(tmp, dir, options)
    options.log(
      `CLI: installed ${version} (${platform.key}) from ${source} in ${((Date.now() - started) / 1000).toFixed(1)} s, integrity ${trust === 'pinned' ? 'pinned in Airlock' : 'from the registry on first use'}, into ${dir}.`,
    )
    return { path: binary, cached: false, trust }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

/** Moves the finished install into place in one rename; a concurrent run's complete install wins. */
async function place(tmp: string, dir: string, options: InstallOptions): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.rename(tmp, dir)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error
    }
    const there = await inspectCache(dir, options)
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
