/**
 * The forms a known secret value takes when written into a text: raw, trimmed, percent-encoded,
 * JSON-escaped and base64-encoded at every alignment. Pure.
 */

/**
 * Shortest value the `Redactor` (`redact.ts`) replaces by default, and the shortest form
 * {@link encodedForms} gives by default. Shorter values (`true`, `main`, `1234`) occur in
 * ordinary text all the time, so replacing them would shred every report while protecting nothing:
 * a secret that short is guessable anyway.
 */
export const MIN_REDACT_LENGTH = 6

/** How a known value was written in a text: the label of an encoded form. */
export type Encoding = 'raw' | 'base64' | 'base64url' | 'url-encoded' | 'json-escaped'

/**
 * Base64 of `bytes` as it appears alone (padded and unpadded) and at each of the 3 alignments
 * inside a longer base64 text: a value that starts at byte offset 1 of the encoded data shifts
 * every character, so each alignment has its own form. An aligned form keeps only the characters
 * whose 6 bits all come from `bytes`, so it is found whatever precedes or follows the value.
 */
function base64Forms(bytes: Buffer): string[] {
  const alone = bytes.toString('base64')
  const forms = [alone, alone.replace(/=+$/, '')]
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    const from = Math.ceil((8 * offset) / 6)
    const to = Math.floor((8 * (offset + bytes.length)) / 6)
    forms.push(encoded.slice(from, to))
  }
  return forms
}

/** `%2F` → `%2f`: the same percent-encoding with lower-case hex digits. */
function lowerHex(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
}

/**
 * The percent-encodings a value takes in URLs and forms: `encodeURIComponent`, `encodeURI`, and
 * `application/x-www-form-urlencoded` (space as `+`), each with upper- and lower-case hex.
 */
function urlForms(text: string): string[] {
  const forms = [
    encodeURIComponent(text),
    encodeURI(text),
    new URLSearchParams({ v: text }).toString().slice(2),
  ]
  return [...forms, ...forms.map(lowerHex)]
}

/**
 * The value as it may show up in a text, each form with its label: raw and trimmed, percent-encoded
 * (see `urlForms`), JSON-escaped, and base64 (standard and URL-safe, padded or not, alone or at any
 * alignment inside a longer base64 text). Forms shorter than `minLength` are left out. Where two
 * encodings give the same string, the first label (in that order) is kept.
 */
export function encodedForms(value: string, minLength = MIN_REDACT_LENGTH): Map<string, Encoding> {
  const forms = new Map<string, Encoding>()
  const add = (form: string, encoding: Encoding): void => {
    if (form.length >= minLength && !forms.has(form)) forms.set(form, encoding)
  }
  const plain = [...new Set([value, value.trim()])]
  for (const text of plain) add(text, 'raw')
  for (const text of plain) for (const form of urlForms(text)) add(form, 'url-encoded')
  for (const text of plain) add(JSON.stringify(text).slice(1, -1), 'json-escaped')
  for (const text of plain) {
    for (const base64 of base64Forms(Buffer.from(text, 'utf8'))) {
      add(base64, 'base64')
      add(base64.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url')
    }
  }
  return forms
}
