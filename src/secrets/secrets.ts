/**
 * Secret detection and redaction (pure).
 *
 * Two sources of truth for what a credential looks like: the maintained library rules (secretlint's
 * recommended preset, `secret-library.ts`) and a few extra rules for what the library lacks
 * (`secret-rules.ts`). And the exact values the action knows to be secret (the stripped
 * environment, the model key, the GitHub token), which both the {@link Redactor} and the
 * {@link secretScanner} also recognise base64-, URL- and JSON-encoded.
 */
import { libraryMatches, libraryMayMatch, libraryRuleGates } from './library.js'
import { GLOBAL_ALLOWLIST, SECRET_RULES } from './rules.js'
import type { SecretAllowlist, SecretRule } from './rules.js'
import type { Violation } from '../types/stages.js'

/** One credential found in a text. Carries positions only, never the secret itself. */
export interface SecretFinding {
  /**
   * The rule id: `secretlint-<rule>` for the library's rules (`secretlint-aws`), gitleaks' id for
   * the extra rules (`jwt`, `generic-api-key`, see `secret-rules.ts`).
   */
  rule: string
  /** UTF-16 offsets of the secret in the text: `text.slice(start, end)` is the credential. */
  start: number
  end: number
  /** 1-based line of `start`. */
  line: number
}

/** The id {@link looksLikeSecret} returns for a value that no rule matched but is token-like. */
export const HIGH_ENTROPY_RULE_ID = 'high-entropy-value'

/**
 * Shortest value the {@link Redactor} replaces. Shorter values (`true`, `main`, `1234`) occur in
 * ordinary text all the time, so replacing them would shred every report while protecting nothing:
 * a secret that short is guessable anyway.
 */
export const MIN_REDACT_LENGTH = 6

/** What replaces a known value. Rule matches read `[REDACTED:<rule id>]`. */
export const REDACTED = '[REDACTED]'

interface CompiledRule {
  readonly rule: SecretRule
  /** The rule's regex with the `g` and `d` (match indices) flags added. */
  readonly regex: RegExp
  /** Position in the table: earlier wins among overlapping specific matches. */
  readonly order: number
}

const COMPILED_RULES: readonly CompiledRule[] = SECRET_RULES.map((rule, order) => ({
  rule,
  regex: new RegExp(rule.regex.source, `${rule.regex.flags.replace(/[gdy]/g, '')}gd`),
  order,
}))

/** A rule match that passed every filter; internal, because `redact` needs the unmerged list. */
interface RawFinding {
  readonly rule: string
  /** A catch-all rule: loses to any specific rule that matches the same characters. */
  readonly generic: boolean
  /** Library rules first, then the extra rules in table order: earlier wins among overlaps. */
  readonly order: number
  readonly start: number
  readonly end: number
}

/** Library rules are ordered before every extra rule. */
const LIBRARY_ORDER = -1

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
function secretSpan(match: RegExpExecArray): [number, number] {
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
function accepted(
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

/**
 * Literals that much ordinary text holds: each is looked for with `indexOf`, which stops at the
 * first occurrence, where the alternation of all the others would stop at every one. (Speed only:
 * any literal gives the same answer either way.)
 */
const FREQUENT_TRIGGERS = new Set(['://', 'ey', 'ccount'])

/**
 * Which rules may match in a text: the library rules by their index in `libraryRuleGates()`, the
 * extra rules by theirs in `SECRET_RULES`.
 */
interface RuleGate {
  readonly library: (rule: number) => boolean
  readonly extra: (rule: number) => boolean
}

/** Case-sensitive and caseless trigger literals of one rule (none: the rule always runs). */
interface TriggerLiterals {
  readonly triggers: readonly string[]
  readonly caseless: readonly string[]
}

/** `literal` as a regex that matches exactly it (no `u` flag). */
function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

/**
 * The trigger literals of a list of rules, looked for in a few passes over a text: `indexOf` for
 * the frequent literals, one alternation of all the others, and one case-insensitive regex per
 * rule with caseless literals.
 */
class Triggers {
  readonly #rules: number
  /** Rules without triggers: they run on every text. */
  readonly #always: readonly number[]
  readonly #frequent: readonly { literal: string; rules: readonly number[] }[]
  /** Longest first: where several literals match at one position, the longest is the one seen. */
  readonly #alternation: RegExp | null
  /** For each literal of the alternation: the rules it or any literal that is its prefix wakes. */
  readonly #wakes = new Map<string, readonly number[]>()
  readonly #caseless: readonly { regex: RegExp; rule: number }[]

  constructor(gates: readonly TriggerLiterals[]) {
    this.#rules = gates.length
    const rulesOf = new Map<string, number[]>()
    const always: number[] = []
    const caseless: { regex: RegExp; rule: number }[] = []
    gates.forEach((gate, rule) => {
      if (gate.triggers.length === 0 && gate.caseless.length === 0) always.push(rule)
      for (const literal of gate.triggers) {
        rulesOf.set(literal, [...(rulesOf.get(literal) ?? []), rule])
      }
      if (gate.caseless.length > 0) {
        caseless.push({ regex: new RegExp(gate.caseless.map(escapeRegExp).join('|'), 'i'), rule })
      }
    })
    this.#always = always
    this.#caseless = caseless
    this.#frequent = [...rulesOf]
      .filter(([literal]) => FREQUENT_TRIGGERS.has(literal))
      .map(([literal, rules]) => ({ literal, rules }))
    const rare = [...rulesOf.keys()].filter((literal) => !FREQUENT_TRIGGERS.has(literal))
    for (const literal of rare) {
      const woken = rare
        .filter((other) => literal.startsWith(other))
        .flatMap((other) => rulesOf.get(other) ?? [])
      this.#wakes.set(literal, [...new Set(woken)])
    }
    const longestFirst = [...rare].sort((a, b) => b.length - a.length)
    this.#alternation =
      rare.length > 0 ? new RegExp(longestFirst.map(escapeRegExp).join('|'), 'g') : null
  }

  /** `found[rule]` is 1 when the text holds one of the rule's triggers (or it has none). */
  find(text: string): Uint8Array {
    const found = new Uint8Array(this.#rules)
    for (const rule of this.#always) found[rule] = 1
    for (const { literal, rules } of this.#frequent) {
      if (text.includes(literal)) for (const rule of rules) found[rule] = 1
    }
    for (const { regex, rule } of this.#caseless) if (regex.test(text)) found[rule] = 1
    const alternation = this.#alternation
    if (alternation !== null) {
      // Every occurrence, overlapping ones included: a match may hide another literal's start.
      alternation.lastIndex = 0
      for (let match = alternation.exec(text); match !== null; match = alternation.exec(text)) {
        for (const rule of this.#wakes.get(match[0]) ?? []) found[rule] = 1
        alternation.lastIndex = match.index + 1
      }
    }
    return found
  }
}

/** The library's and the extra rules' triggers, built on first use. */
let searches: {
  library: Triggers
  jsonOnly: readonly boolean[]
  extra: Triggers
} | null = null

function triggerSearches(): NonNullable<typeof searches> {
  if (searches !== null) return searches
  const library = libraryRuleGates()
  searches = {
    library: new Triggers(library.map((g) => ({ triggers: g.triggers ?? [], caseless: [] }))),
    jsonOnly: library.map((g) => g.jsonOnly),
    extra: new Triggers(
      SECRET_RULES.map((rule) => ({
        triggers: rule.triggers ?? [],
        caseless: rule.caselessTriggers ?? [],
      })),
    ),
  }
  return searches
}

/**
 * The rules that may match in `text`, for a JSON file or not: a rule runs where one of its
 * triggers is (or it has none); a JSON-only library rule where the text is a JSON file. The
 * library's triggers are only looked for when the text passes the library's first check
 * (`libraryMayMatch`), without which no library rule reports anything.
 */
function gateFor(text: string, json: boolean): RuleGate {
  const { library, jsonOnly, extra } = triggerSearches()
  const libraryFound = libraryMayMatch(text) ? library.find(text) : null
  const extraFound = extra.find(text)
  return {
    library: (rule) => (jsonOnly[rule] === true ? json : libraryFound?.[rule] === 1),
    extra: (rule) => extraFound[rule] === 1,
  }
}

/**
 * Every rule match that passes the rule's filters, unmerged: the library's, then the extra rules'.
 * `json`: the text is a JSON file (see `libraryMatches`). `gate`: the rules that may match in this
 * text (see {@link Triggers}); the others are skipped, with the same result. Without it, every
 * library rule runs and the extra rules run where gitleaks' keywords are (the reference).
 */
function scan(text: string, json: boolean, gate: RuleGate | undefined): RawFinding[] {
  const findings: RawFinding[] = []
  if (text === '') return findings
  for (const match of libraryMatches(text, json, gate?.library)) {
    findings.push({ ...match, order: LIBRARY_ORDER })
  }
  const lower = gate === undefined ? text.toLowerCase() : ''
  for (const compiled of COMPILED_RULES) {
    const { rule, regex } = compiled
    if (gate !== undefined) {
      if (!gate.extra(compiled.order)) continue
    } else if (rule.keywords !== undefined && !rule.keywords.some((w) => lower.includes(w))) {
      continue
    }
    regex.lastIndex = 0
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (match[0] === '') {
        regex.lastIndex++
        continue
      }
      const [start, end] = secretSpan(match)
      if (accepted(rule, text, match, start, end)) {
        findings.push({
          rule: rule.id,
          generic: rule.generic === true,
          order: compiled.order,
          start,
          end,
        })
      }
    }
  }
  return findings
}

/** Offsets at which each line starts, for turning offsets into 1-based line numbers. */
function lineStarts(text: string): number[] {
  const starts = [0]
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1)
  return starts
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) low = mid
    else high = mid - 1
  }
  return low + 1
}

/** Keeps, from findings sorted by start, those that overlap no finding kept before them. */
function sweep(sorted: readonly RawFinding[]): RawFinding[] {
  const kept: RawFinding[] = []
  let end = -1
  for (const finding of sorted) {
    if (finding.start >= end) {
      kept.push(finding)
      end = finding.end
    }
  }
  return kept
}

function overlapsAny(kept: readonly RawFinding[], finding: RawFinding): boolean {
  // `kept` is sorted and non-overlapping: find the last one starting before `finding` ends.
  let low = 0
  let high = kept.length - 1
  let candidate = -1
  while (low <= high) {
    const mid = (low + high) >> 1
    if ((kept[mid]?.start ?? 0) < finding.end) {
      candidate = mid
      low = mid + 1
    } else {
      high = mid - 1
    }
  }
  const previous = kept[candidate]
  return previous !== undefined && previous.end > finding.start
}

function byStartThenOrder(a: RawFinding, b: RawFinding): number {
  return a.start - b.start || a.order - b.order
}

/**
 * Finds credential-looking strings in a text (a diff, a log, a transcript).
 *
 * Guarantees: findings are sorted by `start` and do not overlap; where a specific rule
 * (`secretlint-github`) and a catch-all rule (`generic-api-key`, `url-password`) match the same
 * characters, only the specific one is reported; among overlapping specific matches the library's
 * wins. Each rule makes one left-to-right pass with a regex that cannot backtrack
 * catastrophically: 10 MB of ordinary code take about half a second, and text crafted against
 * the rules stays linear. A rule runs only on a text that holds one of its trigger literals
 * (`LibraryRuleGate.triggers`, `SecretRule.triggers`): every match of the rule holds one, so the
 * findings are those of running every rule ({@link findSecretsUngated}). `json`: the text is a
 * whole JSON file (enables the library's GCP service-account key check).
 */
export function findSecrets(text: string, json = false): SecretFinding[] {
  return merged(text, scan(text, json, text === '' ? undefined : gateFor(text, json)))
}

/**
 * {@link findSecrets} with every library rule run on every text that passes its first check,
 * and the extra rules gated by gitleaks' keywords, as before the trigger literals: the same
 * findings, slower. For the tests, which hold the gated scan to it.
 */
export function findSecretsUngated(text: string, json = false): SecretFinding[] {
  return merged(text, scan(text, json, undefined))
}

/** The findings of {@link findSecrets} from the unmerged matches of `scan`. */
function merged(text: string, raw: RawFinding[]): SecretFinding[] {
  if (raw.length === 0) return []
  const specific = sweep(raw.filter((f) => !f.generic).sort(byStartThenOrder))
  const generic = sweep(
    raw.filter((f) => f.generic && !overlapsAny(specific, f)).sort(byStartThenOrder),
  )
  const starts = lineStarts(text)
  return [...specific, ...generic].sort(byStartThenOrder).map((f) => ({
    rule: f.rule,
    start: f.start,
    end: f.end,
    line: lineOf(starts, f.start),
  }))
}

/** Characters of base64 (both alphabets), base64url, hex and the separators tokens use. */
const TOKEN_ALPHABET = /^[A-Za-z0-9+/=_.~-]+$/
const HEX = /^[0-9a-fA-F]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PATH_START = /^(?:~|\.{1,2})?\//

/**
 * Whether a value is a long, unpredictable token although no rule names it. True when the value
 * - is at least 20 characters of the token alphabet (letters, digits, `+/=_.~-`; no whitespace,
 *   no `:` or `@`, so URLs, image references and prose are out),
 * - holds both a letter and a digit (gitleaks' rule for generic secrets),
 * - is not hex only (git SHAs, digests: hex never exceeds 4 bits per character anyway), not a UUID,
 *   not a path (`/…`, `./…`, `~/…`),
 * - is not a slug: split on `-_./`, some part mixes letters and digits (`feature/JIRA-1234-fix` is a
 *   branch name; `wJalrXUtnFEMI/K7MDENG` is not),
 * - and has a Shannon entropy of at least 4.0 bits per character.
 */
function isHighEntropyToken(value: string): boolean {
  if (value.length < 20 || !TOKEN_ALPHABET.test(value)) return false
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return false
  if (HEX.test(value) || UUID.test(value) || PATH_START.test(value)) return false
  const parts = value.split(/[-_./]+/).filter((part) => part !== '')
  const isSlug = parts.every((part) => /^(?:[A-Za-z]+|[0-9]+)$/.test(part))
  if (isSlug) return false
  return shannonEntropy(value) >= 4.0
}

/**
 * Decides whether a whole environment-variable value is, or contains, a credential.
 *
 * Returns the id of the first rule that matches anywhere in the value (see {@link findSecrets});
 * else {@link HIGH_ENTROPY_RULE_ID} when the whole value is a token: at least 20 characters of
 * `[A-Za-z0-9+/=_.~-]` holding letters and digits, Shannon entropy of at least 4.0 bits per
 * character, and neither hex only, a UUID, a path, nor a slug whose parts are each all letters or
 * all digits; else `null`. So ordinary values — paths, `true`, version numbers, URLs without a
 * password, 40-hex git SHAs, UUIDs, branch and workflow refs — give `null`. The price: a secret
 * that is hex only, or shorter than 20 characters, is caught by its name (see `environment.ts`),
 * not by its value.
 */
export function looksLikeSecret(value: string): string | null {
  const [first] = findSecrets(value)
  if (first !== undefined) return first.rule
  return isHighEntropyToken(value) ? HIGH_ENTROPY_RULE_ID : null
}

/** Public, well-known prefixes that identify a token's issuer without revealing the token. */
const PUBLIC_PREFIXES: readonly string[] = [
  'AKIA',
  'ASIA',
  'ABIA',
  'ACCA',
  'ghp_',
  'gho_',
  'ghs_',
  'ghu_',
  'ghr_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxr-',
  'xoxs-',
  'xoxe',
  'xapp-',
  'sk-ant-',
  'sk-proj-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'npm_',
  'pypi-',
  'AIza',
  'hf_',
  'eyJ',
]

/**
 * A label for a secret value that reveals nothing a reader could use: the length in UTF-16 units,
 * plus, when the value is at least 16 long and starts with a public issuer prefix, that prefix cut
 * to at most 4 characters (`AKIA…(20)`, `ghp_…(40)`, `sk-a…(108)`, `eyJ…(180)`); otherwise only
 * the length (`…(12)`). Never a character beyond the public prefix.
 */
export function redactedForm(value: string): string {
  const length = value.length
  const prefix = PUBLIC_PREFIXES.find((candidate) => value.startsWith(candidate))
  if (length >= 16 && prefix !== undefined) {
    return `${value.slice(0, Math.min(4, prefix.length))}…(${length})`
  }
  return `…(${length})`
}

/** `[start, end)` offsets in a text. */
type Span = readonly [number, number]

/**
 * Finds every occurrence of a set of literal strings in one pass over the text, whatever their
 * number (Aho–Corasick automaton over UTF-16 code units).
 */
class LiteralMatcher {
  readonly #next: Map<number, number>[] = [new Map<number, number>()]
  readonly #fail: number[] = [0]
  /** Length of the longest pattern that ends at this state (0: none). */
  readonly #longest: number[] = [0]
  /** Index (in the constructor's order) of that longest pattern (-1: none). */
  readonly #longestId: number[] = [-1]
  /** The root's transitions as a table: the state each UTF-16 code unit leads to (0: none). */
  #root: Int32Array | null = null

  #rootTable(): Int32Array {
    if (this.#root !== null) return this.#root
    const root = new Int32Array(0x10000)
    for (const [code, target] of this.#next[0] ?? []) root[code] = target
    this.#root = root
    return root
  }

  constructor(patterns: Iterable<string>) {
    let id = 0
    for (const pattern of patterns) this.#insert(pattern, id++)
    this.#link()
  }

  #insert(pattern: string, id: number): void {
    let state = 0
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i)
      const transitions = this.#next[state] ?? new Map<number, number>()
      let target = transitions.get(code)
      if (target === undefined) {
        target = this.#next.length
        this.#next.push(new Map<number, number>())
        this.#fail.push(0)
        this.#longest.push(0)
        this.#longestId.push(-1)
        transitions.set(code, target)
      }
      state = target
    }
    if (pattern.length > (this.#longest[state] ?? 0)) {
      this.#longest[state] = pattern.length
      this.#longestId[state] = id
    }
  }

  /** Breadth-first: each state's failure link points to its longest proper suffix in the trie. */
  #link(): void {
    const queue: number[] = [...(this.#next[0]?.values() ?? [])]
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0
      for (const [code, target] of this.#next[state] ?? []) {
        let fallback = this.#fail[state] ?? 0
        while (fallback !== 0 && !(this.#next[fallback]?.has(code) ?? false)) {
          fallback = this.#fail[fallback] ?? 0
        }
        const link = this.#next[fallback]?.get(code) ?? 0
        this.#fail[target] = link
        if ((this.#longest[link] ?? 0) > (this.#longest[target] ?? 0)) {
          this.#longest[target] = this.#longest[link] ?? 0
          this.#longestId[target] = this.#longestId[link] ?? -1
        }
        queue.push(target)
      }
    }
  }

  /** The union of all occurrences: sorted, non-overlapping spans. */
  spans(text: string): Span[] {
    return this.occurrences(text).map(([start, end]) => [start, end] as const)
  }

  /**
   * The union of all occurrences as sorted, non-overlapping spans, each with the index of a pattern
   * found in it (the first found: the longest one ending where the span was first seen).
   */
  occurrences(text: string): [start: number, end: number, id: number][] {
    const merged: [number, number, number][] = []
    let state = 0
    const root = this.#rootTable()
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      let target = state === 0 ? undefined : this.#next[state]?.get(code)
      while (target === undefined && state !== 0) {
        state = this.#fail[state] ?? 0
        target = state === 0 ? undefined : this.#next[state]?.get(code)
      }
      // At the root, a table lookup: most characters of a text start no pattern.
      state = target ?? root[code] ?? 0
      if (state === 0) continue
      const length = this.#longest[state] ?? 0
      if (length === 0) continue
      let start = i + 1 - length
      const end = i + 1
      let id = this.#longestId[state] ?? -1
      for (let top = merged.at(-1); top !== undefined && top[1] > start; top = merged.at(-1)) {
        start = Math.min(start, top[0])
        id = top[2]
        merged.pop()
      }
      merged.push([start, end, id])
    }
    return merged
  }
}

/** Most literals {@link anyOf} puts in one regex. */
const MAX_ANY_OF = 2000

/**
 * A regex that matches where any of `literals` occurs: a quick first check before the
 * {@link LiteralMatcher}, since irregexp skips through a text that holds none of them faster than
 * the automaton walks it. `null` (no check: run the automaton) when there are none, too many, or
 * the regex cannot be built.
 */
function anyOf(literals: readonly string[]): RegExp | null {
  if (literals.length === 0 || literals.length > MAX_ANY_OF) return null
  try {
    return new RegExp(literals.map(escapeRegExp).join('|'))
  } catch {
    return null
  }
}

/** The `[REDACTED…]` markers already in a text (ours, or look-alikes the text brought). */
const MARKER = /\[REDACTED(?::[a-z0-9-]+)?\]/g

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

/** A span to replace and its label (`undefined`: a known value, shown as `[REDACTED]`). */
interface Replacement {
  start: number
  end: number
  rule: string | undefined
  /** A marker already in the text, swallowed because a match overlaps it. */
  marker: boolean
}

/** Upper bound on redaction passes; two are enough in practice (see `redact`). */
const MAX_PASSES = 5

/**
 * Replaces secrets in text: every known value (and its encoded forms) and everything
 * {@link findSecrets} would report.
 *
 * Guarantees:
 * - No added value of at least {@link MIN_REDACT_LENGTH} characters survives anywhere outside a
 *   `[REDACTED…]` marker in any form of {@link encodedForms}: raw, trimmed, percent-encoded
 *   (component, URI or form encoding; upper- or lower-case hex), JSON-escaped, or base64-encoded
 *   (standard or URL-safe, padded or not, alone or at any alignment inside a longer base64 text).
 * - `redact(redact(text)) === redact(text)`.
 * - Time is linear in the text, whatever the number of values (one automaton pass plus the rules).
 */
export class Redactor {
  readonly #forms = new Set<string>()
  #matcher: LiteralMatcher | null = null
  /** {@link anyOf} the forms; `undefined`: not built since the last `add`. */
  #any: RegExp | null | undefined = undefined

  constructor(values: Iterable<string> = []) {
    for (const value of values) this.add(value)
  }

  /** Registers a secret value. Values shorter than {@link MIN_REDACT_LENGTH} are ignored. */
  add(value: string): void {
    if (value.length < MIN_REDACT_LENGTH) return
    for (const form of encodedForms(value).keys()) {
      if (!this.#forms.has(form)) {
        this.#forms.add(form)
        this.#matcher = null
        this.#any = undefined
      }
    }
  }

  /** The text with every known value and every rule match replaced by a marker. */
  redact(text: string): string {
    // A replacement can change what a rule sees next to it (`\b` before a marker's `[`), so repeat
    // until nothing changes. Each changing pass removes unredacted characters or merges markers.
    let current = text
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const next = this.#redactOnce(current)
      if (next === current) return current
      current = next
    }
    return current
  }

  #redactOnce(text: string): string {
    const replacements: Replacement[] = []
    if (this.#forms.size > 0) {
      this.#matcher ??= new LiteralMatcher(this.#forms)
      if (this.#any === undefined) this.#any = anyOf([...this.#forms])
      const spans = this.#any?.test(text) === false ? [] : this.#matcher.spans(text)
      for (const [start, end] of spans) {
        replacements.push({ start, end, rule: undefined, marker: false })
      }
    }
    for (const finding of scan(text, false, gateFor(text, false))) {
      const rule = finding.rule
      replacements.push({ start: finding.start, end: finding.end, rule, marker: false })
    }
    if (replacements.length === 0) return text
    // Markers join the merge so that a match overlapping one swallows it whole: a marker is never
    // cut, which is what keeps redaction idempotent.
    for (const marker of text.matchAll(MARKER)) {
      const start = marker.index
      replacements.push({ start, end: start + marker[0].length, rule: undefined, marker: true })
    }
    replacements.sort((a, b) => a.start - b.start || b.end - a.end)

    let out = ''
    let copied = 0
    let group: { start: number; end: number; labels: Set<string | undefined> } | null = null
    const flush = (): void => {
      if (group === null || group.labels.size === 0) return
      const [label] = group.labels
      out += text.slice(copied, group.start)
      out += group.labels.size === 1 && label !== undefined ? `[REDACTED:${label}]` : REDACTED
      copied = group.end
    }
    for (const r of replacements) {
      if (group !== null && r.start < group.end) {
        group.end = Math.max(group.end, r.end)
      } else {
        flush()
        group = { start: r.start, end: r.end, labels: new Set() }
      }
      if (!r.marker) group.labels.add(r.rule)
    }
    flush()
    return out + text.slice(copied)
  }
}

/** Shortest known value the {@link secretScanner} looks for (shorter ones match by chance). */
export const MIN_SCAN_LENGTH = 8

const ENCODING_WORDS: Record<Encoding, string> = {
  raw: '',
  base64: ', base64-encoded',
  base64url: ', base64url-encoded',
  'url-encoded': ', percent-encoded',
  'json-escaped': ', JSON-escaped',
}

/**
 * The secret scan of added lines: the library rules and the extra rules, plus the known values
 * (what the strip stage removed, and the action's own tokens) in every form of
 * {@link encodedForms}. Pure; builds its automaton once, so each call is a few passes for the
 * rules' trigger literals, one pass per rule whose trigger the text holds, and one quick pass for
 * all known values (the automaton runs only where that finds one).
 *
 * A finding names the file, the 1-based line, the rule (a rule id; `stripped-value` for a known
 * value written as is, `stripped-value-<encoding>` for an encoded one) and a redacted form of the
 * value (`AKIA…(20)`), never the value. Known values shorter than {@link MIN_SCAN_LENGTH} are not
 * looked for. A `.json` file is scanned as JSON too (GCP service-account keys).
 */
export function secretScanner(
  values: string[],
): (file: string, text: string, firstLine: number) => Violation[] {
  const known = [...new Set(values.filter((v) => v.length >= MIN_SCAN_LENGTH))]
  const forms: { form: string; value: string; encoding: Encoding }[] = []
  const seen = new Set<string>()
  for (const value of known) {
    for (const [form, encoding] of encodedForms(value, MIN_SCAN_LENGTH)) {
      if (seen.has(form)) continue
      seen.add(form)
      forms.push({ form, value, encoding })
    }
  }
  const matcher = forms.length > 0 ? new LiteralMatcher(forms.map((f) => f.form)) : null
  const anyForm = anyOf(forms.map((f) => f.form))
  return (file: string, text: string, firstLine: number): Violation[] => {
    const violations: Violation[] = []
    for (const finding of findSecrets(text, file.toLowerCase().endsWith('.json'))) {
      violations.push({
        kind: 'secret',
        path: file,
        line: firstLine + finding.line - 1,
        rule: finding.rule,
        detail: `a value matching ${finding.rule} was added (${redactedForm(text.slice(finding.start, finding.end))})`,
      })
    }
    if (matcher === null || anyForm?.test(text) === false) return violations
    const occurrences = matcher.occurrences(text)
    if (occurrences.length === 0) return violations
    const starts = lineStarts(text)
    for (const [start, , id] of occurrences) {
      const form = forms[id]
      if (form === undefined) continue
      const rule = form.encoding === 'raw' ? 'stripped-value' : `stripped-value-${form.encoding}`
      violations.push({
        kind: 'secret',
        path: file,
        line: firstLine + lineOf(starts, start) - 1,
        rule,
        detail: `the value of a variable Airlock stripped, or of its own token, was added${ENCODING_WORDS[form.encoding]} (${redactedForm(form.value)})`,
      })
    }
    return violations
  }
}
