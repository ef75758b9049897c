/**
 * The size-limited layout: the report as named sections in a fixed order, each plain text or a
 * block of rows, with byte sizes kept current so that the renderer can cut the least important
 * parts until the whole fits a limit. Knows nothing of what the sections say.
 *
 * Pure: strings in, strings out.
 */

import { size } from './measure.js'

/** The report's sections, in the order they are shown (see {@link ORDER}). */
export type SectionName =
  | 'head'
  | 'notice'
  | 'violations'
  | 'files'
  | 'ignored'
  | 'commits'
  | 'denials'
  | 'agent'
  | 'isolation'
  | 'stripped'
  | 'lock'
  | 'message'
  | 'footer'

/** The order of the sections in the document. */
export const ORDER: readonly SectionName[] = [
  'head',
  'notice',
  'violations',
  'files',
  'ignored',
  'commits',
  'denials',
  'agent',
  'isolation',
  'stripped',
  'lock',
  'message',
  'footer',
]

const SEPARATOR = '\n\n'

/**
 * A section that grows with the run (violations, changed files, commits, blocked actions) and is
 * cut row by row, with a line that counts the rows left out.
 */
export interface RowBlock {
  /** Lines before the rows (heading, table header), joined with `\n`. */
  head: string
  /** The rows built: all of them, or (see {@link rowBlock}) more than can ever be shown. */
  rows: string[]
  /** How many rows there are, built or not. */
  total: number
  /** `prefix[k]`: bytes of the first `k` rows, each with its newline. */
  prefix: number[]
  /** How many of the rows are shown (the first ones). */
  shown: number
  /** The line after the rows when `hidden` rows are left out. */
  more: (hidden: number) => string
}

/**
 * A block with every built row shown; {@link fitRows} shows fewer.
 *
 * `total`: how many rows there are, when only the first `rows.length` are built. Build more rows
 * than `limit` bytes can hold (or all of them): a document that cannot show the rest is cut
 * exactly as if they were there.
 */
export function rowBlock(
  head: string,
  rows: string[],
  more: (hidden: number) => string,
  total = rows.length,
): RowBlock {
  const prefix = [0]
  let bytes = 0
  for (const r of rows) {
    bytes += size(r) + 1
    prefix.push(bytes)
  }
  return { head, rows, total, prefix, shown: rows.length, more }
}

/** Bytes of the block when its first `shown` rows are shown, the line counting the rest included. */
export function rowBlockSize(block: RowBlock, shown = block.shown): number {
  const hidden = block.total - shown
  const more = hidden > 0 ? size(block.more(hidden)) + 2 : 0
  return size(block.head) + (block.prefix[shown] ?? 0) + more
}

/** The block as markdown: head, the rows shown, and the line counting the rest. */
export function renderRowBlock(block: RowBlock): string {
  const lines = [block.head, ...block.rows.slice(0, block.shown)]
  const hidden = block.total - block.shown
  let text = lines.join('\n')
  if (hidden > 0) text += `\n\n${block.more(hidden)}`
  return text
}

/** Shows as many rows as fit in `budget` bytes, never fewer than `min`. */
export function fitRows(block: RowBlock, budget: number, min: number): void {
  let shown = block.shown
  while (shown > min && rowBlockSize(block, shown) > budget) shown--
  block.shown = shown
}

/** The report's sections, each plain text or a block of rows, with their sizes kept current. */
export class Doc {
  private readonly texts = new Map<SectionName, { text: string; size: number }>()
  private readonly rowBlocks = new Map<SectionName, RowBlock>()

  /** `noticeReserve`: bytes kept for the cut notice while cutting (see {@link Doc.total}). */
  constructor(private readonly noticeReserve: number) {}

  /** Sets section `name` to plain text, replacing what it held. */
  text(name: SectionName, text: string): void {
    this.rowBlocks.delete(name)
    this.texts.set(name, { text, size: size(text) })
  }

  /** Sets section `name` to a block of rows, replacing what it held. */
  rows(name: SectionName, block: RowBlock): void {
    this.texts.delete(name)
    this.rowBlocks.set(name, block)
  }

  /** Whether section `name` is in the document. */
  has(name: SectionName): boolean {
    return this.texts.has(name) || this.rowBlocks.has(name)
  }

  /** The block of rows of section `name`, if it is one. */
  block(name: SectionName): RowBlock | undefined {
    return this.rowBlocks.get(name)
  }

  /** Every block of rows, in document order. */
  blocks(): Array<[SectionName, RowBlock]> {
    return ORDER.flatMap((name) => {
      const block = this.rowBlocks.get(name)
      return block === undefined ? [] : [[name, block] as [SectionName, RowBlock]]
    })
  }

  /** Bytes of section `name` as it would render now (0 when absent). */
  sizeOf(name: SectionName): number {
    const block = this.rowBlocks.get(name)
    if (block !== undefined) return rowBlockSize(block)
    return this.texts.get(name)?.size ?? 0
  }

  /** Bytes of the whole document; with `reserveNotice`, room for the cut notice too. */
  total(reserveNotice: boolean): number {
    let sum = 0
    let count = 0
    for (const name of ORDER) {
      if (name === 'notice' || !this.has(name)) continue
      sum += this.sizeOf(name)
      count++
    }
    if (reserveNotice) {
      sum += this.noticeReserve
      count++
    }
    return sum + SEPARATOR.length * Math.max(0, count - 1)
  }

  /** The document as markdown: the sections present, in order, separated by blank lines. */
  render(): string {
    const parts: string[] = []
    for (const name of ORDER) {
      const block = this.rowBlocks.get(name)
      const text = block === undefined ? this.texts.get(name)?.text : renderRowBlock(block)
      if (text !== undefined) parts.push(text)
    }
    return parts.join(SEPARATOR)
  }
}
