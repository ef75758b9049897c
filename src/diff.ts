/**
 * Parsers for git's machine-readable output: `diff-tree --raw --numstat -z`, unified patches,
 * `cat-file --batch`, and NUL-separated lists. Pure: bytes in, data out. The streaming parsers
 * keep at most one bounded line or field in memory, whatever the size of the input.
 */
import { isUtf8 } from 'node:buffer'
import type { ChangedFile } from './types.js'

const NUL = 0x00
const TAB = 0x09
const LF = 0x0a
const PLUS = 0x2b
const MINUS = 0x2d
const SPACE = 0x20
const BACKSLASH = 0x5c
const QUOTE = 0x22
const COLON = 0x3a

/**
 * Decodes bytes as UTF-8, rendering every byte that is not part of a valid UTF-8 sequence as
 * `\xNN` (two lowercase hex digits). Valid text comes back unchanged, so a path that is valid
 * UTF-8 decodes to exactly the string git would print for it.
 */
export function decodeBytes(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
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

interface RawRecord {
  oldMode: string
  newMode: string
  oldOid: string
  newOid: string
  status: string
  path: Buffer
  oldPath?: Buffer
}

interface NumstatRecord {
  additions: number | null
  deletions: number | null
  path: Buffer
  oldPath?: Buffer
}

/**
 * Parses the output of `git diff-tree -r -z --raw --numstat [-M] <a> <b>`: every raw record,
 * then every numstat record, in the same order. Returns one entry per changed path, in git's
 * order. Understands additions, modifications (including mode-only changes), deletions,
 * renames (`R<score>`) and type changes (`T`); binary files have `null` line counts. Throws on
 * anything else (copies, unmerged entries) and on output whose two halves do not agree.
 */
export function parseRawNumstatZ(buf: Buffer): ChangedFile[] {
  return parseDiffTreeZ(buf).map((entry) => entry.file)
}

/** A changed file with the object names of both sides (all zeros for a side that is absent). */
export interface DiffEntry {
  file: ChangedFile
  oldOid: string
  newOid: string
}

/** {@link parseRawNumstatZ}, keeping each side's object name. */
export function parseDiffTreeZ(buf: Buffer): DiffEntry[] {
  const fields = splitNul(buf)
  let at = 0
  const next = (what: string): Buffer => {
    const field = fields[at]
    if (field === undefined) throw new Error(`Truncated diff-tree output: expected ${what}.`)
    at += 1
    return field
  }
  const raws: RawRecord[] = []
  const stats: NumstatRecord[] = []
  while (at < fields.length) {
    const head = next('a record')
    if (head[0] !== COLON) {
      stats.push(parseNumstat(head, next))
      continue
    }
    const match = RAW_HEADER.exec(head.toString('latin1'))
    if (match === null) {
      throw new Error(`Unexpected diff-tree record ${JSON.stringify(head.toString('latin1'))}.`)
    }
    const [, oldMode = '', newMode = '', oldOid = '', newOid = '', status = ''] = match
    const sides = { oldMode, newMode, oldOid, newOid, status }
    if (status === 'R' || status === 'C') {
      const oldPath = next('the source path of a rename')
      raws.push({ ...sides, oldPath, path: next('the target path of a rename') })
    } else {
      raws.push({ ...sides, path: next('a path') })
    }
  }
  if (raws.length !== stats.length) {
    throw new Error(
      `diff-tree printed ${raws.length} raw records but ${stats.length} numstat records.`,
    )
  }
  return raws.map((raw, i) => ({
    file: toChangedFile(raw, stats[i] as NumstatRecord),
    oldOid: raw.oldOid,
    newOid: raw.newOid,
  }))
}

function parseNumstat(field: Buffer, next: (what: string) => Buffer): NumstatRecord {
  const tab1 = field.indexOf(TAB)
  const tab2 = tab1 === -1 ? -1 : field.indexOf(TAB, tab1 + 1)
  if (tab2 === -1)
    throw new Error(`Unexpected numstat record ${JSON.stringify(field.toString('latin1'))}.`)
  const additions = parseCount(field.subarray(0, tab1))
  const deletions = parseCount(field.subarray(tab1 + 1, tab2))
  const path = field.subarray(tab2 + 1)
  if (path.length > 0) return { additions, deletions, path }
  const oldPath = next('the source path of a renamed numstat record')
  return {
    additions,
    deletions,
    oldPath,
    path: next('the target path of a renamed numstat record'),
  }
}

function parseCount(bytes: Buffer): number | null {
  const text = bytes.toString('latin1')
  if (text === '-') return null
  if (!/^[0-9]+$/.test(text)) throw new Error(`Unexpected numstat count ${JSON.stringify(text)}.`)
  return Number(text)
}

const STATUS: Readonly<Record<string, ChangedFile['status']>> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'type-changed',
}

function toChangedFile(raw: RawRecord, stat: NumstatRecord): ChangedFile {
  const status = STATUS[raw.status]
  if (status === undefined) throw new Error(`Unexpected diff-tree status ${raw.status}.`)
  if (!raw.path.equals(stat.path) || !sameOptional(raw.oldPath, stat.oldPath)) {
    throw new Error('diff-tree raw and numstat records are not in the same order.')
  }
  const binary = stat.additions === null || stat.deletions === null
  const file: ChangedFile = {
    path: decodeBytes(raw.path),
    status,
    additions: binary ? null : stat.additions,
    deletions: binary ? null : stat.deletions,
    binary,
  }
  if (raw.oldPath !== undefined) file.oldPath = decodeBytes(raw.oldPath)
  if (raw.oldMode !== ABSENT_MODE) file.oldMode = raw.oldMode
  if (raw.newMode !== ABSENT_MODE) file.newMode = raw.newMode
  return file
}

function sameOptional(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b)
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
  /** 1-based line number on the new side. */
  line: number
  /**
   * The line without its `+` and newline. A line longer than `maxLineBytes` comes as several
   * pieces with the same `line`, each overlapping the previous one by `overlapBytes`.
   */
  text: string
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
    return this.take()
  }

  private take(): AddedLine[] {
    const out = this.out
    this.out = []
    return out
  }

  private inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0
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
    this.out.push({ path: this.path, line: this.newLine, text: decodeBytes(bytes) })
  }

  private finishLine(): void {
    const line = Buffer.concat(this.parts, this.partBytes)
    if (this.kind === 'added') {
      if (!this.piecesEmitted || this.freshBytes > 0) this.emit(line)
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
    } else if (startsWith(line, '+++ ')) {
      if (this.truncated) throw new Error('A patch header line is too long to read.')
      this.path = parseNewPath(line.subarray(4))
    } else if (startsWith(line, '@@ ')) {
      this.startHunk(line)
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

/** `+++ b/path`, `+++ "b/quoted"` or `+++ /dev/null` (git adds a tab after a name with a space). */
function parseNewPath(label: Buffer): string | null {
  if (label.toString('latin1') === '/dev/null') return null
  let bytes = unquoteGitPath(label)
  if (bytes === label && bytes[bytes.length - 1] === TAB) bytes = bytes.subarray(0, -1)
  if (!startsWith(bytes, 'b/')) throw new Error('Unexpected new-file label in patch header.')
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
