import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AddedLineParser,
  CatFileBatchParser,
  decodeBytes,
  NulSplitter,
  parseDiffTreeZ,
  parseRawNumstatZ,
  unquoteGitPath,
  type AddedLine,
  type AddedLineParserOptions,
} from '../src/diff.js'
import type { ChangedFile } from '../src/types.js'

const Z40 = '0'.repeat(40)
const A40 = 'a'.repeat(40)
const B40 = 'b'.repeat(40)

/** Feeds `input` to a chunked parser cut at `cuts` (offsets), collecting every result. */
function feed<T>(input: Buffer, cuts: number[], push: (chunk: Buffer) => T[]): T[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b)
  const out: T[] = []
  let start = 0
  for (const point of [...points, input.length]) {
    out.push(...push(input.subarray(start, point)))
    start = point
  }
  return out
}

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

/** What `git diff-tree -r -z --raw --numstat -M20%` printed (see the report) for a mixed change. */
const RECORDED = [
  `:100644 100755 ${A40} ${A40} M`,
  'a.txt',
  `:100644 100644 ${A40} ${B40} M`,
  'bin',
  `:100644 100644 ${A40} ${B40} R028`,
  'd/f',
  'd/g',
  `:120000 100644 ${A40} ${B40} T`,
  'lnk',
  `:000000 100644 ${Z40} ${B40} A`,
  'new\nline',
  `:100644 000000 ${A40} ${Z40} D`,
  'old',
  `:000000 120000 ${Z40} ${B40} A`,
  'sp ace',
  `:160000 160000 ${A40} ${B40} M`,
  'sub',
  '0\t0\ta.txt',
  '-\t-\tbin',
  '1\t0\t',
  'd/f',
  'd/g',
  '1\t1\tlnk',
  '1\t0\tnew\nline',
  '0\t3\told',
  '1\t0\tsp ace',
  '1\t1\tsub',
  '',
].join('\0')

describe('parseRawNumstatZ', () => {
  it('reads a recorded diff-tree output', () => {
    expect(parseRawNumstatZ(Buffer.from(RECORDED))).toEqual<ChangedFile[]>([
      {
        path: 'a.txt',
        status: 'modified',
        additions: 0,
        deletions: 0,
        binary: false,
        oldMode: '100644',
        newMode: '100755',
      },
      {
        path: 'bin',
        status: 'modified',
        additions: null,
        deletions: null,
        binary: true,
        oldMode: '100644',
        newMode: '100644',
      },
      {
        path: 'd/g',
        oldPath: 'd/f',
        status: 'renamed',
        additions: 1,
        deletions: 0,
        binary: false,
        oldMode: '100644',
        newMode: '100644',
      },
      {
        path: 'lnk',
        status: 'type-changed',
        additions: 1,
        deletions: 1,
        binary: false,
        oldMode: '120000',
        newMode: '100644',
      },
      {
        path: 'new\nline',
        status: 'added',
        additions: 1,
        deletions: 0,
        binary: false,
        newMode: '100644',
      },
      {
        path: 'old',
        status: 'deleted',
        additions: 0,
        deletions: 3,
        binary: false,
        oldMode: '100644',
      },
      {
        path: 'sp ace',
        status: 'added',
        additions: 1,
        deletions: 0,
        binary: false,
        newMode: '120000',
      },
      {
        path: 'sub',
        status: 'modified',
        additions: 1,
        deletions: 1,
        binary: false,
        oldMode: '160000',
        newMode: '160000',
      },
    ])
  })

  it('keeps both object names', () => {
    const output = `:100644 100644 ${A40} ${B40} M\0a.txt\x001\t0\ta.txt\0`
    expect(parseDiffTreeZ(Buffer.from(output))).toMatchObject([{ oldOid: A40, newOid: B40 }])
  })

  it('returns nothing for no change', () => {
    expect(parseRawNumstatZ(Buffer.alloc(0))).toEqual([])
  })

  it('reads sha256 object names', () => {
    const z64 = '0'.repeat(64)
    const out = Buffer.from(`:000000 100644 ${z64} ${'c'.repeat(64)} A\0x\x003\t0\tx\0`)
    expect(parseRawNumstatZ(out)).toEqual([
      { path: 'x', status: 'added', additions: 3, deletions: 0, binary: false, newMode: '100644' },
    ])
  })

  const broken: { name: string; output: string; error: RegExp }[] = [
    {
      name: 'a raw record without numstat',
      output: `:000000 100644 ${Z40} ${B40} A\0x\0`,
      error: /1 raw records but 0/,
    },
    {
      name: 'records in different orders',
      output: `:000000 100644 ${Z40} ${B40} A\0x\0:000000 100644 ${Z40} ${B40} A\0y\x001\t0\ty\x001\t0\tx\0`,
      error: /same order/,
    },
    {
      name: 'a copy',
      output: `:100644 100644 ${A40} ${A40} C100\0x\0y\x000\t0\t\0x\0y\0`,
      error: /status C/,
    },
    {
      name: 'an unmerged entry',
      output: `:000000 000000 ${Z40} ${Z40} U\0x\x000\t0\tx\0`,
      error: /status U/,
    },
    {
      name: 'a malformed header',
      output: ':100644 100644 xyz xyz M\0x\0',
      error: /Unexpected diff-tree record/,
    },
    {
      name: 'a rename cut short',
      output: `:100644 100644 ${A40} ${A40} R100\0x\0`,
      error: /target path/,
    },
    {
      name: 'a bad count',
      output: `:000000 100644 ${Z40} ${B40} A\0x\x00one\t0\tx\0`,
      error: /count/,
    },
  ]
  it.each(broken)('refuses $name', ({ output, error }) => {
    expect(() => parseRawNumstatZ(Buffer.from(output))).toThrow(error)
  })

  const nameChar = fc.oneof(
    fc.constantFrom(
      ' ',
      '"',
      "'",
      '\\',
      '\n',
      '\t',
      '\r',
      ':',
      '-',
      '/',
      'é',
      '✓',
      '😀',
      '\u2028',
      '\x7f',
    ),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
  )
  const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 })
  const mode = fc.constantFrom('100644', '100755', '120000', '160000')
  const count = fc.option(fc.nat({ max: 100_000 }), { nil: null })
  const change = fc.record({
    kind: fc.constantFrom('A', 'M', 'D', 'T', 'R'),
    path: name,
    oldPath: name,
    oldMode: mode,
    newMode: mode,
    score: fc.integer({ min: 0, max: 100 }),
    additions: count,
    deletions: fc.nat({ max: 100_000 }),
  })

  it('reads back any list of changes, whatever the file names hold', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 20 }), (changes) => {
        const raw: string[] = []
        const numstat: string[] = []
        const expected: ChangedFile[] = []
        for (const c of changes) {
          const oldMode = c.kind === 'A' ? '000000' : c.oldMode
          const newMode = c.kind === 'D' ? '000000' : c.newMode
          const status = c.kind === 'R' ? `R${String(c.score).padStart(3, '0')}` : c.kind
          raw.push(`:${oldMode} ${newMode} ${A40} ${B40} ${status}`)
          const binary = c.additions === null
          const counts = binary ? '-\t-\t' : `${c.additions}\t${c.deletions}\t`
          if (c.kind === 'R') {
            raw.push(c.oldPath, c.path)
            numstat.push(counts, c.oldPath, c.path)
          } else {
            raw.push(c.path)
            numstat.push(counts + c.path)
          }
          const file: ChangedFile = {
            path: c.path,
            status: (
              { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed', R: 'renamed' } as const
            )[c.kind],
            additions: c.additions,
            deletions: binary ? null : c.deletions,
            binary,
          }
          if (c.kind === 'R') file.oldPath = c.oldPath
          if (oldMode !== '000000') file.oldMode = oldMode
          if (newMode !== '000000') file.newMode = newMode
          expected.push(file)
        }
        const output = Buffer.from([...raw, ...numstat].map((f) => `${f}\0`).join(''), 'utf8')
        expect(parseRawNumstatZ(output)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })
})

/** Quotes a path the way git does with core.quotePath=true (quote.c, quote_c_style). */
function gitQuote(prefix: string, path: string): string {
  const bytes = Buffer.from(prefix + path, 'utf8')
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    0x22: '"',
    0x5c: '\\',
  }
  const special = (b: number): boolean => b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f
  if (!bytes.some(special)) return bytes.toString('utf8') + (path.includes(' ') ? '\t' : '')
  let out = '"'
  for (const b of bytes) {
    if (!special(b)) out += String.fromCharCode(b)
    else out += `\\${named[b] ?? b.toString(8).padStart(3, '0')}`
  }
  return `${out}"${path.includes(' ') ? '\t' : ''}`
}

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

/** The `-U0` patch git printed for the change in the recorded diff-tree output (see report). */
const RECORDED_PATCH = `diff --git a/a.txt b/a.txt
old mode 100644
new mode 100755
diff --git a/bin b/bin
index e899662..9de10b8 100644
Binary files a/bin and b/bin differ
diff --git a/d/f b/d/g
similarity index 28%
rename from d/f
rename to d/g
index 587be6b..aee5fdc 100644
--- a/d/f
+++ b/d/g
@@ -1,0 +2 @@ x
+more
diff --git a/lnk b/lnk
deleted file mode 120000
index 8d14cbf..0000000
--- a/lnk
+++ /dev/null
@@ -1 +0,0 @@
-a.txt
\\ No newline at end of file
diff --git a/lnk b/lnk
new file mode 100644
index 0000000..a53e499
--- /dev/null
+++ b/lnk
@@ -0,0 +1 @@
+not link
diff --git "a/new\\nline" "b/new\\nline"
new file mode 100644
index 0000000..ea0c8a8
--- /dev/null
+++ "b/new\\nline"
@@ -0,0 +1 @@
+q
\\ No newline at end of file
diff --git a/sp ace b/sp ace
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ b/sp ace\t
@@ -0,0 +1 @@
+new
`

function parseAll(patch: string | Buffer, options?: AddedLineParserOptions): AddedLine[] {
  const parser = new AddedLineParser(options)
  return [...parser.push(Buffer.from(patch)), ...parser.end()]
}

describe('AddedLineParser', () => {
  it('reads a recorded patch', () => {
    expect(parseAll(RECORDED_PATCH)).toEqual([
      { path: 'd/g', line: 2, text: 'more' },
      { path: 'lnk', line: 1, text: 'not link' },
      { path: 'new\nline', line: 1, text: 'q' },
      { path: 'sp ace', line: 1, text: 'new' },
    ])
  })

  it('takes lines that look like headers inside a hunk as content', () => {
    const patch = [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -3,2 +3,5 @@',
      '---- a/evil',
      '-diff --git a/y b/y',
      '++++ b/evil',
      '+diff --git a/z b/z',
      '+@@ -1 +1 @@',
      '+\\ not a marker',
      '+',
      '',
    ].join('\n')
    expect(parseAll(patch)).toEqual([
      { path: 'x', line: 3, text: '+++ b/evil' },
      { path: 'x', line: 4, text: 'diff --git a/z b/z' },
      { path: 'x', line: 5, text: '@@ -1 +1 @@' },
      { path: 'x', line: 6, text: '\\ not a marker' },
      { path: 'x', line: 7, text: '' },
    ])
  })

  it('numbers lines across hunks and context lines', () => {
    const patch = [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -1,2 +1,3 @@ heading',
      ' one',
      '+two',
      ' three',
      '@@ -10 +11,2 @@',
      '-old',
      '+new',
      '+newer',
      '',
      '',
    ].join('\n')
    expect(parseAll(patch)).toEqual([
      { path: 'x', line: 2, text: 'two' },
      { path: 'x', line: 11, text: 'new' },
      { path: 'x', line: 12, text: 'newer' },
    ])
  })

  const broken: { name: string; patch: string; error: RegExp }[] = [
    {
      name: 'more lines than the hunk header counts',
      patch: 'diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\n+b\n',
      error: /outside a hunk/,
    },
    {
      name: 'a patch cut inside a hunk',
      patch: 'diff --git a/x b/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n',
      error: /ended inside a hunk/,
    },
    {
      name: 'a malformed hunk header',
      patch: '+++ b/x\n@@ -a +b @@\n',
      error: /Malformed hunk header/,
    },
    {
      name: 'added lines for an unnamed file',
      patch: 'diff --git a/x b/x\n@@ -0,0 +1 @@\n+a\n',
      error: /did not name/,
    },
    {
      name: 'a strange new-file label',
      patch: 'diff --git a/x b/x\n+++ x\n',
      error: /new-file label/,
    },
  ]
  it.each(broken)('refuses $name', ({ patch, error }) => {
    expect(() => parseAll(patch)).toThrow(error)
  })

  it('splits a long line into bounded, overlapping pieces of it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 400 }).filter((s) => !s.includes('\n')),
        fc.integer({ min: 16, max: 64 }),
        (text, maxLineBytes) => {
          const overlapBytes = Math.floor(maxLineBytes / 4)
          const pieces = parseAll(`+++ b/x\n@@ -0,0 +7 @@\n+${text}\n`, {
            maxLineBytes,
            overlapBytes,
          })
          const whole = Buffer.from(text)
          const bytes = pieces.map((p) => Buffer.from(p.text))
          expect(pieces.every((p) => p.path === 'x' && p.line === 7)).toBe(true)
          expect(bytes.every((b) => b.length <= maxLineBytes)).toBe(true)
          // Cut on character boundaries: every piece is a piece of the text, first and last at its ends.
          expect(bytes.every((b) => whole.indexOf(b) !== -1)).toBe(true)
          expect(whole.subarray(0, bytes[0]?.length).equals(bytes[0] ?? Buffer.alloc(0))).toBe(true)
          expect(
            whole
              .subarray(whole.length - (bytes.at(-1)?.length ?? 0))
              .equals(bytes.at(-1) ?? Buffer.alloc(0)),
          ).toBe(true)
          // Each piece starts with the end of the one before (overlapBytes, up to 3 more to keep characters whole).
          for (let i = 1; i < bytes.length; i++) {
            const at = (bytes[i] ?? Buffer.alloc(0)).indexOf(
              (bytes[i - 1] ?? Buffer.alloc(0)).subarray(-overlapBytes),
            )
            expect(at).toBeGreaterThanOrEqual(0)
            expect(at).toBeLessThanOrEqual(3)
          }
          const total = bytes.reduce((n, b) => n + b.length, 0)
          expect(whole.length).toBeLessThanOrEqual(total - (bytes.length - 1) * overlapBytes)
          expect(whole.length).toBeGreaterThanOrEqual(
            total - (bytes.length - 1) * (overlapBytes + 3),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('splits a long line into exactly the expected pieces', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789'
    expect(
      parseAll(`+++ b/x\n@@ -0,0 +1 @@\n+${text}\n`, { maxLineBytes: 16, overlapBytes: 4 }),
    ).toEqual([
      { path: 'x', line: 1, text: 'abcdefghijklmnop' },
      { path: 'x', line: 1, text: 'mnopqrstuvwxyz01' },
      { path: 'x', line: 1, text: 'yz0123456789' },
    ])
  })

  const hunk = fc.record({
    gap: fc.nat({ max: 5 }),
    removed: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
    added: fc.array(
      fc.string({ unit: 'binary', maxLength: 90 }).map((s) => s.replace(/\n/g, '')),
      {
        maxLength: 4,
      },
    ),
    noNewline: fc.boolean(),
  })
  const section = fc.record({
    path: fc.string({
      unit: fc.oneof(
        fc.constantFrom(' ', '"', '\\', '\n', '\t', 'é', '✓', '\x01'),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 10,
    }),
    kind: fc.constantFrom('text', 'binary', 'mode'),
    hunks: fc.array(hunk, { maxLength: 3 }),
  })

  /** A patch as git would print it, and the added lines in it. */
  function buildPatch(
    sections: {
      path: string
      kind: string
      hunks: { gap: number; removed: string[]; added: string[]; noNewline: boolean }[]
    }[],
  ): {
    patch: string
    expected: AddedLine[]
  } {
    let patch = ''
    const expected: AddedLine[] = []
    for (const s of sections) {
      patch += `diff --git ${gitQuote('a/', s.path).trimEnd()} ${gitQuote('b/', s.path).trimEnd()}\n`
      if (s.kind === 'mode') {
        patch += 'old mode 100644\nnew mode 100755\n'
        continue
      }
      patch += 'index 1111111..2222222 100644\n'
      if (s.kind === 'binary') {
        patch += `Binary files ${gitQuote('a/', s.path)} and ${gitQuote('b/', s.path)} differ\n`
        continue
      }
      patch += `--- ${gitQuote('a/', s.path)}\n+++ ${gitQuote('b/', s.path)}\n`
      let oldLine = 1
      let newLine = 1
      for (const h of s.hunks.filter((x) => x.removed.length + x.added.length > 0)) {
        oldLine += h.gap
        newLine += h.gap
        const count = (n: number): string => (n === 1 ? '' : `,${n}`)
        patch += `@@ -${oldLine}${count(h.removed.length)} +${newLine}${count(h.added.length)} @@ some heading\n`
        for (const r of h.removed) patch += `-${r}\n`
        h.added.forEach((text, i) => {
          patch += `+${text}\n`
          expected.push({ path: s.path, line: newLine + i, text })
        })
        if (h.noNewline) patch += '\\ No newline at end of file\n'
        oldLine += h.removed.length
        newLine += h.added.length
      }
    }
    return { patch, expected }
  }

  it('reads back the added lines of any patch, whatever the file names hold', () => {
    fc.assert(
      fc.property(fc.array(section, { maxLength: 6 }), (sections) => {
        const { patch, expected } = buildPatch(sections)
        expect(parseAll(patch)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
  })

  it('gives the same lines fed in chunks of any size as fed whole', () => {
    fc.assert(
      fc.property(
        fc.array(section, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 16, max: 40 }),
        (sections, cuts, maxLineBytes) => {
          const { patch } = buildPatch(sections)
          const options = { maxLineBytes, overlapBytes: 6 }
          const whole = parseAll(patch, options)
          const parser = new AddedLineParser(options)
          const chunked = [
            ...feed(Buffer.from(patch), cuts, (c) => parser.push(c)),
            ...parser.end(),
          ]
          expect(chunked).toEqual(whole)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('CatFileBatchParser', () => {
  const output = Buffer.concat([
    Buffer.from(`${A40} blob 11\n../etc/pass\n`),
    Buffer.from(`${B40} missing\n`),
    Buffer.from(`${Z40} blob 0\n\n`),
  ])

  it('reads objects fed in chunks of any size', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        const parser = new CatFileBatchParser()
        const objects = feed(output, cuts, (c) => parser.push(c))
        parser.end()
        expect(objects.map((o) => [o.oid, o.type, o.content.toString(), o.truncated])).toEqual([
          [A40, 'blob', '../etc/pass', false],
          [B40, 'missing', '', false],
          [Z40, 'blob', '', false],
        ])
      }),
    )
  })

  it('keeps only the first maxContentBytes of an object', () => {
    const parser = new CatFileBatchParser(4)
    const [object] = parser.push(Buffer.from(`${A40} blob 11\n../etc/pass\n`))
    expect(object).toMatchObject({ size: 11, truncated: true })
    expect(object?.content.toString()).toBe('../e')
  })

  it('refuses output that stops inside an object', () => {
    const parser = new CatFileBatchParser()
    parser.push(Buffer.from(`${A40} blob 11\n../e`))
    expect(() => {
      parser.end()
    }).toThrow(/ended early/)
  })
})

describe('NulSplitter', () => {
  it('splits fields fed in chunks of any size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a.filter((b) => b !== 0)))),
        fc.array(fc.nat(), { maxLength: 20 }),
        (fields, cuts) => {
          const input = Buffer.concat(fields.flatMap((f) => [f, Buffer.from([0])]))
          const splitter = new NulSplitter()
          const out = [...feed(input, cuts, (c) => splitter.push(c)), ...splitter.end()]
          expect(out.map((b) => b.toString('hex'))).toEqual(fields.map((b) => b.toString('hex')))
        },
      ),
    )
  })

  it('refuses a field longer than its limit', () => {
    expect(() => new NulSplitter(4).push(Buffer.from('12345'))).toThrow(/longer than 4 bytes/)
  })
})
