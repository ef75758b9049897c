/**
 * Parsers for git's machine-readable output: `diff-tree`/`diff-index -z --raw -p` (the raw
 * records, then the patch: its added lines and per-file line counts), `cat-file --batch`,
 * NUL-separated lists and the index file's entry flags. Pure: bytes in, data out. The streaming
 * parsers keep at most one bounded line or field in memory (and the raw records, one per changed
 * file), whatever the size of the input.
 */
import { isUtf8 } from 'node:buffer'
import type { ChangedFile } from '../../types/stages.js'

const NUL = 0x00
const TAB = 0x09
const LF = 0x0a
const PLUS = 0x2b
const MINUS = 0x2d
const SPACE = 0x20
const BACKSLASH = 0x5c
const QUOTE = 0x22

/**
 * Decodes bytes as UTF-8, rendering every byte that is not part of a valid UTF-8 sequence as
 * `\xNN` (two lowercase hex digits). Valid text comes back unchanged, so a path that is valid
 * UTF-8 decodes to exactly the string git would print for it.
 */
export function decodeBytes(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isUtf8(buf)) return buf.toString('utf8')
  let out = ''
  let runStart = 0
  let i = 0
  while (i < buf.length) {
    const length = validSequenceLength(buf, i)
    if (length > 0) {
      i += length
      continue
    }
    out += buf.toString('utf8', runStart, i) + `\\x${hex2(buf[i] ?? 0)}`
    i += 1
    runStart = i
  }
  return out + buf.toString('utf8', runStart, buf.length)
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0')
}

/** Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629 table), or 0 if none. */
function validSequenceLength(buf: Buffer, i: number): number {
  const b0 = buf[i] ?? 0
  if (b0 < 0x80) return 1
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = buf[i + j]
    return b !== undefined && b >= lo && b <= hi
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0
  return 0
}

/** Splits a complete NUL-terminated list into its fields (a missing final NUL is tolerated). */
export function splitNul(buf: Buffer): Buffer[] {
  const fields: Buffer[] = []
  let start = 0
  while (start < buf.length) {
    let end = buf.indexOf(NUL, start)
    if (end === -1) end = buf.length
    fields.push(buf.subarray(start, end))
    start = end + 1
  }
  return fields
}

/**
 * Splits a NUL-separated stream fed in chunks of any size into fields. Holds at most one field
 * in memory and fails on a field longer than `maxFieldBytes`.
 */
export class NulSplitter {
  private pending: Buffer[] = []
  private pendingBytes = 0

  /** @param maxFieldBytes the longest field accepted, in bytes. */
  constructor(private readonly maxFieldBytes = 1 << 20) {}

  /** Feeds the next chunk; returns the fields it completed. */
  push(chunk: Buffer): Buffer[] {
    const fields: Buffer[] = []
    let start = 0
    for (;;) {
      const end = chunk.indexOf(NUL, start)
      if (end === -1) {
        this.hold(chunk.subarray(start))
        return fields
      }
      this.hold(chunk.subarray(start, end))
      fields.push(Buffer.concat(this.pending, this.pendingBytes))
      this.pending = []
      this.pendingBytes = 0
      start = end + 1
    }
  }

  /** Ends the stream; returns the last field if it was not NUL-terminated. */
  end(): Buffer[] {
    if (this.pendingBytes === 0) return []
    const last = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    return [last]
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return
    this.pendingBytes += part.length
    if (this.pendingBytes > this.maxFieldBytes) {
      throw new Error(`A NUL-separated field is longer than ${this.maxFieldBytes} bytes.`)
    }
    this.pending.push(part)
  }
}

const OID = '[0-9a-f]{40}(?:[0-9a-f]{24})?'
const RAW_HEADER = new RegExp(`^:([0-7]{6}) ([0-7]{6}) (${OID}) (${OID}) ([A-Z])[0-9]*$`)
const ABSENT_MODE = '000000'
const EMPTY = Buffer.alloc(0)

/** One record of `git diff-tree -r -z --raw`: a changed path and both sides of the change. */
export interface RawEntry {
  status: ChangedFile['status']
  /** The path on the new side (the target of a rename), as raw bytes. */
  path: Buffer
  /** The source of a rename, as raw bytes. */
  oldPath?: Buffer
  /** Octal modes; `000000` for a side that does not exist. */
  oldMode: string
  newMode: string
  /** Object names; all zeros for a side that does not exist. */
  oldOid: string
  newOid: string
}

const STATUS: Readonly<Record<string, ChangedFile['status']>> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'type-changed',
}

/**
 * Parses the NUL-separated fields of `git diff-tree -r -z --raw [-M]`, in git's order.
 * Understands additions, modifications (mode-only ones included), deletions, renames
 * (`R<score>`) and type changes (`T`). Throws on anything else (copies, unmerged entries) and on
 * output cut short.
 */
export function parseRawZ(fields: readonly Buffer[]): RawEntry[] {
  const entries: RawEntry[] = []
  let at = 0
  const next = (what: string): Buffer => {
    const field = fields[at]
    if (field === undefined) throw new Error(`Truncated diff-tree output: expected ${what}.`)
    at += 1
    return field
  }
  while (at < fields.length) {
    const head = next('a record')
    const match = RAW_HEADER.exec(head.toString('latin1'))
    if (match === null) {
      throw new Error(`Unexpected diff-tree record ${JSON.stringify(head.toString('latin1'))}.`)
    }
    const [, oldMode = '', newMode = '', oldOid = '', newOid = '', code = ''] = match
    const status = STATUS[code]
    if (status === undefined) throw new Error(`Unexpected diff-tree status ${code}.`)
    const sides = { status, oldMode, newMode, oldOid, newOid }
    if (code === 'R') {
      const oldPath = next('the source path of a rename')
      entries.push({ ...sides, oldPath, path: next('the target path of a rename') })
    } else {
      entries.push({ ...sides, path: next('a path') })
    }
  }
  return entries
}

/**
 * Splits the output of `git diff-tree -r -z --raw -p` fed in chunks of any size: first the raw
 * records (NUL-separated fields, kept), then an empty field, then the patch (handed back as it
 * comes, never kept). An output without changes is empty.
 */
export class RawPatchSplitter {
  private readonly fields: Buffer[] = []
  private pending: Buffer[] = []
  private pendingBytes = 0
  private inPatch = false
  private parsed: RawEntry[] | null = null

  /** @param maxFieldBytes the longest raw field accepted, in bytes. */
  constructor(private readonly maxFieldBytes = 1 << 20) {}

  /** Whether the raw part is over and the patch has begun. */
  get patchStarted(): boolean {
    return this.inPatch
  }

  /** Feeds the next chunk; returns the part of it that belongs to the patch (maybe empty). */
  push(chunk: Buffer): Buffer {
    if (this.inPatch) return chunk
    let start = 0
    for (;;) {
      const end = chunk.indexOf(NUL, start)
      if (end === -1) {
        this.hold(chunk.subarray(start))
        return EMPTY
      }
      this.hold(chunk.subarray(start, end))
      const field = Buffer.concat(this.pending, this.pendingBytes)
      this.pending = []
      this.pendingBytes = 0
      start = end + 1
      this.parsed = null
      if (field.length === 0) {
        this.inPatch = true
        return chunk.subarray(start)
      }
      this.fields.push(field)
    }
  }

  /** The raw records, parsed; complete once the patch has begun or the output ended. */
  rawEntries(): RawEntry[] {
    this.parsed ??= parseRawZ(this.fields)
    return this.parsed
  }

  /** Ends the output; throws if it stopped inside a raw field. */
  end(): void {
    if (this.pendingBytes > 0) throw new Error('Truncated diff-tree output inside a record.')
  }

  private hold(part: Buffer): void {
    if (part.length === 0) return
    this.pendingBytes += part.length
    if (this.pendingBytes > this.maxFieldBytes) {
      throw new Error(`A diff-tree field is longer than ${this.maxFieldBytes} bytes.`)
    }
    this.pending.push(part)
  }
}

/** What one `diff --git` section of a patch showed. */
export interface PatchSection {
  /** The `--- a/…` path (decoded), `null` for `--- /dev/null`, absent without a `---` line. */
  oldLabel?: string | null
  /** The `+++ b/…` path (decoded), `null` for `+++ /dev/null`, absent without a `+++` line. */
  newLabel?: string | null
  /** Lines added and removed in its hunks (a line split into pieces counts once). */
  additions: number
  deletions: number
  /** Whether git printed it as binary (`GIT binary patch` or `Binary files … differ`). */
  binary: boolean
  /** Whether it had a hunk or a binary payload, i.e. git compared the contents. */
  contentShown: boolean
}

/** A changed file, with both object names and whether the patch showed its content. */
export interface DiffEntry {
  file: ChangedFile
  oldOid: string
  newOid: string
  /**
   * False when the patch had no hunk and no binary payload for it (a mode-only change, a rename
   * without edits, an empty file): for such a file `binary` is only known from its content.
   */
  contentShown: boolean
}

/**
 * Joins the raw records of one `diff-tree -r --raw -p` run with the sections of its patch, which
 * git prints in the same order: one section per record, two for a type change (git splits it
 * into a deletion and a creation). Line counts are the lines the patch removes and adds, which
 * are `--numstat`'s counts for every change but a type change (numstat diffs the old file's text
 * against the new symlink's target; here the patch deletes the one and creates the other). A file
 * is binary when a section says so; binary files have `null` counts. Throws when the two halves
 * do not agree (count, order or names).
 */
export function joinPatchSections(
  entries: readonly RawEntry[],
  sections: readonly PatchSection[],
): DiffEntry[] {
  const joined: DiffEntry[] = []
  let at = 0
  for (const entry of entries) {
    const path = decodeBytes(entry.path)
    const oldPath = entry.oldPath === undefined ? undefined : decodeBytes(entry.oldPath)
    const own = sections.slice(at, at + (entry.status === 'type-changed' ? 2 : 1))
    at += own.length
    if (own.length < (entry.status === 'type-changed' ? 2 : 1)) {
      throw new Error(`The patch has fewer sections than diff-tree listed changes (at ${path}).`)
    }
    let additions = 0
    let deletions = 0
    let binary = false
    let contentShown = false
    const split = entry.status === 'type-changed'
    for (const section of own) {
      if (
        !labelFits(section.oldLabel, oldPath ?? path, entry.status !== 'added', split) ||
        !labelFits(section.newLabel, path, entry.status !== 'deleted', split)
      ) {
        throw new Error(`The patch and diff-tree's records are not in the same order (at ${path}).`)
      }
      additions += section.additions
      deletions += section.deletions
      binary ||= section.binary
      contentShown ||= section.contentShown
    }
    const file: ChangedFile = {
      path,
      status: entry.status,
      additions: binary ? null : additions,
      deletions: binary ? null : deletions,
      binary,
    }
    if (oldPath !== undefined) file.oldPath = oldPath
    if (entry.oldMode !== ABSENT_MODE) file.oldMode = entry.oldMode
    if (entry.newMode !== ABSENT_MODE) file.newMode = entry.newMode
    joined.push({ file, oldOid: entry.oldOid, newOid: entry.newOid, contentShown })
  }
  if (at !== sections.length) {
    throw new Error(
      `The patch has ${sections.length} sections for diff-tree's ${entries.length} changes.`,
    )
  }
  return joined
}

/**
 * Whether a `---`/`+++` label fits its side of the change: absent, the side's path when the side
 * exists, or `/dev/null` when it does not (or may not: git splits a type change into a deletion
 * and a creation).
 */
function labelFits(
  label: string | null | undefined,
  expected: string,
  exists: boolean,
  split: boolean,
): boolean {
  if (label === undefined) return true
  if (label === null) return !exists || split
  return exists && label === expected
}

/**
 * Git's own test for a binary blob when no attribute decides (`diff_filespec_is_binary`): larger
 * than `core.bigFileThreshold`, or a NUL byte among the first 8,000 bytes.
 */
export function isBinaryToGit(size: number, head: Uint8Array, bigFileThreshold: number): boolean {
  return size > bigFileThreshold || head.subarray(0, 8000).includes(NUL)
}

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

const C_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  t: 0x09,
  n: 0x0a,
  v: 0x0b,
  f: 0x0c,
  r: 0x0d,
  '"': 0x22,
  '\\': 0x5c,
}

/**
 * Reads a path as git prints it in patch headers: either as is, or C-quoted (`"b/a\tb\303\251"`)
 * when it holds a quote, a backslash, a control character or a byte above 0x7f. Returns the raw
 * bytes of the path and ignores anything after the closing quote. Throws on a malformed quote.
 */
export function unquoteGitPath(text: Buffer): Buffer {
  if (text[0] !== QUOTE) return text
  const out: number[] = []
  let i = 1
  while (i < text.length) {
    const b = text[i] ?? 0
    if (b === QUOTE) return Buffer.from(out)
    if (b !== BACKSLASH) {
      out.push(b)
      i += 1
      continue
    }
    const esc = String.fromCharCode(text[i + 1] ?? 0)
    const named = C_ESCAPES[esc]
    if (named !== undefined) {
      out.push(named)
      i += 2
      continue
    }
    const octal = text.subarray(i + 1, i + 4).toString('latin1')
    if (!/^[0-3][0-7]{2}$/.test(octal)) throw new Error('Malformed quoted path in patch header.')
    out.push(parseInt(octal, 8))
    i += 4
  }
  throw new Error('Unterminated quoted path in patch header.')
}

/** One line a patch adds, on the new side of the change. */
export interface AddedLine {
  /** New-side path, decoded like {@link ChangedFile.path}. */
  path: string
  /** 1-based line number on the new side (of the first line, when `lines` > 1). */
  line: number
  /**
   * The line without its `+` and newline; or `lines` consecutive added lines joined with `\n`
   * (at most `maxLineBytes` in all). A line longer than `maxLineBytes` comes as several pieces
   * with the same `line` (and `lines` 1), each overlapping the previous one by `overlapBytes`.
   */
  text: string
  /** How many lines `text` holds (1 for a piece of a long line). */
  lines: number
}

/** Limits for {@link AddedLineParser}. */
export interface AddedLineParserOptions {
  /** Longest piece of an added line returned at once, in bytes. Default 64 KiB. */
  maxLineBytes?: number
  /** How many bytes consecutive pieces of one long line share. Default 512. */
  overlapBytes?: number
  /** Longest header line kept (a `+++` path line), in bytes. Default 64 KiB. */
  maxHeaderBytes?: number
}

type LineKind = 'none' | 'added' | 'other'

/**
 * Incremental parser for `git diff-tree -p -U<n>` output: feed it chunks of any size, get back
 * the added lines with their new-side line numbers. Hunks are consumed by their line counts, so
 * content that looks like a header (`+++ b/x`, `diff --git`) is never mistaken for one. Memory
 * is bounded by `maxLineBytes` plus `maxHeaderBytes`, however long the patch or its lines are.
 * Binary files (`Binary files … differ`) have no lines and yield nothing. Throws on a patch it
 * cannot follow, rather than guess.
 */
export class AddedLineParser {
  private readonly maxLineBytes: number
  private readonly overlapBytes: number
  private readonly maxHeaderBytes: number

  private path: string | null = null
  private oldLeft = 0
  private newLeft = 0
  private newLine = 0

  private kind: LineKind = 'none'
  private parts: Buffer[] = []
  private partBytes = 0
  private truncated = false
  private piecesEmitted = false
  private freshBytes = 0
  private out: AddedLine[] = []
  private section: PatchSection | null = null
  private done: PatchSection[] = []
  /** Consecutive added lines of the current chunk, not decoded yet. */
  private run: {
    chunk: Buffer
    start: number
    end: number
    path: string
    line: number
    lines: number
  } | null = null

  /** @param options limits on what is held in memory. */
  constructor(options: AddedLineParserOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024
    this.overlapBytes = options.overlapBytes ?? 512
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024
    if (
      this.maxLineBytes < 16 ||
      this.overlapBytes < 0 ||
      this.overlapBytes * 2 > this.maxLineBytes
    ) {
      throw new Error('AddedLineParser: maxLineBytes must be at least 16 and twice overlapBytes.')
    }
  }

  /** Feeds the next chunk of the patch; returns the added lines (or pieces) it completed. */
  push(chunk: Buffer): AddedLine[] {
    let start = 0
    while (start < chunk.length) {
      const nl = chunk.indexOf(LF, start)
      if (nl !== -1 && this.kind === 'none' && this.wholeLine(chunk, start, nl)) {
        start = nl + 1
        continue
      }
      this.append(chunk.subarray(start, nl === -1 ? chunk.length : nl))
      if (nl === -1) break
      this.finishLine()
      start = nl + 1
    }
    return this.take()
  }

  /** Ends the patch; returns what is left and throws if the patch stopped inside a hunk. */
  end(): AddedLine[] {
    if (this.kind !== 'none') this.finishLine()
    if (this.oldLeft > 0 || this.newLeft > 0) throw new Error('The patch ended inside a hunk.')
    this.closeSection()
    return this.take()
  }

  /**
   * The `diff --git` sections completed so far (each once, in order): their labels, line counts
   * and whether git printed them as binary. A section completes when the next one starts, or at
   * {@link end}.
   */
  sections(): PatchSection[] {
    const done = this.done
    this.done = []
    return done
  }

  private closeSection(): void {
    if (this.section !== null) this.done.push(this.section)
    this.section = null
  }

  private take(): AddedLine[] {
    this.flushRun()
    const out = this.out
    this.out = []
    return out
  }

  /**
   * Adds the added line `chunk[from, to)` (without its `+`) to the run of consecutive added
   * lines being gathered, or starts a new run. A run is decoded once, when it ends.
   */
  private addToRun(chunk: Buffer, from: number, to: number): void {
    const run = this.run
    if (
      run !== null &&
      run.chunk === chunk &&
      from === run.end + 2 &&
      to - run.start <= this.maxLineBytes
    ) {
      run.end = to
      run.lines += 1
      return
    }
    this.flushRun()
    if (this.path === null) throw new Error('The patch adds lines to a file it did not name.')
    this.run = { chunk, start: from, end: to, path: this.path, line: this.newLine, lines: 1 }
  }

  private flushRun(): void {
    const run = this.run
    if (run === null) return
    this.run = null
    // The run's bytes are its lines joined by "\n+": every "\n+" is a line boundary, and as
    // both are ASCII, decoding the whole run equals decoding each line.
    const text = decodeBytes(run.chunk.subarray(run.start, run.end))
    this.out.push({
      path: run.path,
      line: run.line,
      text: run.lines === 1 ? text : text.replaceAll('\n+', '\n'),
      lines: run.lines,
    })
  }

  private inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0
  }

  /**
   * The usual case, without copying: a line that starts and ends in this chunk and needs no
   * cutting. Does what {@link append} then {@link finishLine} would do; returns false (having
   * done nothing) for a line they must handle.
   */
  private wholeLine(chunk: Buffer, start: number, end: number): boolean {
    if (!this.inHunk()) {
      if (end - start > this.maxHeaderBytes) return false
      this.otherLine(chunk.subarray(start, end))
      return true
    }
    if (end > start && chunk[start] === PLUS && this.newLeft > 0) {
      if (end - start - 1 > this.maxLineBytes) return false
      this.addToRun(chunk, start + 1, end)
      if (this.section !== null) this.section.additions += 1
      this.newLeft -= 1
      this.newLine += 1
      return true
    }
    this.otherLine(chunk.subarray(start, end))
    return true
  }

  private append(bytes: Buffer): void {
    if (this.kind === 'none') {
      if (bytes.length === 0) return
      this.kind = this.inHunk() && bytes[0] === PLUS && this.newLeft > 0 ? 'added' : 'other'
      if (this.kind === 'added') bytes = bytes.subarray(1)
    }
    if (this.kind === 'other') {
      const room = this.maxHeaderBytes - this.partBytes
      if (bytes.length > room) this.truncated = true
      this.hold(bytes.subarray(0, Math.max(0, room)))
      return
    }
    this.hold(bytes)
    this.freshBytes += bytes.length
    if (this.partBytes > this.maxLineBytes) this.emitPieces()
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.parts.push(bytes)
    this.partBytes += bytes.length
  }

  /** Emits the first `maxLineBytes` of a long added line, keeping an overlap for the next piece. */
  private emitPieces(): void {
    let buf = Buffer.concat(this.parts, this.partBytes)
    while (buf.length > this.maxLineBytes) {
      const cut = charBoundary(buf, this.maxLineBytes)
      this.emit(buf.subarray(0, cut))
      this.freshBytes = buf.length - cut
      buf = buf.subarray(charBoundary(buf, cut - this.overlapBytes))
      this.piecesEmitted = true
    }
    this.parts = [buf]
    this.partBytes = buf.length
  }

  private emit(bytes: Buffer): void {
    if (this.path === null) throw new Error('The patch adds lines to a file it did not name.')
    this.flushRun()
    this.out.push({ path: this.path, line: this.newLine, text: decodeBytes(bytes), lines: 1 })
  }

  private finishLine(): void {
    // One part (the usual case: a line within one chunk) needs no copy.
    const line =
      this.parts.length === 1
        ? (this.parts[0] as Buffer)
        : Buffer.concat(this.parts, this.partBytes)
    if (this.kind === 'added') {
      if (!this.piecesEmitted || this.freshBytes > 0) this.emit(line)
      if (this.section !== null) this.section.additions += 1
      this.newLeft -= 1
      this.newLine += 1
    } else {
      this.otherLine(line)
    }
    this.kind = 'none'
    this.parts = []
    this.partBytes = 0
    this.truncated = false
    this.piecesEmitted = false
    this.freshBytes = 0
  }

  private otherLine(line: Buffer): void {
    const first = line[0]
    if (this.inHunk()) {
      if (first === MINUS && this.oldLeft > 0) {
        this.oldLeft -= 1
        if (this.section !== null) this.section.deletions += 1
      } else if ((first === SPACE || first === undefined) && this.oldLeft > 0 && this.newLeft > 0) {
        this.oldLeft -= 1
        this.newLeft -= 1
        this.newLine += 1
      } else if (first !== BACKSLASH) {
        throw new Error('The patch does not match its hunk header.')
      }
      return
    }
    if (startsWith(line, 'diff --git ')) {
      this.path = null
      this.closeSection()
      this.section = { additions: 0, deletions: 0, binary: false, contentShown: false }
    } else if (startsWith(line, '+++ ')) {
      if (this.truncated) throw new Error('A patch header line is too long to read.')
      this.path = parseLabel(line.subarray(4), 'b/')
      if (this.section !== null) this.section.newLabel = this.path
    } else if (startsWith(line, '--- ')) {
      if (this.truncated) throw new Error('A patch header line is too long to read.')
      if (this.section !== null) this.section.oldLabel = parseLabel(line.subarray(4), 'a/')
    } else if (startsWith(line, '@@ ')) {
      this.startHunk(line)
      if (this.section !== null) this.section.contentShown = true
    } else if (startsWith(line, 'GIT binary patch') || startsWith(line, 'Binary files ')) {
      if (this.section !== null) {
        this.section.binary = true
        this.section.contentShown = true
      }
    } else if (
      first === PLUS ||
      first === SPACE ||
      (first === MINUS && !startsWith(line, '--- '))
    ) {
      throw new Error('Unexpected line outside a hunk in patch.')
    }
  }

  private startHunk(line: Buffer): void {
    const match = /^@@ -[0-9]+(?:,([0-9]+))? \+([0-9]+)(?:,([0-9]+))? @@/.exec(
      line.toString('latin1'),
    )
    if (match === null) throw new Error('Malformed hunk header in patch.')
    this.oldLeft = match[1] === undefined ? 1 : Number(match[1])
    this.newLine = Number(match[2])
    this.newLeft = match[3] === undefined ? 1 : Number(match[3])
  }
}

function startsWith(line: Buffer, prefix: string): boolean {
  return line.length >= prefix.length && line.toString('latin1', 0, prefix.length) === prefix
}

/**
 * The path of a `---`/`+++` label: `a/path` or `b/path` (per `prefix`), C-quoted or not, or
 * `/dev/null` (`null`). Git adds a tab after an unquoted name with a space.
 */
function parseLabel(label: Buffer, prefix: 'a/' | 'b/'): string | null {
  if (label.toString('latin1') === '/dev/null') return null
  let bytes = unquoteGitPath(label)
  if (bytes === label && bytes[bytes.length - 1] === TAB) bytes = bytes.subarray(0, -1)
  if (!startsWith(bytes, prefix)) {
    throw new Error(`Unexpected ${prefix === 'a/' ? 'old' : 'new'}-file label in patch header.`)
  }
  return decodeBytes(bytes.subarray(2))
}

/** The largest index ≤ `at` that does not split a UTF-8 sequence (or `at` for invalid data). */
function charBoundary(buf: Buffer, at: number): number {
  let i = Math.max(0, at)
  for (let step = 0; step < 3 && i > 0 && i < buf.length; step++) {
    if (((buf[i] ?? 0) & 0xc0) !== 0x80) return i
    i -= 1
  }
  return ((buf[i] ?? 0) & 0xc0) === 0x80 ? at : i
}

/** One object read from `git cat-file --batch`. */
export interface BatchObject {
  oid: string
  /** The object type, or `missing` when git does not have it. */
  type: string
  size: number
  /** The content, cut to `maxContentBytes`. */
  content: Buffer
  truncated: boolean
}

/**
 * Incremental parser for `git cat-file --batch` output (`<oid> <type> <size>\n<content>\n` or
 * `<oid> missing\n`). Keeps at most `maxContentBytes` of any object; the rest is skipped.
 */
export class CatFileBatchParser {
  private header: Buffer[] = []
  private headerBytes = 0
  private current: {
    oid: string
    type: string
    size: number
    kept: Buffer[]
    keptBytes: number
  } | null = null
  /** Bytes of the current object (content plus its trailing newline) still to read. */
  private left = 0

  /** @param maxContentBytes how much of each object to keep. */
  constructor(private readonly maxContentBytes = 64 * 1024) {}

  /** Feeds the next chunk; returns the objects it completed. */
  push(chunk: Buffer): BatchObject[] {
    const done: BatchObject[] = []
    let i = 0
    while (i < chunk.length) {
      if (this.current === null) {
        const nl = chunk.indexOf(LF, i)
        const end = nl === -1 ? chunk.length : nl
        this.headerBytes += end - i
        if (this.headerBytes > 1024) throw new Error('Unexpected cat-file --batch output.')
        this.header.push(chunk.subarray(i, end))
        i = end
        if (nl === -1) break
        i += 1
        const missing = this.startObject(Buffer.concat(this.header).toString('latin1'))
        this.header = []
        this.headerBytes = 0
        if (missing !== null) done.push(missing)
        continue
      }
      const take = Math.min(this.left, chunk.length - i)
      const part = chunk.subarray(i, i + take)
      const room = this.maxContentBytes - this.current.keptBytes
      const contentPart = part.subarray(0, Math.max(0, Math.min(room, this.left - 1)))
      if (contentPart.length > 0) {
        this.current.kept.push(contentPart)
        this.current.keptBytes += contentPart.length
      }
      this.left -= take
      i += take
      if (this.left === 0) {
        const { oid, type, size, kept, keptBytes } = this.current
        done.push({
          oid,
          type,
          size,
          content: Buffer.concat(kept, keptBytes),
          truncated: keptBytes < size,
        })
        this.current = null
      }
    }
    return done
  }

  /** Ends the stream; throws if it stopped in the middle of an object. */
  end(): void {
    if (this.current !== null || this.headerBytes > 0)
      throw new Error('cat-file --batch output ended early.')
  }

  private startObject(header: string): BatchObject | null {
    const missing = new RegExp(`^(${OID}) missing$`).exec(header)
    if (missing !== null) {
      return {
        oid: missing[1] ?? '',
        type: 'missing',
        size: 0,
        content: Buffer.alloc(0),
        truncated: false,
      }
    }
    const match = new RegExp(`^(${OID}) ([a-z]+) ([0-9]+)$`).exec(header)
    if (match === null)
      throw new Error(`Unexpected cat-file --batch header ${JSON.stringify(header)}.`)
    const size = Number(match[3])
    this.current = { oid: match[1] ?? '', type: match[2] ?? '', size, kept: [], keptBytes: 0 }
    this.left = size + 1
    return null
  }
}
