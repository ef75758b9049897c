/**
 * Small helpers over text that the detection, the scanner and the redactor share: a literal as a
 * regex, and line numbers of offsets. Pure.
 */

/** `literal` as a regex that matches exactly it (no `u` flag). */
export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

/** Offsets at which each line starts, for turning offsets into 1-based line numbers. */
export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1)
  return starts
}

/** The 1-based line of `offset`, given the {@link lineStarts} of its text. */
export function lineOf(starts: readonly number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) low = mid
    else high = mid - 1
  }
  return low + 1
}
