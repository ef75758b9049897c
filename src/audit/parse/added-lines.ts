/**
 * The patch of `git diff-tree`/`diff-index -p`, read as a stream: the lines it adds, with their
 * new-side line numbers, and each `diff --git` section's labels, line counts and whether git
 * printed it as binary. Pure: bytes in, data out; memory stays bounded however long the patch
 * or its lines are.
 */
import { BACKSLASH, decodeBytes, LF, MINUS, PLUS, SPACE, TAB, unquoteGitPath } from './bytes.js'

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

/** One line a patch adds, on the new side of the change. */
export interface AddedLine {
  /** New-side path, decoded like `ChangedFile.path`. */
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
