/**
 * Whether an extra rule's match is reported: gitleaks' filters (the global allowlist, the rule's
 * allowlists, the entropy threshold and the digit rule of `generic*` rules), and where the secret
 * sits in a match. Pure.
 */
import { GLOBAL_ALLOWLIST, type SecretAllowlist, type SecretRule } from './rule-format.js'

/**
 * Shannon entropy of a string in bits per character (0 for the empty string): how unpredictable
 * its characters are. 40 random base64 characters score about 4.8, English words 3 to 4, and hex
 * can never exceed 4.
 */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>()
  let length = 0
  for (const char of text) {
    counts.set(char, (counts.get(char) ?? 0) + 1)
    length++
  }
  let entropy = 0
  for (const count of counts.values()) {
    const p = count / length
    entropy -= p * Math.log2(p)
  }
  return entropy
}

/** Offsets of the secret within a match: the first non-empty capture group, else the whole match. */
export function secretSpan(match: RegExpExecArray): [number, number] {
  const indices = match.indices
  if (indices !== undefined) {
    for (let group = 1; group < indices.length; group++) {
      const span = indices[group]
      if (span !== undefined && span[1] > span[0]) return span
    }
  }
  return [match.index, match.index + match[0].length]
}

/** The whole line(s) a match touches, for `line` allowlists. */
function lineAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1
  const to = text.indexOf('\n', end)
  return text.slice(from, to === -1 ? text.length : to)
}

/** The match with gitleaks' identifier prefix (up to `length` chars of `[\w.-]`) put back in front. */
function widenedMatch(text: string, start: number, end: number, length: number): string {
  let from = start
  while (from > 0 && start - from < length && /[\w.-]/.test(text.charAt(from - 1))) from--
  return text.slice(from, end)
}

function isAllowed(
  allowlist: SecretAllowlist,
  secret: string,
  match: () => string,
  line: () => string,
): boolean {
  if (allowlist.regexes !== undefined && allowlist.regexes.length > 0) {
    const target =
      allowlist.target === 'match' ? match() : allowlist.target === 'line' ? line() : secret
    if (allowlist.regexes.some((regex) => regex.test(target))) return true
  }
  if (allowlist.stopwords !== undefined && allowlist.stopwords.length > 0) {
    const lower = secret.toLowerCase()
    if (allowlist.stopwords.some((word) => lower.includes(word))) return true
  }
  return false
}

/** gitleaks' filters, in gitleaks' order: allowlists, then entropy, then the digit rule. */
export function accepted(
  rule: SecretRule,
  text: string,
  match: RegExpExecArray,
  start: number,
  end: number,
): boolean {
  const secret = text.slice(start, end)
  const matchStart = match.index
  const matchEnd = match.index + match[0].length
  const wholeMatch = (): string =>
    widenedMatch(text, matchStart, matchEnd, rule.identifierPrefix ?? 0)
  const wholeLine = (): string => lineAround(text, matchStart, matchEnd)
  if (isAllowed(GLOBAL_ALLOWLIST, secret, wholeMatch, wholeLine)) return false
  for (const allowlist of rule.allowlists ?? []) {
    if (isAllowed(allowlist, secret, wholeMatch, wholeLine)) return false
  }
  if (rule.entropy !== undefined) {
    if (shannonEntropy(secret) <= rule.entropy) return false
    // gitleaks: a `generic*` secret must contain a digit (RE2 has no lookahead to say so).
    if (rule.id.startsWith('generic') && !/[0-9]/.test(secret)) return false
  }
  return true
}
