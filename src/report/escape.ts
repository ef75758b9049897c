/**
 * Markdown escaping: text from the agent or the repository (paths, commit subjects, denial targets,
 * the final message) rendered so that it reads as text. It cannot open HTML, close a `<details>`
 * block, break a table row, ping anyone or hide characters.
 *
 * Pure: strings in, strings out.
 */

const CONTROL =
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/gu

/**
 * Makes invisible and layout characters visible: `\n`, `\r`, `\t`, and `\u{…}` for other
 * control, zero-width and bidirectional characters (which could disguise a path).
 */
export function visible(text: string): string {
  return text.replace(CONTROL, (char) => {
    if (char === '\n') return '\\n'
    if (char === '\r') return '\\r'
    if (char === '\t') return '\\t'
    return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`
  })
}

const ZWJ = '\u200d'

/**
 * Plain text, safe in a table cell and in running text: markdown punctuation is backslash-escaped
 * (no emphasis, links, images, math, strikethrough), `<`, `>`, `&` become entities (no HTML, no
 * `</details>`), `|` cannot split a cell, line breaks and invisible characters are shown as
 * escapes, and every `@` is followed by a zero-width joiner so that no one is mentioned.
 */
export function escapeCell(text: string): string {
  return visible(text).replace(/[\\`*_[\]|~$<>&@]/g, (char) => {
    switch (char) {
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '&':
        return '&amp;'
      case '@':
        return `@${ZWJ}`
      default:
        return `\\${char}`
    }
  })
}

/**
 * An inline code span showing `text` verbatim: the delimiter is longer than any backtick run
 * inside, invisible characters are shown as escapes, and (in `'cell'` context, the default) `|` is
 * escaped as GitHub's table parser requires. Code spans render no HTML and ping no one.
 */
export function codeSpan(text: string, context: 'cell' | 'inline' = 'cell'): string {
  let content = visible(text)
  if (content === '') return '(empty)'
  if (context === 'cell') content = content.replace(/\|/g, '\\|')
  const fence = '`'.repeat(longestRun(content, '`') + 1)
  const pad =
    content.startsWith('`') ||
    content.endsWith('`') ||
    (content.startsWith(' ') && content.endsWith(' '))
      ? ' '
      : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

/**
 * A fenced code block showing `text` verbatim: the fence is longer than any backtick run inside,
 * so the text cannot close it; line breaks are normalized to `\n` and other control and
 * bidirectional characters are shown as escapes.
 */
export function fencedBlock(text: string, info = 'text'): string {
  const content = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => visible(line))
    .join('\n')
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1))
  return `${fence}${info}\n${content}\n${fence}`
}

/** Length of the longest run of `char` in `text` (a fence must be longer to stay closed). */
export function longestRun(text: string, char: string): number {
  let longest = 0
  let current = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === char) {
      current++
      if (current > longest) longest = current
    } else {
      current = 0
    }
  }
  return longest
}
