/**
 * A git index file (`DIRC`, versions 2 to 4) read in-process: each entry's path, mode, object
 * name, size and assume-unchanged and skip-worktree marks. Pure: bytes in, entries out; says so
 * when it cannot read a file in full (another version, a split index, a cut or malformed file),
 * so the caller asks git instead.
 */
import { NUL } from './bytes.js'

/** One entry of a git index, as {@link walkIndex} reads it. */
export interface IndexEntry {
  /** The path, as raw bytes. */
  readonly path: Buffer
  /** Octal mode (`100644`, `100755`, `120000`, `160000`). */
  readonly mode: string
  /** The object name (hex). */
  readonly oid: string
  /** The file's size when it was staged, modulo 2^32 (the index keeps 32 bits). */
  readonly size: number
  readonly assumeUnchanged: boolean
  readonly skipWorktree: boolean
}

/** An index entry read where it lies: each field is decoded only when asked for. */
class IndexRecord implements IndexEntry {
  skipWorktree = false

  constructor(
    private readonly index: Buffer,
    private readonly at: number,
    private readonly hashBytes: number,
    private readonly fullPath: Buffer | null,
    private readonly nameStart: number,
    private readonly nameEnd: number,
  ) {}

  get path(): Buffer {
    return this.fullPath ?? this.index.subarray(this.nameStart, this.nameEnd)
  }

  get mode(): string {
    return this.index.readUInt32BE(this.at + 24).toString(8)
  }

  get oid(): string {
    return this.index.toString('hex', this.at + 40, this.at + 40 + this.hashBytes)
  }

  get size(): number {
    return this.index.readUInt32BE(this.at + 36)
  }

  get assumeUnchanged(): boolean {
    return (this.index.readUInt16BE(this.at + 40 + this.hashBytes) & 0x8000) !== 0
  }
}

/**
 * Reads the entries of a git index file (`DIRC`, versions 2 to 4, `hashBytes` 20 for SHA-1 and
 * 32 for SHA-256 repositories), passing each of at least `minSize` bytes to `visit` until it
 * returns `false`. Returns
 * `false` when the file is not an index this reads in full (another version, a split index, a
 * cut or malformed file): then the entries seen are not all there are, and the caller asks git.
 */
export function walkIndex(
  index: Buffer,
  hashBytes: number,
  visit: (entry: IndexEntry) => boolean | undefined,
  minSize = 0,
): boolean {
  if (index.length < 12 + hashBytes || index.toString('latin1', 0, 4) !== 'DIRC') return false
  const version = index.readUInt32BE(4)
  if (version < 2 || version > 4) return false
  const count = index.readUInt32BE(8)
  const body = index.length - hashBytes
  const fixed = 40 + hashBytes + 2
  let previous: Buffer = Buffer.alloc(0)
  let at = 12
  for (let i = 0; i < count; i++) {
    if (at + fixed > body) return false
    const flags = index.readUInt16BE(at + fixed - 2)
    let nameAt = at + fixed
    let skipWorktree = false
    const extended = (flags & 0x4000) !== 0
    if (extended) {
      if (version < 3 || nameAt + 2 > body) return false
      skipWorktree = (index.readUInt16BE(nameAt) & 0x4000) !== 0
      nameAt += 2
    }
    let nameEnd: number
    let path: Buffer | null = null
    if (version === 4) {
      // A varint (bytes to drop from the previous name), then the NUL-terminated rest.
      let drop = 0
      let v = nameAt
      for (;;) {
        if (v >= body) return false
        const byte = index[v] ?? 0
        drop = drop * 128 + (byte & 0x7f)
        v += 1
        if ((byte & 0x80) === 0) break
        drop += 1
      }
      const nul = index.indexOf(NUL, v)
      if (nul === -1 || nul >= body || drop > previous.length) return false
      path = Buffer.concat([previous.subarray(0, previous.length - drop), index.subarray(v, nul)])
      previous = path
      nameEnd = nul
      nameAt = nul + 1
    } else {
      const nul = index.indexOf(NUL, nameAt)
      if (nul === -1 || nul >= body) return false
      nameEnd = nul
      // The entry is NUL-padded to a multiple of 8 bytes, with at least one NUL.
      const next = at + ((nul - at + 8) & ~7)
      if (next > body) return false
      nameAt = next
    }
    if (minSize > 0 && index.readUInt32BE(at + 36) < minSize) {
      at = nameAt
      continue
    }
    const entry = new IndexRecord(
      index,
      at,
      hashBytes,
      path,
      at + fixed + (extended ? 2 : 0),
      nameEnd,
    )
    entry.skipWorktree = skipWorktree
    if (visit(entry) === false) return true
    at = nameAt
  }
  // Extensions: a four-byte signature and a length each. A split index keeps entries elsewhere.
  while (at + 8 <= body) {
    const signature = index.toString('latin1', at, at + 4)
    if (signature === 'link' || signature === 'sdir') return false
    at += 8 + index.readUInt32BE(at + 4)
  }
  return at === body
}

/**
 * Says whether any entry of a git index is marked assume-unchanged or skip-worktree: `none`,
 * `some`, or `unknown` when the file is not an index {@link walkIndex} reads in full. Only an
 * answer of `none` can be relied on; the caller asks git otherwise.
 */
export function indexMarks(index: Buffer, hashBytes: number): 'none' | 'some' | 'unknown' {
  const marked: IndexEntry[] = []
  const whole = walkIndex(index, hashBytes, (entry) => {
    if (!entry.assumeUnchanged && !entry.skipWorktree) return undefined
    marked.push(entry)
    return false
  })
  if (marked.length > 0) return 'some'
  return whole ? 'none' : 'unknown'
}
