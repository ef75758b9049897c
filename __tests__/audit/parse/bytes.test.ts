import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBytes, isBinaryToGit, unquoteGitPath } from '../../../src/audit/parse/bytes.js'

describe('decodeBytes', () => {
  const cases: { name: string; bytes: number[] | string; expected: string }[] = [
    { name: 'keeps ASCII', bytes: 'plain/path.txt', expected: 'plain/path.txt' },
    { name: 'keeps valid UTF-8', bytes: 'ünï cödé ✓ 😀', expected: 'ünï cödé ✓ 😀' },
    { name: 'keeps control characters', bytes: 'a\nb\tc\x7f', expected: 'a\nb\tc\x7f' },
    { name: 'escapes a Latin-1 byte', bytes: [0x63, 0x61, 0x66, 0xe9], expected: 'caf\\xe9' },
    { name: 'escapes a lone continuation byte', bytes: [0x80, 0x61], expected: '\\x80a' },
    { name: 'escapes a truncated sequence', bytes: [0x61, 0xe2, 0x9c], expected: 'a\\xe2\\x9c' },
    { name: 'escapes an overlong encoding', bytes: [0xc0, 0xaf], expected: '\\xc0\\xaf' },
    {
      name: 'escapes an encoded surrogate',
      bytes: [0xed, 0xa0, 0x80],
      expected: '\\xed\\xa0\\x80',
    },
    {
      name: 'escapes a code point above U+10FFFF',
      bytes: [0xf4, 0x90, 0x80, 0x80],
      expected: '\\xf4\\x90\\x80\\x80',
    },
    {
      name: 'keeps the valid text around invalid bytes',
      bytes: [0xff, ...Buffer.from('✓'), 0xfe, 0x41],
      expected: '\\xff✓\\xfeA',
    },
  ]
  it.each(cases)('$name', ({ bytes, expected }) => {
    expect(decodeBytes(Buffer.from(bytes as never))).toBe(expected)
  })

  it('returns any valid string unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(decodeBytes(Buffer.from(text, 'utf8'))).toBe(text)
      }),
    )
  })

  it('loses no byte: without backslashes in the input, the escapes decode back to it', () => {
    const undo = (text: string): Buffer =>
      Buffer.concat(
        text
          .split(/(\\x[0-9a-f]{2})/)
          .map((part) =>
            /^\\x[0-9a-f]{2}$/.test(part)
              ? Buffer.from([parseInt(part.slice(2), 16)])
              : Buffer.from(part, 'utf8'),
          ),
      )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        const bytes = Buffer.from(raw.filter((b) => b !== 0x5c))
        expect(undo(decodeBytes(bytes)).equals(bytes)).toBe(true)
      }),
    )
  })
})

describe('isBinaryToGit', () => {
  const cases: { name: string; size: number; head: number[]; expected: boolean }[] = [
    { name: 'text', size: 5, head: [0x61, 0x62, 0x0a, 0x63, 0x0a], expected: false },
    { name: 'a NUL byte', size: 3, head: [0x61, 0x00, 0x62], expected: true },
    {
      name: 'a NUL byte after the first 8,000',
      size: 8_001,
      head: [...Array<number>(8_000).fill(0x61), 0],
      expected: false,
    },
    {
      name: 'a NUL byte at the 8,000th',
      size: 8_000,
      head: [...Array<number>(7_999).fill(0x61), 0],
      expected: true,
    },
    { name: 'a size over the threshold', size: 10_001, head: [0x61], expected: true },
    { name: 'a size at the threshold', size: 10_000, head: [0x61], expected: false },
  ]
  it.each(cases)('judges $name', ({ size, head, expected }) => {
    expect(isBinaryToGit(size, Buffer.from(head), 10_000)).toBe(expected)
  })
})

describe('unquoteGitPath', () => {
  const cases: { quoted: string; expected: Buffer }[] = [
    { quoted: 'b/plain name', expected: Buffer.from('b/plain name') },
    { quoted: '"b/tab\\there"', expected: Buffer.from('b/tab\there') },
    { quoted: '"b/\\a\\b\\t\\n\\v\\f\\r\\"\\\\"', expected: Buffer.from('b/\x07\b\t\n\v\f\r"\\') },
    { quoted: '"b/caf\\303\\251"', expected: Buffer.from('b/café') },
    { quoted: '"b/raw\\377"', expected: Buffer.from([0x62, 0x2f, 0x72, 0x61, 0x77, 0xff]) },
    { quoted: '"b/with space"\t', expected: Buffer.from('b/with space') },
  ]
  it.each(cases)('reads $quoted', ({ quoted, expected }) => {
    expect(unquoteGitPath(Buffer.from(quoted, 'latin1')).equals(expected)).toBe(true)
  })

  it.each(['"b/unterminated', '"b/bad\\9"', '"b/short\\30'])('refuses %s', (quoted) => {
    expect(() => unquoteGitPath(Buffer.from(quoted))).toThrow(/quoted path/)
  })
})
