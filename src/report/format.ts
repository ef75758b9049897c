/**
 * Plain formatting the report shares: numbers, counts, money and durations as a reader expects
 * them (`1,234`, `2 files`, `$0.12`, `2m 5s`), and the markdown table and `<details>` scaffolding.
 * None of these escape: callers pass escaped cells.
 *
 * Pure: values in, strings out.
 */

const NUMBER = new Intl.NumberFormat('en-US')

/** A count or amount in US English grouping (`10,000`); small whole numbers as they are. */
export function num(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < 1000 ? String(n) : NUMBER.format(n)
}

/** `n` and the noun, in the plural unless `n` is 1: `1 file`, `2 files`. */
export function plural(n: number, noun: string): string {
  return `${num(n)} ${noun}${n === 1 ? '' : 's'}`
}

/** US dollars with cents, or four decimals for a cost under a cent. */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`
}

/** A duration at the precision a reader needs: `850 ms`, `4.2 s`, `2m 5s`, `1h 3m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`
}

/** A markdown table: header row, separator row, then `rows` (already built with {@link row}). */
export function table(header: string[], rows: string[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows]
}

/** One table row from cells that are already escaped. */
export function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** A collapsed block; `summary` and `body` are trusted markdown (escaped by the caller). */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}
