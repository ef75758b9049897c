/**
 * Downloads from the registry: the package's tarball (checked against its sha512 as it streams)
 * and, for a version this release does not pin, the registry's document that names its integrity.
 * I/O: the network through `fetch`, and the one file the binary is written to.
 *
 * Every request is https (or loopback http), follows at most five redirects, each to a URL
 * {@link urlProblem} accepts, and is given up when idle for 30 s or after 10 min. Network trouble
 * is retried twice; a refusal (an HTTP 4xx, a bad tarball, a digest that differs) never is. The
 * binary is written mode 0600 and nothing runs it before the digest of the whole download matched.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { createGunzip } from 'node:zlib'
import { describeError, InstallError, IntegrityError } from './error.js'
import type { PlatformPackage } from './platform.js'
import { manifestUrl, sha512Of, urlProblem } from './registry.js'
import { extractTarEntry, MAX_META_BYTES } from './tar.js'

/** The largest tarball downloaded: far above the real package (77 MB), far below a full disk. */
export const MAX_DOWNLOAD_BYTES = 1 << 30

/** Delays before the 2nd and 3rd attempt of a download. */
const RETRY_DELAYS_MS = [1_000, 4_000]
/** A download that receives nothing for this long is given up (and retried). */
const IDLE_TIMEOUT_MS = 30_000
/** No attempt takes longer than this, however slowly bytes arrive. */
const ATTEMPT_TIMEOUT_MS = 10 * 60_000
const MAX_REDIRECTS = 5

/** For tests: shorter waits than the defaults above. */
export interface DownloadTiming {
  retryDelaysMs?: number[]
  idleTimeoutMs?: number
  attemptTimeoutMs?: number
}

/** What every download needs: where to say that an attempt failed, and the waits. */
export interface DownloadOptions {
  log: (line: string) => void
  timing?: DownloadTiming
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A fetch with a deadline and an idle timer, following redirects only to URLs `urlProblem` accepts. */
class Download {
  readonly #controller = new AbortController()
  #idle: NodeJS.Timeout | undefined
  readonly #total: NodeJS.Timeout
  readonly #idleMs: number
  #why = ''

  constructor(timing: DownloadTiming | undefined) {
    const totalMs = timing?.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS
    this.#idleMs = timing?.idleTimeoutMs ?? IDLE_TIMEOUT_MS
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

/** How many attempts a download gets. */
export function attempts(options: DownloadOptions): number {
  return (options.timing?.retryDelaysMs ?? RETRY_DELAYS_MS).length + 1
}

async function withRetries<T>(
  options: DownloadOptions,
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

function truncated(received: number, declared: number): InstallError {
  return new InstallError(`the download ended after ${received} of ${declared} bytes`, true)
}

/** The package whose registry document {@link registryIntegrity} reads. */
export interface ManifestOptions extends DownloadOptions {
  registry: URL
  platform: PlatformPackage
  version: string
}

/** Asks the registry for the integrity of `pkg@version` (used when this release pins none). */
export async function registryIntegrity(options: ManifestOptions): Promise<string> {
  const url = manifestUrl(options.registry, options.platform, options.version)
  return withRetries(options, 'reading the package document', async () => {
    const download = new Download(options.timing)
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
  options: DownloadOptions,
): Promise<number> {
  const download = new Download(options.timing)
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

/**
 * Downloads the tarball at `url` (with retries) and writes the body of `package/<wanted>` to
 * `outFile`; returns its size. Throws {@link IntegrityError} when the download's sha512 is not
 * `expected`'s, and an {@link InstallError} (`retryable` for network trouble) otherwise.
 */
export async function downloadBinary(
  url: URL,
  expected: string,
  wanted: string,
  outFile: string,
  options: DownloadOptions,
): Promise<number> {
  return withRetries(options, 'the download', () =>
    downloadOnce(url, expected, wanted, outFile, options),
  )
}
