/**
 * Finds every occurrence of many literal strings (the known values in all their encodings) in one
 * pass over a text, with a quick first check for texts that hold none. Pure.
 */
import { escapeRegExp } from './text.js'

/** `[start, end)` offsets in a text. */
export type Span = readonly [number, number]

/**
 * Finds every occurrence of a set of literal strings in one pass over the text, whatever their
 * number (Aho–Corasick automaton over UTF-16 code units).
 */
export class LiteralMatcher {
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
export function anyOf(literals: readonly string[]): RegExp | null {
  if (literals.length === 0 || literals.length > MAX_ANY_OF) return null
  try {
    return new RegExp(literals.map(escapeRegExp).join('|'))
  } catch {
    return null
  }
}
