import { describe, expect, it } from 'vitest'
import { codeSpan, escapeCell, fencedBlock } from '../../src/report/escape.js'
import { ZWJ } from './helpers.js'

describe('escapeCell', () => {
  it.each([
    ['leaves plain text alone', 'src/main.ts changed', 'src/main.ts changed'],
    ['escapes pipes so a cell cannot split', 'a|b', 'a\\|b'],
    ['escapes backticks', 'a`b', 'a\\`b'],
    ['turns angle brackets into entities', '</details><script>', '&lt;/details&gt;&lt;script&gt;'],
    ['escapes ampersands so entities stay literal', '&lt;', '&amp;lt;'],
    ['neutralizes mentions with a zero-width joiner', '@octocat', `@${ZWJ}octocat`],
    ['neutralizes team mentions', '@org/team', `@${ZWJ}org/team`],
    ['shows line breaks instead of breaking the row', 'a\nb\r\nc', 'a\\\\nb\\\\r\\\\nc'],
    ['shows bidirectional overrides', 'a\u202eb', 'a\\\\u{202E}b'],
    [
      'escapes emphasis, links, images and math',
      '*_[x](y)_*![i](u)$x$~~',
      '\\*\\_\\[x\\](y)\\_\\*!\\[i\\](u)\\$x\\$\\~\\~',
    ],
    ['escapes backslashes', 'a\\b', 'a\\\\b'],
    ['leaves issue references as they are', 'fixes #123', 'fixes #123'],
  ])('%s', (_name, text, expected) => {
    expect(escapeCell(text)).toBe(expected)
  })
})

describe('codeSpan', () => {
  it.each([
    ['wraps plain text in single backticks', 'src/a.ts', 'cell', '`src/a.ts`'],
    ['uses a longer delimiter than any backtick run inside', 'a`b``c', 'cell', '```a`b``c```'],
    ['pads when the text starts or ends with a backtick', '`a', 'cell', '`` `a ``'],
    ['escapes pipes inside a table cell', 'a|b', 'cell', '`a\\|b`'],
    ['keeps pipes outside a table', 'a|b', 'inline', '`a|b`'],
    ['shows newlines as \\n so a row cannot break', 'a\nb', 'cell', '`a\\nb`'],
    [
      'keeps @ as it is (code does not mention)',
      'node_modules/@types/x',
      'cell',
      '`node_modules/@types/x`',
    ],
    ['shows an empty value as (empty)', '', 'cell', '(empty)'],
  ] as const)('%s', (_name, text, context, expected) => {
    expect(codeSpan(text, context)).toBe(expected)
  })
})

describe('fencedBlock', () => {
  it('uses a fence longer than any backtick run, so the text cannot close it', () => {
    const block = fencedBlock('x\n`````\ny')
    expect(block.startsWith('``````text\n')).toBe(true)
    expect(block.endsWith('\n``````')).toBe(true)
  })

  it('uses at least three backticks', () => {
    expect(fencedBlock('plain')).toBe('```text\nplain\n```')
  })

  it('normalizes carriage returns and shows bidi overrides', () => {
    expect(fencedBlock('a\r\nb\rc\u202e')).toBe('```text\na\nb\nc\\u{202E}\n```')
  })
})
