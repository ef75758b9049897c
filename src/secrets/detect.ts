/**
 * Secret detection: every credential-looking string in a text, by the maintained library rules
 * (secretlint's recommended preset, `library.ts`) and the extra rules for what the library lacks
 * (`rules.ts`), merged so that findings never overlap. Pure.
 */
import { libraryMatches } from './library.js'
import { SECRET_RULES } from './rules.js'
import type { SecretRule } from './rule-format.js'
import { accepted, secretSpan } from './filters.js'
import { gateFor, type RuleGate } from './triggers.js'
import { lineOf, lineStarts } from './text.js'

/** One credential found in a text. Carries positions only, never the secret itself. */
export interface SecretFinding {
  /**
   * The rule id: `secretlint-<rule>` for the library's rules (`secretlint-aws`), gitleaks' id for
   * the extra rules (`jwt`, `generic-api-key`, see `rules.ts`).
   */
  rule: string
  /** UTF-16 offsets of the secret in the text: `text.slice(start, end)` is the credential. */
  start: number
  end: number
  /** 1-based line of `start`. */
  line: number
}

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

/**
 * A rule match that passed every filter, before overlapping matches are merged: {@link findSecrets}
 * merges them, the `Redactor` replaces them all.
 */
export interface RawFinding {
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
 * Every rule match that passes the rule's filters, unmerged: the library's, then the extra rules'.
 * `json`: the text is a JSON file (see `libraryMatches`). `gate`: the rules that may match in this
 * text (see `triggers.ts`); the others are skipped, with the same result. Without it, every
 * library rule runs and the extra rules run where gitleaks' keywords are (the reference).
 */
export function ruleMatches(text: string, json: boolean, gate: RuleGate | undefined): RawFinding[] {
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
  return merged(text, ruleMatches(text, json, text === '' ? undefined : gateFor(text, json)))
}

/**
 * {@link findSecrets} with every library rule run on every text that passes its first check,
 * and the extra rules gated by gitleaks' keywords, as before the trigger literals: the same
 * findings, slower. For the tests, which hold the gated scan to it.
 */
export function findSecretsUngated(text: string, json = false): SecretFinding[] {
  return merged(text, ruleMatches(text, json, undefined))
}

/** The findings of {@link findSecrets} from the unmerged {@link ruleMatches}. */
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
