/**
 * A tar reader that takes one regular file out of the CLI's package tarball. Pure: it reads an
 * async stream of bytes and hands the file's body to a callback; it never touches the disk.
 *
 * Entry names never become paths (the caller writes where it chose). Links, devices, FIFOs,
 * names that could leave the package folder, a second or missing copy of the wanted file and a
 * stream that ends inside an entry are refused with an {@link InstallError}.
 */
import { InstallError } from './error.js'

/** One tar header block, decoded. */
export interface TarHeader {
  name: string
  size: number
  /** The type flag: `0` file, `5` folder, `1`/`2` links, `x`/`g` pax, `L`/`K` GNU long names … */
  type: string
}

/** The largest binary taken from a package: far above the real one (245 MB), far below a full disk. */
export const MAX_BINARY_BYTES = 2 ** 31
/** The largest pax or GNU long-name header read. */
export const MAX_META_BYTES = 1 << 20

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

/** Bytes received and not yet read, in order. */
class ByteQueue {
  readonly #chunks: Buffer[] = []
  #length = 0

  /** How many bytes are queued. */
  get length(): number {
    return this.#length
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#length += chunk.length
  }

  /** Exactly `n` bytes (the caller checked that many are queued), copied into one buffer. */
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const head = this.#chunks[0]
      if (head === undefined) break
      const used = Math.min(head.length, n - filled)
      head.copy(out, filled, 0, used)
      filled += used
      if (used === head.length) this.#chunks.shift()
      else this.#chunks[0] = head.subarray(used)
    }
    this.#length -= n
    return out
  }

  /** Up to `n` bytes without copying. */
  takeSome(n: number): Buffer {
    const head = this.#chunks[0] ?? Buffer.alloc(0)
    if (head.length <= n) {
      this.#chunks.shift()
      this.#length -= head.length
      return head
    }
    this.#chunks[0] = head.subarray(n)
    this.#length -= n
    return head.subarray(0, n)
  }

  clear(): void {
    this.#chunks.length = 0
    this.#length = 0
  }
}

type ReaderState =
  | { at: 'header' }
  | { at: 'body'; left: number; pad: number; sink: 'wanted' | 'skip' | 'meta'; kind: string }
  | { at: 'end' }

/** The state machine behind {@link extractTarEntry}: headers, bodies, padding, the end. */
class EntryReader {
  readonly #queue = new ByteQueue()
  #state: ReaderState = { at: 'header' }
  #meta: Buffer[] = []
  #nextName: string | null = null
  #nextSize: number | null = null
  #found = false
  #written = 0
  readonly #wanted: string
  readonly #write: (chunk: Buffer) => Promise<void>

  constructor(wanted: string, write: (chunk: Buffer) => Promise<void>) {
    this.#wanted = wanted
    this.#write = write
  }

  /** Queues a chunk of the stream and reads as far as it goes. */
  async push(chunk: Buffer): Promise<void> {
    this.#queue.push(chunk)
    await this.#drain()
  }

  /** The size of the wanted file, once the stream has ended; throws when it ended too soon. */
  finish(): number {
    if (this.#state.at === 'body' || this.#queue.length > 0) {
      throw new InstallError("the package's tarball ends inside an entry (a truncated download)")
    }
    if (!this.#found) throw new InstallError(`the package's tarball has no ${this.#wanted}`)
    return this.#written
  }

  #openEntry(header: TarHeader): ReaderState {
    const size = header.size
    const pad = (512 - (size % 512)) % 512
    if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
      if (size > MAX_META_BYTES) throw new InstallError("the package's tarball has a huge header")
      this.#meta = []
      return { at: 'body', left: size, pad, sink: 'meta', kind: header.type }
    }
    const name = (this.#nextName ?? header.name).replace(/^\.\//, '')
    const realSize = this.#nextSize ?? size
    this.#nextName = null
    this.#nextSize = null
    const problem = entryNameProblem(name)
    if (problem !== null) throw new InstallError(`the package's tarball has ${problem}`)
    const typeName = TYPE_NAMES[header.type]
    if (typeName !== undefined) {
      throw new InstallError(`the package's tarball has ${typeName} (${name}), which it must not`)
    }
    if (!['0', '7', '5'].includes(header.type)) {
      throw new InstallError(`the package's tarball has an entry of unknown type '${header.type}'`)
    }
    const wanted = this.#wanted
    const isWanted = name.replace(/\/+$/, '') === wanted
    if (isWanted && header.type === '5') {
      throw new InstallError(`the package's tarball has ${wanted} as a folder, not a file`)
    }
    if (isWanted && this.#found) throw new InstallError(`the package's tarball has ${wanted} twice`)
    if (isWanted && realSize > MAX_BINARY_BYTES) {
      throw new InstallError(`the package's tarball has a ${wanted} larger than 2 GiB`)
    }
    if (isWanted) this.#found = true
    const left = header.type === '5' ? 0 : realSize
    return {
      at: 'body',
      left,
      pad: (512 - (left % 512)) % 512,
      sink: isWanted ? 'wanted' : 'skip',
      kind: header.type,
    }
  }

  #closeMeta(kind: string): void {
    const body = Buffer.concat(this.#meta)
    this.#meta = []
    if (kind === 'L') {
      this.#nextName = field(body, 0, body.length)
    } else if (kind === 'x') {
      const records = parsePax(body)
      if (records.path !== undefined) this.#nextName = records.path
      if (records.size !== undefined) {
        if (!/^\d+$/.test(records.size)) throw new InstallError('the tarball has a bad pax size')
        this.#nextSize = Number(records.size)
      }
      if (records.linkpath !== undefined) {
        throw new InstallError("the package's tarball has a link, which it must not")
      }
    }
  }

  async #drain(): Promise<void> {
    const queue = this.#queue
    for (;;) {
      const state = this.#state
      if (state.at === 'end') {
        queue.clear()
        return
      }
      if (state.at === 'header') {
        if (queue.length < 512) return
        const header = parseTarHeader(queue.take(512))
        this.#state = header === null ? { at: 'end' } : this.#openEntry(header)
        continue
      }
      if (state.left > 0) {
        if (queue.length === 0) return
        const chunk =
          state.sink === 'meta'
            ? queue.take(Math.min(state.left, queue.length))
            : queue.takeSome(state.left)
        state.left -= chunk.length
        if (state.sink === 'wanted') {
          this.#written += chunk.length
          await this.#write(chunk)
        } else if (state.sink === 'meta') {
          this.#meta.push(chunk)
        }
        continue
      }
      if (state.pad > 0) {
        if (queue.length === 0) return
        state.pad -= queue.takeSome(state.pad).length
        continue
      }
      if (state.sink === 'meta') this.#closeMeta(state.kind)
      this.#state = { at: 'header' }
    }
  }
}

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
  const reader = new EntryReader(wanted, write)
  for await (const chunk of source) await reader.push(chunk)
  return reader.finish()
}
