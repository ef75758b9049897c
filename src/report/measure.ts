/**
 * Text measured and shortened in the units the limits count: UTF-8 bytes (GitHub's comment and
 * summary limits) and code points (so a cut never splits a character).
 *
 * Pure: strings in, numbers and strings out.
 */

/** Shortens to at most `max` code points, keeping both ends: `abc…xyz`. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const points = Array.from(text)
  if (points.length <= max) return text
  const head = Math.ceil((max - 1) / 2)
  const tail = max - 1 - head
  return `${points.slice(0, head).join('')}…${tail > 0 ? points.slice(-tail).join('') : ''}`
}

/** Number of code points, without building an array. */
export function codePoints(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xdc00 || unit > 0xdfff || i === 0) n++
    else {
      const previous = text.charCodeAt(i - 1)
      if (previous < 0xd800 || previous > 0xdbff) n++
    }
  }
  return n
}

/** UTF-8 byte length (never less than the UTF-16 length). */
export function size(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** The longest prefix of `text` whose UTF-8 length is at most `max`, cut at a code point. */
export function prefixWithin(text: string, max: number): string {
  let bytes = 0
  let i = 0
  while (i < text.length) {
    const unit = text.charCodeAt(i)
    const next = text.charCodeAt(i + 1)
    const pair = unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff
    const width = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3
    if (bytes + width > max) break
    bytes += width
    i += pair ? 2 : 1
  }
  return text.slice(0, i)
}
