/**
 * Redaction: replaces every known value (in each of its encodings) and every rule match in a text
 * with a marker. Pure.
 */
import { ruleMatches } from './detect.js'
import { encodedForms, MIN_REDACT_LENGTH } from './encodings.js'
import { secretSpan } from './filters.js'
import { anyOf, LiteralMatcher } from './literal-matcher.js'
import { gateFor } from './triggers.js'

/** What replaces a known value. Rule matches read `[REDACTED:<rule id>]`. */
export const REDACTED = '[REDACTED]'

/** The `[REDACTED…]` markers already in a text (ours, or look-alikes the text brought). */
const MARKER = /\[REDACTED(?::[a-z0-9-]+)?\]/g

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

/** What a {@link Redactor} recognises besides the rules and the values added to it. */
export interface RedactorOptions {
  /**
   * Shortest value {@link Redactor.add} registers, and shortest encoded form it looks for.
   * Default: {@link MIN_REDACT_LENGTH}.
   */
  readonly minLength?: number
  /**
   * Shapes that hold a secret wherever they occur, whether its value was added or not (the
   * userinfo of an `https://user:token@host` URL): in each match, the first non-empty capture
   * group (or, without one, the whole match) is replaced as a known value is.
   */
  readonly patterns?: readonly RegExp[]
}

/**
 * Replaces secrets in text: every known value (and its encoded forms), everything `findSecrets`
 * would report, and every match of the patterns given (see {@link RedactorOptions}).
 *
 * Guarantees:
 * - No added value of at least `minLength` ({@link MIN_REDACT_LENGTH} unless given) characters
 *   survives anywhere outside a
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
  readonly #minLength: number
  /** The options' patterns with the `g` and `d` (match indices) flags added. */
  readonly #patterns: readonly RegExp[]

  constructor(values: Iterable<string> = [], options: RedactorOptions = {}) {
    this.#minLength = options.minLength ?? MIN_REDACT_LENGTH
    this.#patterns = (options.patterns ?? []).map(
      (pattern) => new RegExp(pattern.source, `${pattern.flags.replace(/[gdy]/g, '')}gd`),
    )
    for (const value of values) this.add(value)
  }

  /**
   * Registers a secret value. Values shorter than `minLength` ({@link MIN_REDACT_LENGTH} unless
   * given) are ignored.
   */
  add(value: string): void {
    if (value.length < this.#minLength) return
    for (const form of encodedForms(value, this.#minLength).keys()) {
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
    for (const pattern of this.#patterns) {
      pattern.lastIndex = 0
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        if (match[0] === '') {
          pattern.lastIndex++
          continue
        }
        const [start, end] = secretSpan(match)
        replacements.push({ start, end, rule: undefined, marker: false })
      }
    }
    for (const finding of ruleMatches(text, false, gateFor(text, false))) {
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
