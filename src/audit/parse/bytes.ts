/**
 * What the parsers share: the bytes they look for, git's object-name pattern, names decoded as
 * git prints them (UTF-8, with `\xNN` for any other byte), C-quoted paths read back to their
 * bytes, and git's own test for a binary blob. Pure: bytes in, data out.
 */
import { isUtf8 } from 'node:buffer'

/** Ends each field of `-z` output and each name in an index file. */
export const NUL = 0x00
/** Follows an unquoted patch label that holds a space. */
export const TAB = 0x09
/** Ends each line of a patch and each `cat-file --batch` header. */
export const LF = 0x0a
/** Starts an added line of a hunk. */
export const PLUS = 0x2b
/** Starts a removed line of a hunk. */
export const MINUS = 0x2d
/** Starts a context line of a hunk. */
export const SPACE = 0x20
/** Starts `\ No newline at end of file` in a hunk; escapes in a quoted path. */
export const BACKSLASH = 0x5c
const QUOTE = 0x22

/** A full object name as git prints it (SHA-1 or SHA-256), as a regular-expression source. */
export const OID_PATTERN = '[0-9a-f]{40}(?:[0-9a-f]{24})?'

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

/**
 * Git's own test for a binary blob when no attribute decides (`diff_filespec_is_binary`): larger
 * than `core.bigFileThreshold`, or a NUL byte among the first 8,000 bytes.
 */
export function isBinaryToGit(size: number, head: Uint8Array, bigFileThreshold: number): boolean {
  return size > bigFileThreshold || head.subarray(0, 8000).includes(NUL)
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
