import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AddedLineParser,
  type AddedLineParserOptions,
} from '../../../src/audit/parse/added-lines.js'
import { feed, gitQuote, linesOf, type Line } from './fixtures.js'

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

function parseAll(patch: string | Buffer, options?: AddedLineParserOptions): Line[] {
  const parser = new AddedLineParser(options)
  return linesOf([...parser.push(Buffer.from(patch)), ...parser.end()])
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
    expected: Line[]
  } {
    let patch = ''
    const expected: Line[] = []
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
          const chunked = linesOf([
            ...feed(Buffer.from(patch), cuts, (c) => parser.push(c)),
            ...parser.end(),
          ])
          expect(chunked).toEqual(whole)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('AddedLineParser runs of lines', () => {
  it('joins consecutive added lines of one chunk, within maxLineBytes, and decodes them as lines', () => {
    const patch = Buffer.concat([
      Buffer.from('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,7 @@\n+one\n++plus\n+'),
      Buffer.from([0xe2, 0x9c]),
      Buffer.from('\n'),
      Buffer.from('+caf\xc3\xa9\n', 'latin1'),
      Buffer.from(' same\n-gone\n+after\n+last\n'),
    ])
    const parser = new AddedLineParser({ maxLineBytes: 16, overlapBytes: 4 })
    const runs = [...parser.push(patch), ...parser.end()]
    expect(runs).toEqual([
      { path: 'x', line: 1, text: 'one\n+plus\n\\xe2\\x9c', lines: 3 },
      { path: 'x', line: 4, text: 'café', lines: 1 },
      { path: 'x', line: 6, text: 'after\nlast', lines: 2 },
    ])
  })

  it('never gives a run longer than maxLineBytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 16, max: 64 }),
        (added, maxLineBytes) => {
          const patch = `+++ b/x\n@@ -0,0 +1,${added.length} @@\n${added.map((a) => `+${a}\n`).join('')}`
          const parser = new AddedLineParser({ maxLineBytes, overlapBytes: 4 })
          const runs = [...parser.push(Buffer.from(patch)), ...parser.end()]
          for (const run of runs)
            expect(Buffer.byteLength(run.text)).toBeLessThanOrEqual(maxLineBytes)
          expect(linesOf(runs).map((l) => l.text)).toEqual(added)
        },
      ),
    )
  })
})
