/**
 * The sticky comment's hidden marker: one HTML comment per workflow, job and matrix entry, by which
 * the comment is found again on the next run.
 *
 * Pure: names in, a marker out (hashing only, no I/O).
 */
import { createHash } from 'node:crypto'

/** Longest `matrix` input used as it is in the marker; a longer one is hashed. */
const MAX_PLAIN_MATRIX_KEY = 64

/** JSON with object keys sorted at every level, so equal matrices give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  // Parsed JSON: a string, number, boolean or null, each of which JSON.stringify spells.
  return JSON.stringify(value)
}

/**
 * The matrix part of the sticky marker, from the `matrix` input (by default
 * `${{ toJSON(matrix) }}`, which the runner evaluates per leg), or `undefined` outside a matrix.
 *
 * - empty, `null` or `{}` (not a matrix job): `undefined`, so a plain job keeps the marker it
 *   always had;
 * - a JSON object or array: `m-` and the first 16 hex digits of the SHA-256 of its canonical JSON
 *   (keys sorted): the same leg gets the same key on every run and re-run, whatever order the
 *   runner prints the keys in, two legs differ, and no matrix value shows in the comment;
 * - any other text (a key the workflow chose, e.g. `${{ matrix.os }}`): itself when at most 64
 *   characters, else hashed likewise.
 */
export function matrixKey(input: string): string | undefined {
  const text = input.trim()
  if (text === '' || text === 'null' || text === '{}') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed === 'object' && parsed !== null) {
    if (!Array.isArray(parsed) && Object.keys(parsed).length === 0) return undefined
    return `m-${sha256(canonicalJson(parsed)).slice(0, 16)}`
  }
  return text.length <= MAX_PLAIN_MATRIX_KEY ? text : `m-${sha256(text).slice(0, 16)}`
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * The hidden first line of the sticky comment, unique per workflow, job and (optionally) matrix
 * entry: `<!-- airlock:v1 workflow="ci" job="agent" -->`, or with ` matrix="…"` before `-->`.
 *
 * Values are percent-encoded where needed so that the marker is always one well-formed HTML
 * comment: no `--` sequence, no `>`, no quote, no line break, no control character. The encoding is
 * reversible, so distinct inputs give distinct markers, and no marker is a prefix of another.
 */
export function stickyMarker(workflow: string, job: string, matrixKey?: string): string {
  const fields = [`workflow="${markerValue(workflow)}"`, `job="${markerValue(job)}"`]
  if (matrixKey !== undefined && matrixKey !== '') {
    fields.push(`matrix="${markerValue(matrixKey)}"`)
  }
  return `<!-- airlock:v1 ${fields.join(' ')} -->`
}

const MARKER_SAFE = /^[A-Za-z0-9 _.,:;/+=()[\]{}@#!?*'~^$]$/u

/** Percent-encodes (UTF-8) every character outside a safe set, and every `-` that follows a `-`. */
function markerValue(value: string): string {
  const out: string[] = []
  let previous = ''
  for (const char of value) {
    let piece: string
    if (char === '-') piece = previous === '-' ? '%2D' : '-'
    else if (MARKER_SAFE.test(char)) piece = char
    else piece = percentEncode(char)
    out.push(piece)
    previous = piece
  }
  return out.join('')
}

/**
 * `%XX` for each byte of the character in UTF-8. A lone surrogate gets the 3-byte form that valid
 * UTF-8 never uses, so the encoding stays reversible for any JavaScript string.
 */
function percentEncode(char: string): string {
  const cp = char.codePointAt(0) ?? 0
  const bytes =
    cp < 0x80
      ? [cp]
      : cp < 0x800
        ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
        : cp < 0x10000
          ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
          : [
              0xf0 | (cp >> 18),
              0x80 | ((cp >> 12) & 0x3f),
              0x80 | ((cp >> 6) & 0x3f),
              0x80 | (cp & 0x3f),
            ]
  return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')
}
