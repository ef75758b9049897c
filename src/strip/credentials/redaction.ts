/**
 * Keeping credential values out of every message the credentials code returns or throws: the
 * secrets `Redactor`, fed with what git config holds (header values and their tokens, decoded
 * basic credentials, URL userinfo and its parts) and told the shapes that hold a credential
 * wherever they occur. Pure.
 */
import { Redactor } from '../../secrets/index.js'
import { URL_USERINFO } from './shapes.js'

/**
 * Shortest value redacted. Lower than the secrets default: these messages name config keys and
 * paths, not arbitrary text, and a 4- or 5-character user or password is still worth hiding.
 */
const MIN_VALUE_LENGTH = 4

/** Shapes redacted whether their value was seen or not. */
const PATTERNS: readonly RegExp[] = [
  // The userinfo of an http(s) URL, as `URL_USERINFO` finds it.
  /\bhttps?:\/\/([^/@\s?#]+)@/i,
  // The token of an `Authorization: basic …` or `bearer …` header value.
  /\b(?:basic|bearer)\s+([A-Za-z0-9+/=._~-]{8,})/i,
]

/**
 * A redactor for credential messages: every value added to it (of at least 4 characters) and its
 * encoded forms, the rules of `src/secrets`, and any URL userinfo or auth header token.
 */
export function credentialRedactor(): Redactor {
  return new Redactor([], { minLength: MIN_VALUE_LENGTH, patterns: PATTERNS })
}

/** Registers a config value (ignored when `null`: a bare boolean key). */
export function addValue(redactor: Redactor, value: string | null | undefined): void {
  if (value === null || value === undefined) return
  redactor.add(value)
}

/**
 * Registers an `http.extraheader` value, its token, and for a basic header the decoded
 * `user:password` and the password alone.
 */
export function addHeader(redactor: Redactor, value: string | null): void {
  if (value === null) return
  addValue(redactor, value)
  const match = /^\s*authorization:\s*(\S+)\s+(\S+)/i.exec(value)
  const token = match?.[2]
  if (token === undefined) return
  addValue(redactor, token)
  if (match?.[1]?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('utf8')
    addValue(redactor, decoded)
    addValue(redactor, decoded.slice(decoded.indexOf(':') + 1))
  }
}

/** Registers the userinfo of every http(s) URL in `text`, its `:`-separated parts, and decoded. */
export function addUserinfo(redactor: Redactor, text: string): void {
  for (const match of text.matchAll(URL_USERINFO)) {
    const userinfo = match[2] ?? ''
    for (const part of [userinfo, ...userinfo.split(':')]) {
      addValue(redactor, part)
      addValue(redactor, safeDecode(part))
    }
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
