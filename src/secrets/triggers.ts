/**
 * Which rules may match in a text, from the trigger literals every match of a rule holds: a rule
 * whose literals a text lacks is skipped, with the same findings (the property tests hold the
 * gated scan to the ungated one). Speed only; pure.
 */
import { libraryMayMatch, libraryRuleGates } from './library.js'
import { SECRET_RULES } from './rules.js'
import { escapeRegExp } from './text.js'

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
export interface RuleGate {
  readonly library: (rule: number) => boolean
  readonly extra: (rule: number) => boolean
}

/** Case-sensitive and caseless trigger literals of one rule (none: the rule always runs). */
interface TriggerLiterals {
  readonly triggers: readonly string[]
  readonly caseless: readonly string[]
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
export function gateFor(text: string, json: boolean): RuleGate {
  const { library, jsonOnly, extra } = triggerSearches()
  const libraryFound = libraryMayMatch(text) ? library.find(text) : null
  const extraFound = extra.find(text)
  return {
    library: (rule) => (jsonOnly[rule] === true ? json : libraryFound?.[rule] === 1),
    extra: (rule) => extraFound[rule] === 1,
  }
}
