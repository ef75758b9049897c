/**
 * The patch section git prints for a new text file (`git diff --full-index --src-prefix=a/
 * --dst-prefix=b/` with `core.quotePath` on), built from the file's bytes, for the large new
 * files the audit streams from its store rather than have git diff them (see
 * `large-files.ts`). Pure: bytes in, bytes out. Every header line is byte for byte what git 2.39
 * prints, so the same parser reads both, and `git apply` takes the result.
 */
const LF = 0x0a
const PLUS = 0x2b

/** What git writes after the last line of a file that does not end with a newline. */
const NO_NEWLINE = Buffer.from('\n\\ No newline at end of file\n')

/**
 * How git quotes each byte in a path (`cq_lookup` in quote.c, with `core.quotePath` on): `null`
 * for a byte printed as it is, else its escape.
 */
const QUOTED: readonly (string | null)[] = Array.from({ length: 256 }, (_, byte) => {
  const named: Readonly<Record<number, string>> = {
    0x07: '\\a',
    0x08: '\\b',
    0x09: '\\t',
    0x0a: '\\n',
    0x0b: '\\v',
    0x0c: '\\f',
    0x0d: '\\r',
    0x22: '\\"',
    0x5c: '\\\\',
  }
  if (named[byte] !== undefined) return named[byte]
  if (byte < 0x20 || byte >= 0x7f) return `\\${byte.toString(8).padStart(3, '0')}`
  return null
})

function needsQuoting(path: Buffer): boolean {
  for (const byte of path) if (QUOTED[byte] !== null) return true
  return false
}

/**
 * `prefix` + `path` as git prints a name in a patch header (`quote_two`): as is, or the whole
 * C-quoted (`"b/caf\303\251"`) when the path holds a byte git quotes.
 */
export function quotedName(prefix: string, path: Buffer): Buffer {
  if (!needsQuoting(path)) {
    return Buffer.concat([Buffer.from(prefix, 'latin1'), path])
  }
  const parts: Buffer[] = [Buffer.from(`"${prefix}`, 'latin1')]
  let run = 0
  for (let i = 0; i < path.length; i++) {
    const escape = QUOTED[path[i] ?? 0]
    if (escape === null || escape === undefined) continue
    parts.push(path.subarray(run, i), Buffer.from(escape, 'latin1'))
    run = i + 1
  }
  parts.push(path.subarray(run), Buffer.from('"', 'latin1'))
  return Buffer.concat(parts)
}

/**
 * The lines that open a new file's section: `diff --git`, `new file mode`, `index`. `oid` is the
 * blob's full name; `zeroOid` the all-zero name of the repository's hash (40 or 64 digits).
 */
export function newFileHeader(path: Buffer, mode: string, oid: string, zeroOid: string): Buffer {
  const tail = `\nnew file mode ${mode}\nindex ${zeroOid}..${oid}\n`
  if (!needsQuoting(path)) {
    const name = path.toString('latin1')
    return Buffer.from(`diff --git a/${name} b/${name}${tail}`, 'latin1')
  }
  return Buffer.concat([
    Buffer.from('diff --git ', 'latin1'),
    quotedName('a/', path),
    Buffer.from(' ', 'latin1'),
    quotedName('b/', path),
    Buffer.from(tail, 'latin1'),
  ])
}

/**
 * The `---`/`+++` labels and the hunk header of a new text file of `lines` lines (at least
 * one). Git ends a label with a tab when the name holds a space.
 */
export function newFileHunkStart(path: Buffer, lines: number): Buffer {
  const tab = path.includes(0x20) ? '\t' : ''
  return Buffer.concat([
    Buffer.from('--- /dev/null\n+++ ', 'latin1'),
    quotedName('b/', path),
    Buffer.from(`${tab}\n@@ -0,0 +1${lines === 1 ? '' : `,${lines}`} @@\n`, 'latin1'),
  ])
}

/** How many newlines `content` holds. */
export function countNewlines(content: Buffer): number {
  let lines = 0
  let at = content.indexOf(LF)
  while (at !== -1) {
    lines += 1
    at = content.indexOf(LF, at + 1)
  }
  return lines
}

/**
 * A piece of a new file's content as hunk lines: `+` before every line that starts in it.
 * `atLineStart`: whether the piece starts a line (true for the first piece of a file, then
 * whether the previous piece ended with a newline); `last`: the file's last piece, after which
 * an unfinished line gets git's "No newline at end of file" marker.
 */
export function addedLines(piece: Buffer, atLineStart: boolean, last: boolean): Buffer {
  const starts: number[] = []
  if (atLineStart && piece.length > 0) starts.push(0)
  let at = piece.indexOf(LF)
  while (at !== -1 && at + 1 < piece.length) {
    starts.push(at + 1)
    at = piece.indexOf(LF, at + 1)
  }
  const open = last && piece.length > 0 && piece[piece.length - 1] !== LF
  const out = Buffer.allocUnsafe(piece.length + starts.length + (open ? NO_NEWLINE.length : 0))
  let written = 0
  let copied = 0
  for (const start of starts) {
    written += piece.copy(out, written, copied, start)
    out[written++] = PLUS
    copied = start
  }
  written += piece.copy(out, written, copied)
  if (open) NO_NEWLINE.copy(out, written)
  return out
}
